"""VoID, the DCAT-AP catalogue (checked against the DCAT-AP 3.0.1 shapes), schema.org, sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID
from rdflib.term import Node

from lisgraph import BuildResult
from lisgraph.artifact import DUMP_FORMATS

from .helpers import TESTS_DIR, InProcessHTTP, dcat_ap_shapes, dcat_ap_violations

DCAT_AP = TESTS_DIR / "data" / "dcat-ap-3.0.1"


def _graph(http: InProcessHTTP, server: str, path: str, accept: str = "text/turtle") -> Graph:
    response = http.get(server + path, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[
        accept
    ]
    return Graph().parse(data=response.content, format=fmt)


def _number(graph: Graph, subject: Node, predicate: URIRef) -> int:
    """The one value of ``predicate`` on ``subject``, a literal integer."""
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), (subject, predicate, value)
    return int(value)


def test_void(http: InProcessHTTP, server: str, built: BuildResult) -> None:
    graph = _graph(http, server, ".well-known/void")
    (dataset,) = set(graph.subjects(VOID.subset, None))  # the one whose subsets the graphs are
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(server + "sparql")
    dumps = {str(d) for d in graph.objects(dataset, VOID.dataDump)}
    assert dumps == {server + f"downloads/{f.filename}" for f in DUMP_FORMATS}
    for dump in dumps:
        assert http.head(dump, timeout=30).status_code == 200
    assert graph.value(dataset, VOID.uriSpace) == Literal("https://w3id.org/lisgraph/id/")
    examples = list(graph.objects(dataset, VOID.exampleResource))
    assert examples
    for example in examples:
        local = str(example).replace("https://w3id.org/lisgraph/", server)
        assert http.get(local, timeout=30).status_code == 200
    assert _number(graph, dataset, VOID.triples) == built.triples
    assert _number(graph, dataset, VOID.entities) > 314 + 38 + 38  # districts, LEP areas, LEPs
    assert 40 < _number(graph, dataset, VOID.classes) < _number(graph, dataset, VOID.properties)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json"])
def test_catalog_conforms_to_dcat_ap_3(http: InProcessHTTP, server: str, accept: str) -> None:
    """Conforms, but for the one deviation named in helpers (England's ``locn:geometry`` is the
    GeoJSON literal ckanext-dcat reads); ``dcat:bbox`` is as DCAT-AP 3 says."""
    catalog = _graph(http, server, "catalog", accept)
    other, allowed, text = dcat_ap_violations(catalog)
    assert other == [], text
    assert len(allowed) == 2, text  # not a node, not a locn:Geometry


def test_dcat_ap_shapes_reject_a_broken_catalogue(http: InProcessHTTP, server: str) -> None:
    catalog = _graph(http, server, "catalog")
    for dataset in list(catalog.subjects(RDF.type, DCAT.Dataset)):
        catalog.remove((dataset, DCTERMS.title, None))
    conforms, _, _ = validate(
        catalog, shacl_graph=dcat_ap_shapes(), inference="none", allow_warnings=True
    )
    assert not conforms


def test_catalog_describes_every_dump_and_the_endpoint(
    http: InProcessHTTP, server: str, built: BuildResult
) -> None:
    graph = _graph(http, server, "catalog")
    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    downloads = {}
    for dist in graph.objects(dataset, DCAT.distribution):
        download = graph.value(dist, DCAT.downloadURL)
        if download is not None:
            downloads[str(download)] = dist
    expected = {server + f"downloads/{f.filename}{gz}" for f in DUMP_FORMATS for gz in ("", ".gz")}
    assert set(downloads) == expected
    lines = (built.out_dir / "SHA256SUMS").read_text().splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    spdx = "http://spdx.org/rdf/terms#"
    for url, dist in downloads.items():
        name = url.rsplit("/", 1)[1]
        assert _number(graph, dist, DCAT.byteSize) == (built.out_dir / name).stat().st_size
        checksum = graph.value(dist, URIRef(spdx + "checksum"))
        assert str(graph.value(checksum, URIRef(spdx + "checksumValue"))) == sums[name]
        assert graph.value(dist, DCAT.mediaType) is not None
    services = {
        graph.value(s, DCAT.endpointURL) for s in graph.subjects(RDF.type, DCAT.DataService)
    }
    assert services == {URIRef(server + p) for p in ("sparql", "data", "fragments")}


def test_schema_org_dataset_on_the_landing_page(http: InProcessHTTP, server: str) -> None:
    page = http.get(server, timeout=30).text
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "Dataset" and data["name"] and data["description"]
    assert "open-government-licence" in data["license"]
    assert data["creator"]["name"]
    assert {d["contentUrl"] for d in data["distribution"]} == {
        server + f"downloads/{f.filename}" for f in DUMP_FORMATS
    }


def test_sitemap_lists_the_pages(http: InProcessHTTP, server: str) -> None:
    response = http.get(server + "sitemap.xml", timeout=30)
    root = ET.fromstring(response.content)
    urls = [loc.text or "" for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert server in urls and server + "sparql" in urls
    assert server + "doc/lep/E37000057" in urls
    assert len(urls) > 300
    for url in urls[:5] + urls[-5:]:
        assert http.get(url, headers={"Accept": "text/html"}, timeout=30).status_code == 200


CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_the_footers_void_link_opens_a_page(
    http: InProcessHTTP, server: str, built: BuildResult
) -> None:
    """E14: a browser following the footer's VoID link gets a page it shows (not 1.3 MB of
    RDF/XML to save); RDF clients and harvesters (*/*) still get RDF from the same URL."""
    landing = http.get(server, headers={"Accept": CHROMIUM}).text
    assert f'<a href="{server}.well-known/void">VoID</a>' in landing
    for accept in (CHROMIUM, "text/html"):
        page = http.get(server + ".well-known/void", headers={"Accept": accept})
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        assert f"{built.triples:,}" in page.text  # the counts, as people read them
        assert "Subsets: one per named graph" in page.text
        assert f'href="{server}.well-known/void?format=turtle"' in page.text
    as_turtle = http.get(server + ".well-known/void?format=turtle", headers={"Accept": CHROMIUM})
    assert as_turtle.headers["Content-Type"].startswith("text/turtle")
    anything = http.get(server + ".well-known/void", headers={"Accept": "*/*"})
    assert anything.headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=anything.content, format="turtle")) > 100
