"""Portal metadata as harvesters read it: what ckanext-dcat's DCAT-AP profile reads (licence,
format, media type, contact point, coverage, themes, dates), the same dataset IRI and coverage in
DCAT, VoID, schema.org and the service description, VoID subsets, partitions and the ONS linkset,
and the schema.org markup as extruct and PyLD read it.

ckanext-dcat itself needs a CKAN installation to import, so its profile's reads are asserted here.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import extruct
import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from lisgraph import BuildResult
from lisgraph.store.embedded import EmbeddedStore

from .helpers import PROJECT_DIR, InProcessHTTP

OGL = URIRef("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
DATASET = URIRef("https://w3id.org/lisgraph/catalog#dataset")
ENGLAND = URIRef("http://statistics.data.gov.uk/id/statistical-geography/E92000001")
VCARD = "http://www.w3.org/2006/vcard/ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
DCAT3 = Namespace(str(DCAT))  # rdflib's DCAT lacks the DCAT 3 terms (version)
LOCN = Namespace("http://www.w3.org/ns/locn#")
GEOJSON = URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json")
LEP_SHAPES = (
    PROJECT_DIR / "data/reference/public-data/boundaries-lep20-derived-from-lad20-buc.geojson"
)
FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def _graph(http: InProcessHTTP, path: str, accept: str = "text/turtle") -> Graph:
    answer = http.get("http://localhost/" + path, headers={"Accept": accept})
    assert answer.status_code == 200
    return Graph().parse(data=answer.content, format=FORMATS[accept])


@pytest.mark.parametrize("accept", sorted(FORMATS))
def test_what_ckan_reads_from_the_catalogue(http: InProcessHTTP, accept: str) -> None:
    graph = _graph(http, "catalog", accept)
    assert (None, DCAT.dataset, DATASET) in graph
    # Licence: the https OGL address CKAN's licence register knows, with a title to fall back on.
    assert graph.value(DATASET, DCTERMS.license) == OGL
    assert str(graph.value(OGL, DCTERMS.title)) == "Open Government Licence v3.0"
    distributions = list(graph.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 13  # six dumps and their gzip copies, and the endpoint
    for dist in distributions:
        assert graph.value(dist, DCTERMS.license) == OGL
        url = str(graph.value(dist, DCAT.accessURL))
        if "/downloads/" in url:  # which file to use for what (E12, E13)
            words = "to save to disk" if url.endswith(".gz") else "Give this URL to clients"
            assert words in str(graph.value(dist, DCTERMS.description)), url
        fmt = str(graph.value(dist, DCTERMS.format))
        assert fmt.startswith("http://publications.europa.eu/resource/authority/file-type/")
        if str(graph.value(dist, DCAT.accessURL)).endswith("/sparql"):
            assert fmt.endswith("/SPARQLQ")
        else:
            assert graph.value(dist, DCAT.mediaType) is not None
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, URIRef(VCARD + "Kind")) in graph
    assert graph.value(contact, URIRef(VCARD + "fn")) is not None
    period = graph.value(DATASET, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2017", datatype=XSD.gYear)
    assert graph.value(period, DCAT.endDate) == Literal("2024", datatype=XSD.gYear)
    assert graph.value(DATASET, DCTERMS.spatial) == ENGLAND
    themes = {str(t).rsplit("/", 1)[1] for t in graph.objects(DATASET, DCAT.theme)}
    assert themes == {"ECON", "REGI", "GOVE"}
    assert all(graph.value(t, SKOS.prefLabel) for t in graph.objects(DATASET, DCAT.theme))
    assert str(graph.value(DATASET, DCTERMS.identifier)) == str(DATASET)


@pytest.mark.parametrize("accept", sorted(FORMATS))
def test_a_plain_build_fills_what_ckan_reads(
    http: InProcessHTTP, built: BuildResult, accept: str
) -> None:
    """E7, E8: from a plain build (no release) the catalogue states what ckanext-dcat's DCAT-AP
    3, 2 and 1 profiles read: version, issued, modified, language, frequency, conformance,
    documentation and a spatial geometry, each from the build or the data."""
    from lisgraph.artifact import BuildDir

    info = BuildDir(built.out_dir).info()
    graph = _graph(http, "catalog", accept)
    # the build's date (its inputs' date, build.json "built") and the version it gives
    stamp = Literal(info["built"], datatype=XSD.dateTime)
    assert graph.value(DATASET, DCTERMS.modified) == stamp
    assert graph.value(DATASET, DCTERMS.issued) == stamp
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}\+[0-9a-f]{12}", info["version"])
    assert info["version"].endswith("+" + built.inputs_digest[:12])
    assert graph.value(DATASET, DCAT3.version) == Literal(info["version"])
    assert graph.value(DATASET, OWL.versionInfo) == Literal(info["version"])  # DCAT-AP 2 and 1
    english = URIRef("http://publications.europa.eu/resource/authority/language/ENG")
    assert list(graph.objects(DATASET, DCTERMS.language)) == [english]
    assert graph.value(DATASET, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/IRREG"
    )
    assert set(graph.objects(DATASET, DCTERMS.conformsTo)) == {
        URIRef("https://w3id.org/lisgraph/def/lis"),
        URIRef("https://w3id.org/lisgraph/def/shapes"),
    }
    assert URIRef("http://localhost/downloads/") in set(graph.objects(DATASET, FOAF.page))
    # no email is made up: the data states none and none is configured
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert graph.value(contact, URIRef(VCARD + "hasEmail")) is None
    # England with the bounding box of the LEP areas' shapes, as WKT and GeoJSON, marked derived
    west, south, east, north = _bounds(LEP_SHAPES)
    corners = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    wkt = "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in corners) + "))"
    assert graph.value(ENGLAND, DCAT3.bbox) == Literal(wkt, datatype=GEO.wktLiteral)
    (geometry,) = graph.objects(ENGLAND, LOCN.geometry)
    assert isinstance(geometry, Literal) and geometry.datatype == GEOJSON  # what CKAN reads
    polygon = json.loads(str(geometry))
    assert polygon["type"] == "Polygon"
    assert polygon["coordinates"][0][0] == [float(west), float(south)]
    assert polygon["coordinates"][0][2] == [float(east), float(north)]
    assert graph.value(ENGLAND, PROV.wasDerivedFrom) == URIRef(
        "https://w3id.org/lisgraph/graph/lep20-boundaries-derived"
    )
    assert "derived" in str(graph.value(ENGLAND, RDFS.comment))


def _bounds(path: Path) -> tuple[str, str, str, str]:
    """West, south, east and north over every point of a GeoJSON file, as written there."""
    collection = json.loads(path.read_text(), parse_float=Decimal)
    points: list[list[Decimal]] = []

    def walk(value: object) -> None:
        if isinstance(value, list) and value and isinstance(value[0], Decimal):
            points.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for feature in collection["features"]:
        walk(feature["geometry"]["coordinates"])
    assert len(collection["features"]) == 38 and points
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return str(min(xs)), str(min(ys)), str(max(xs)), str(max(ys))


def test_the_contact_email_is_published_when_configured(built: BuildResult) -> None:
    """E8: CONTACT_EMAIL gives the contact point vcard:hasEmail (CKAN's contact_email) and the
    publisher foaf:mbox; anything but an address is refused."""
    from lisgraph.errors import ConfigError
    from lisgraph.web import create_app

    app = create_app({"DIST_DIR": str(built.out_dir), "CONTACT_EMAIL": "data@example.org"})
    graph = _graph(InProcessHTTP(app.test_client()), "catalog")
    contact = graph.value(DATASET, DCAT.contactPoint)
    mailbox = URIRef("mailto:data@example.org")
    assert graph.value(contact, URIRef(VCARD + "hasEmail")) == mailbox
    assert graph.value(graph.value(DATASET, DCTERMS.publisher), FOAF.mbox) == mailbox
    with pytest.raises(ConfigError, match="CONTACT_EMAIL"):
        create_app({"DIST_DIR": str(built.out_dir), "CONTACT_EMAIL": "not an address"})


def test_one_dataset_iri_everywhere(http: InProcessHTTP) -> None:
    void = _graph(http, ".well-known/void")
    assert (DATASET, RDF.type, VOID.Dataset) in void
    sd = _graph(http, "sparql")
    assert (None, URIRef(SD + "defaultDataset"), DATASET) in sd
    page = http.get("http://localhost/", headers={"Accept": "text/html"})
    data = extruct.extract(page.text, base_url="http://localhost/", syntaxes=["json-ld"])
    (dataset,) = [d for d in data["json-ld"] if d.get("@type") == "Dataset"]
    assert dataset["@id"] == dataset["identifier"] == str(DATASET)


def test_schema_org_markup_as_extruct_and_pyld_read_it(http: InProcessHTTP) -> None:
    page = http.get("http://localhost/", headers={"Accept": "text/html"})
    data = extruct.extract(page.text, base_url="http://localhost/", syntaxes=["json-ld"])
    (dataset,) = [d for d in data["json-ld"] if d.get("@type") == "Dataset"]
    for key in ("name", "description", "url", "license", "creator", "distribution",
                "temporalCoverage", "spatialCoverage", "identifier", "keywords"):  # fmt: skip
        assert dataset.get(key), key
    assert dataset["license"] == str(OGL)
    assert dataset["temporalCoverage"] == "2017/2024"  # as dcterms:temporal says
    assert dataset["spatialCoverage"]["sameAs"] == str(ENGLAND)  # as dcterms:spatial says
    assert 50 <= len(dataset["description"]) <= 5000
    # PyLD expands it with the schema.org context given inline (no network): the terms resolve.
    context = {"@vocab": "https://schema.org/"}
    expanded = jsonld.expand({**dataset, "@context": context})
    (node,) = expanded
    assert node["@id"] == str(DATASET)
    assert "https://schema.org/temporalCoverage" in node
    assert len(node["https://schema.org/distribution"]) == 6


def _int(value: Node | None) -> int:
    """A number read from a graph: a literal, never missing."""
    assert isinstance(value, Literal), value
    return int(value)


def test_void_subsets_partitions_vocabularies_and_linkset(
    http: InProcessHTTP, store: EmbeddedStore, built: BuildResult
) -> None:
    void = _graph(http, ".well-known/void")
    subsets = [s for s in void.objects(DATASET, VOID.subset) if (s, RDF.type, VOID.Dataset) in void]
    graphs = {str(void.value(s, DCTERMS.identifier)): s for s in subsets}
    assert set(graphs) == set(store.named_graphs())
    assert sum(_int(void.value(s, VOID.triples)) for s in subsets) == built.quads
    one = graphs["https://w3id.org/lisgraph/graph/seed-000-semlep-lis-page"]
    in_graph = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/lisgraph/graph/"
        "seed-000-semlep-lis-page> { ?s ?p ?o } }"
    ).rows()
    assert _int(void.value(one, VOID.triples)) == int(in_graph[0]["n"].value)
    assert list(void.objects(one, VOID.classPartition))
    parts = list(void.objects(one, VOID.propertyPartition))
    assert sum(_int(void.value(p, VOID.triples)) for p in parts) == _int(
        void.value(one, VOID.triples)
    )
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {
        "https://w3id.org/lisgraph/def/lis#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/ns/org#",
    } <= vocabularies
    (linkset,) = void.subjects(RDF.type, VOID.Linkset)
    assert str(void.value(linkset, VOID.linkPredicate)).endswith("#statisticalGeography")
    target = void.value(linkset, VOID.objectsTarget)
    assert str(void.value(target, VOID.uriSpace)).startswith("http://statistics.data.gov.uk/")
    links = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { "
        "?s <https://w3id.org/lisgraph/def/lis#statisticalGeography> ?o }"
    ).rows()
    assert _int(void.value(linkset, VOID.triples)) == int(links[0]["n"].value)


def test_service_description_counts_graphs_and_names_the_graph_store(http: InProcessHTTP) -> None:
    sd = _graph(http, "sparql")
    named = list(sd.objects(None, URIRef(SD + "namedGraph")))
    assert named and all(sd.value(sd.value(n, URIRef(SD + "graph")), VOID.triples) for n in named)
    # the endpoints as this request reached them (a mirror's clients stay on the mirror)
    assert (None, DCAT.endpointURL, URIRef("http://localhost/data")) in sd


#: What Comunica 4.x sends when it fetches a source's description (ecosystem review, E6).
COMUNICA_ACCEPT = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,"
    "application/xml;q=0.3,image/svg+xml;q=0.3,text/xml;q=0.3,text/html;q=0.2,"
    "application/xhtml+xml;q=0.18,application/json;q=0.135,text/shaclc;q=0.1"
)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (COMUNICA_ACCEPT, "application/n-quads"),
        ("application/trig,application/n-quads;q=0.9,*/*;q=0.1", "application/trig"),  # Jena
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_every_rdf_client_gets_the_service_description(
    http: InProcessHTTP, accept: str, media_type: str
) -> None:
    """E6: a GET without a query is answered with the description, never the whole dataset
    (which stays at /data), whatever RDF type comes first; in the default graph."""
    answer = http.get("http://localhost/sparql", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].split(";")[0] == media_type
    quads = list(ox.parse(answer.content, format=ox.RdfFormat.from_media_type(media_type)))
    assert quads and all(q.graph_name == ox.DefaultGraph() for q in quads)
    types = {q.object for q in quads if q.predicate == ox.NamedNode(str(RDF.type))}
    assert ox.NamedNode(SD + "Service") in types
    semlep = ox.NamedNode("https://w3id.org/lisgraph/id/lep/E37000057")
    assert all(q.subject != semlep for q in quads)
    assert len(answer.content) < 500_000  # the dataset is megabytes


@pytest.mark.parametrize(
    ("url", "config", "endpoint"),
    [
        ("http://localhost/sparql", {}, "http://localhost/sparql"),
        ("http://127.0.0.1:8080/sparql", {}, "http://127.0.0.1:8080/sparql"),
        (
            "http://localhost/sparql",
            {"PUBLIC_URL": "https://mirror.example.org/lis/"},
            "https://mirror.example.org/lis/sparql",
        ),
    ],
)
def test_sd_endpoint_is_the_url_served(
    built: BuildResult, url: str, config: dict[str, str], endpoint: str
) -> None:
    """E6: sd:endpoint names where the client is (the request's URL, or PUBLIC_URL), with the
    canonical name beside it."""
    from lisgraph.web import create_app

    app = create_app({"DIST_DIR": str(built.out_dir), **config})
    root, path = url.rsplit("/", 1)
    answer = app.test_client().get("/" + path, base_url=root, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    sd = Graph().parse(data=answer.data, format="turtle")
    assert list(sd.objects(None, URIRef(SD + "endpoint"))) == [URIRef(endpoint)]
    canonical = URIRef("https://w3id.org/lisgraph/sparql")
    assert (URIRef(endpoint), OWL.sameAs, canonical) in sd


def test_catalogue_has_an_html_view(http: InProcessHTTP, built: BuildResult) -> None:
    from lisgraph.artifact import BuildDir

    page = http.get("http://localhost/catalog", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    info = BuildDir(built.out_dir).info()
    assert f"<dd>{info['version']}</dd>" in page.text and "bounding box" in page.text
    for words in ("Open Government Licence v3.0", "2017–2024", "Regions and cities",
                  "lisgraph dump: N-Quads", "lisgraph Graph Store (read-only)"):  # fmt: skip
        assert words in page.text
    anything = http.get("http://localhost/catalog", headers={"Accept": "*/*"})
    assert anything.headers["Content-Type"].startswith("text/turtle")  # harvesters get RDF


def test_dates_when_the_build_records_its_time(built: BuildResult, tmp_path: Path) -> None:
    import json
    import shutil

    from lisgraph.artifact import BuildDir
    from lisgraph.web import create_app

    copy = tmp_path / "dist"
    shutil.copytree(BuildDir(built.out_dir).resolved().path, copy)
    info = json.loads((copy / "build.json").read_text())
    info["built"] = "2026-11-25T12:00:00+00:00"
    (copy / "build.json").write_text(json.dumps(info))
    http = InProcessHTTP(create_app({"DIST_DIR": str(copy)}).test_client())
    graph = _graph(http, "catalog")
    stamp = Literal("2026-11-25T12:00:00+00:00", datatype=XSD.dateTime)
    assert graph.value(DATASET, DCTERMS.modified) == stamp
    dumps = [
        d for d in graph.objects(DATASET, DCAT.distribution) if graph.value(d, DCAT.downloadURL)
    ]
    assert all(graph.value(d, DCTERMS.issued) == stamp for d in dumps)
    page = http.get("http://localhost/", headers={"Accept": "text/html"})
    data = extruct.extract(page.text, base_url="http://localhost/", syntaxes=["json-ld"])
    (dataset,) = [d for d in data["json-ld"] if d.get("@type") == "Dataset"]
    assert dataset["dateModified"] == "2026-11-25T12:00:00+00:00"
    answer = http.get("http://localhost/doc/lep/E37000057", headers={"Accept": "text/turtle"})
    assert answer.headers["Last-Modified"] == "Wed, 25 Nov 2026 12:00:00 GMT"
