"""Every HTML page carries JSON-LD (review E9): read back as extruct reads it and parsed as RDF
by rdflib's JSON-LD parser. A LEP's and a strategy's page hold what their Turtle holds, with
schema.org terms from the graph; other pages are a schema.org WebPage of the dataset."""

from __future__ import annotations

import json
from typing import Any

import extruct
import pytest
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import to_isomorphic

from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE

SCHEMA = Namespace("https://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
HTML = {"Accept": "text/html"}


def _jsonld(client: FlaskClient, url: str) -> list[dict[str, Any]]:
    answer = client.get(url, headers=HTML)
    assert answer.status_code == 200, url
    assert answer.content_type.startswith("text/html")
    found: list[dict[str, Any]] = extruct.extract(
        answer.get_data(as_text=True), base_url="http://localhost/", syntaxes=["json-ld"]
    )["json-ld"]
    assert found, f"no JSON-LD on {url}"
    return found


def _graph(items: list[dict[str, Any]]) -> Graph:
    graph = Graph()
    for item in items:
        graph.parse(data=json.dumps(item), format="json-ld")
    assert len(graph) > 0
    return graph


def _without_schema_org(graph: Graph) -> Graph:
    kept = Graph()
    for s, p, o in graph:
        if str(p).startswith(str(SCHEMA)) or (p == RDF.type and str(o).startswith(str(SCHEMA))):
            continue
        kept.add((s, p, o))
    return kept


@pytest.mark.parametrize("doc", ["lep/E37000007", "strategy/west-midlands-lis", "region/E12000002"])
def test_a_resource_page_carries_what_its_turtle_holds(client: FlaskClient, doc: str) -> None:
    items = _jsonld(client, f"/doc/{doc}.html")
    # the resource is the top node (not a top-level @graph, which Comunica reads into a
    # named graph of its own), the rest included
    assert [item["@id"] for item in items] == [f"{BASE}id/{doc}"]
    embedded = _graph(items)
    turtle = Graph().parse(data=client.get(f"/doc/{doc}.ttl").get_data(as_text=True))
    assert len(turtle) > 5
    # the page's own node (a WebPage, part of the dataset) is all there is besides
    page = URIRef(f"http://localhost/doc/{doc}")
    assert (page, SCHEMA.mainEntity, URIRef(f"{BASE}id/{doc}")) in embedded
    assert (page, SCHEMA.isPartOf, URIRef(f"{BASE}catalog#dataset")) in embedded
    rest = _without_schema_org(embedded)
    assert to_isomorphic(rest) == to_isomorphic(turtle)


def test_a_lep_is_a_government_organization_serving_its_area(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    lep = URIRef(f"{BASE}id/lep/E37000007")
    graph = _graph(_jsonld(client, "/doc/lep/E37000007.html"))
    assert (lep, RDF.type, SCHEMA.GovernmentOrganization) in graph
    assert (lep, SCHEMA.name, None) in graph
    area = next(iter(store.query(f"SELECT ?a WHERE {{ <{lep}> <{BASE}def/lis#area> ?a }}").rows()))
    assert (lep, SCHEMA.areaServed, URIRef(area["a"].value)) in graph


def test_a_strategy_is_a_report_by_its_authors(client: FlaskClient, store: EmbeddedStore) -> None:
    strategy = URIRef(f"{BASE}id/strategy/west-midlands-lis")
    graph = _graph(_jsonld(client, "/doc/strategy/west-midlands-lis.html"))
    assert (strategy, RDF.type, SCHEMA.Report) in graph
    authors = {
        URIRef(r["a"].value)
        for r in store.query(f"SELECT ?a WHERE {{ <{strategy}> <{DCTERMS.creator}> ?a }}").rows()
    }
    assert len(authors) > 1
    assert set(graph.objects(strategy, SCHEMA.author)) == authors
    issued = set(graph.objects(strategy, DCTERMS.issued))
    assert issued and set(graph.objects(strategy, SCHEMA.datePublished)) == issued


@pytest.mark.parametrize(
    "url",
    [
        "/compare",
        "/compare?lep=E37000007&lep=E37000001",
        "/compare/strategies?strategy=cumbria-lis&strategy=west-midlands-lis",
        "/map",
        "/sparql",
        "/search?q=cumbria",
        "/catalog",
        "/releases/",
        "/graph/",
        "/id/lep/",
        "/def/lis",
    ],
)
def test_every_other_page_is_a_web_page_of_the_dataset(client: FlaskClient, url: str) -> None:
    graph = _graph(_jsonld(client, url))
    pages = set(graph.subjects(RDF.type, SCHEMA.WebPage))
    assert len(pages) == 1
    page = pages.pop()
    assert (page, SCHEMA.isPartOf, URIRef(f"{BASE}catalog#dataset")) in graph
    assert str(page).startswith("http://localhost/" + url.lstrip("/").split("?")[0])
    assert graph.value(page, SCHEMA.name)


def test_a_comparison_is_about_what_it_compares(client: FlaskClient) -> None:
    graph = _graph(_jsonld(client, "/compare?lep=E37000007&lep=E37000001"))
    page = next(iter(graph.subjects(RDF.type, SCHEMA.WebPage)))
    about = set(graph.objects(page, SCHEMA.about))
    assert about == {URIRef(f"{BASE}id/lep/E37000007"), URIRef(f"{BASE}id/lep/E37000001")}
    assert all((a, RDF.type, SCHEMA.GovernmentOrganization) in graph for a in about)
    graph = _graph(_jsonld(client, "/map"))
    page = next(iter(graph.subjects(RDF.type, SCHEMA.WebPage)))
    assert len(set(graph.objects(page, SCHEMA.about))) == 38


def test_the_landing_page_is_the_dataset(client: FlaskClient) -> None:
    # its context is schema.org's by name, as search engines expect (rdflib would fetch it)
    (dataset,) = _jsonld(client, "/")
    assert dataset["@type"] == "Dataset" and dataset["@id"] == f"{BASE}catalog#dataset"
