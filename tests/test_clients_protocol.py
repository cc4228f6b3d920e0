"""What clients rely on, through the in-process app: one negotiation rule (format parameters read
per query form, Accept with q-values and parameters), datasets as the SPARQL 1.1 Protocol says,
named graphs as documents, the read-only Graph Store Protocol, index pages and helpful 404s.

Every answer is parsed back (rdflib, pyoxigraph) before anything is asserted about it.
"""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from lisgraph.web.negotiation import Kind, choose, negotiate, parse_accept

from .helpers import InProcessHTTP

LIS = "https://w3id.org/lisgraph/def/lis#"
SEMLEP = "https://w3id.org/lisgraph/id/lep/E37000057"
GRAPH = "https://w3id.org/lisgraph/graph/seed-000-semlep-lis-page"
SELECT = f"SELECT ?n WHERE {{ ?w <{LIS}waveNumber> ?n }} ORDER BY ?n"
CONSTRUCT = f"CONSTRUCT {{ <{SEMLEP}> ?p ?o }} WHERE {{ <{SEMLEP}> ?p ?o }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RDFLIB = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


def _media_type(answer: object) -> str:
    return str(answer.headers["Content-Type"]).split(";")[0].strip()  # type: ignore[attr-defined]


def _graph(answer: object) -> Graph:
    """A response's RDF, parsed by its Content-Type (quads merged into one graph)."""
    media_type = _media_type(answer)
    body = answer.content  # type: ignore[attr-defined]
    if media_type in ("application/n-quads", "application/trig"):
        quads = ox.parse(body, format=ox.RdfFormat.from_media_type(media_type))
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return Graph().parse(data=body, format="nt")
    return Graph().parse(data=body, format=RDFLIB[media_type])


def _graph_names(answer: object) -> set[str]:
    quads = ox.parse(answer.content, format=ox.RdfFormat.from_media_type(_media_type(answer)))  # type: ignore[attr-defined]
    return {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}


# --- the rule itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "kind", "key"),
    [
        ("text/turtle;charset=utf-8", "rdf", "turtle"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', "rdf", "jsonld"),
        ("application/sparql-results+json;charset=utf-8", "results", "json"),
        ("text/csv;header=present", "results", "csv"),
        ("text/n3", "rdf", "turtle"),
        ("application/json", "rdf", "jsonld"),
        ("application/json", "results", "json"),
        ("application/xml", "rdf", "rdfxml"),
        ("application/n-quads", "rdf", "nquads"),
        ("application/trig", "rdf", "trig"),
        ("text/turtle;q=0.5, application/rdf+xml", "rdf", "rdfxml"),
        ("text/*", "results", "csv"),
        ("*/*", "rdf", "turtle"),
        ("*/*", "results", "json"),
        ("", "rdf", "turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "rdf", "html"),
        ("text/turtle;q=0, */*", "rdf", "jsonld"),
    ],
)
def test_accept_headers_as_rfc_9110_reads_them(accept: str, kind: Kind, key: str) -> None:
    fmt = choose(accept, kind, "turtle" if kind == "rdf" else "json")
    assert fmt is not None and fmt.key == key


@pytest.mark.parametrize(
    ("values", "kind", "key"),
    [
        (["xml", "xml", "xml"], "rdf", "rdfxml"),
        (["xml"], "results", "xml"),
        (["json"], "rdf", "jsonld"),
        (["n3"], "rdf", "turtle"),
        (["tsv", "text/tab-separated-values"], "results", "tsv"),
        (["rdf+xml", "application/rdf+xml"], "rdf", "rdfxml"),
        (["csv"], "rdf", "turtle"),  # names nothing for a graph: Accept (*/*) decides
        (["json-ld"], "results", "json"),
    ],
)
def test_format_parameters_mean_what_they_mean_for_the_form(
    values: list[str], kind: str, key: str
) -> None:
    fmt = negotiate("*/*", values, kind, "turtle" if kind == "rdf" else "json")  # type: ignore[arg-type]
    assert fmt is not None and fmt.key == key


def test_accept_parameters_other_than_q_are_ignored() -> None:
    (only,) = parse_accept('application/ld+json;profile="a,b";q=0.4;ext=1')
    assert only.media_type == "application/ld+json" and only.q == 0.4


# --- at /sparql ------------------------------------------------------------------------------


def test_sparqlwrapper_default_for_construct(http: InProcessHTTP) -> None:
    """SPARQLWrapper's default: format=xml (meaning RDF/XML for a graph) beside its Accept."""
    answer = http.get(
        "http://localhost/sparql",
        params={"query": CONSTRUCT, "format": "xml", "output": "xml", "results": "xml"},
        headers={"Accept": "application/rdf+xml"},
    )
    assert answer.status_code == 200 and _media_type(answer) == "application/rdf+xml"
    assert (URIRef(SEMLEP), None, URIRef(LIS + "LocalEnterprisePartnership")) in _graph(answer)


@pytest.mark.parametrize("media_type", sorted(RDFLIB))
def test_construct_in_every_rdf_format(http: InProcessHTTP, media_type: str) -> None:
    answer = http.get(
        "http://localhost/sparql",
        params={"query": CONSTRUCT},
        headers={"Accept": media_type + ";charset=utf-8"},
    )
    assert answer.status_code == 200 and _media_type(answer) == media_type
    assert len(_graph(answer)) > 20


def test_a_real_406_names_what_the_request_could_have(http: InProcessHTTP) -> None:
    answer = http.get(
        "http://localhost/sparql",
        params={"query": CONSTRUCT, "format": "csv"},
        headers={"Accept": "text/csv"},
    )
    assert answer.status_code == 406
    assert "CONSTRUCT" in answer.text and "application/rdf+xml" in answer.text
    assert "text/csv" in answer.text and "format=csv names none" in answer.text
    assert "sparql-results" not in answer.text.split("available as", 1)[1].split(";")[0]


def _count(http: InProcessHTTP, params: dict[str, str] | list[tuple[str, str]]) -> int:
    answer = http.get("http://localhost/sparql", params=params, headers={"Accept": "text/csv"})
    assert answer.status_code == 200, answer.text
    return int(answer.text.split()[1])


def test_named_graph_uri_alone_leaves_the_default_graph_empty(http: InProcessHTTP) -> None:
    """SPARQL 1.1 Protocol 2.1.4: the parameters give the RDF dataset as FROM and FROM NAMED
    would; with named graphs only, the default graph is empty, both ways."""
    assert _count(http, {"query": COUNT}) > 4000
    assert _count(http, {"query": COUNT, "named-graph-uri": GRAPH}) == 0
    assert (
        _count(
            http, {"query": f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH}> WHERE {{ ?s ?p ?o }}"}
        )
        == 0
    )
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    n = _count(http, {"query": in_graph, "named-graph-uri": GRAPH})
    assert n > 200
    assert _count(http, {"query": COUNT, "default-graph-uri": GRAPH}) == n


# --- named graphs and the Graph Store Protocol ------------------------------------------------


def _graph_in_store(store: object) -> Graph:
    result = store.query(  # type: ignore[attr-defined]
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    )
    return Graph().parse(data=result.serialize("ntriples"), format="nt")


@pytest.mark.parametrize("media_type", sorted(RDFLIB))
def test_named_graph_iri_returns_the_graph(
    http: InProcessHTTP, store: object, media_type: str
) -> None:
    answer = http.get(
        "http://localhost/graph/seed-000-semlep-lis-page", headers={"Accept": media_type}
    )
    assert answer.status_code == 200 and _media_type(answer) == media_type
    assert isomorphic(_graph(answer), _graph_in_store(store))
    if media_type in ("application/n-quads", "application/trig"):
        assert _graph_names(answer) == {GRAPH}


def test_named_graph_page(http: InProcessHTTP) -> None:
    page = http.get(
        "http://localhost/graph/seed-000-semlep-lis-page", headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    assert "Local Industrial Strategy (South East Midlands LEP web page)" in page.text
    assert "seed-000-semlep-lis-page.ttl" in page.text and "/data?graph=" in page.text


@pytest.mark.parametrize("media_type", sorted(RDFLIB))
@pytest.mark.parametrize("which", ["graph", "default"])
def test_graph_store_get(
    http: InProcessHTTP, store: object, built: object, media_type: str, which: str
) -> None:
    params = {"graph": GRAPH} if which == "graph" else {"default": ""}
    answer = http.get("http://localhost/data", params=params, headers={"Accept": media_type})
    assert answer.status_code == 200 and _media_type(answer) == media_type
    graph = _graph(answer)
    if which == "graph":
        assert isomorphic(graph, _graph_in_store(store))
    else:
        assert len(graph) == built.triples  # type: ignore[attr-defined]
    etag = answer.headers["ETag"]
    again = http.get(
        "http://localhost/data",
        params=params,
        headers={"Accept": media_type, "If-None-Match": etag},
    )
    assert again.status_code == 304
    head = http.head("http://localhost/data", params=params, headers={"Accept": media_type})
    assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == etag


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_graph_store_writes_are_refused(http: InProcessHTTP, method: str) -> None:
    answer = http.request(method, "http://localhost/data", params={"graph": GRAPH}, data=b"")
    assert answer.status_code == 405 and "read-only" in answer.text
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_graph_store_request_at_the_endpoint(http: InProcessHTTP, store: object) -> None:
    """Jena's fetch() sends GET /sparql?graph=...: the graph, not the service description."""
    answer = http.get(
        "http://localhost/sparql", params={"graph": GRAPH}, headers={"Accept": "text/turtle"}
    )
    assert isomorphic(_graph(answer), _graph_in_store(store))
    missing = http.get("http://localhost/data", params={"graph": "https://example.org/g"})
    assert missing.status_code == 404 and "/graph/" in missing.text


def test_whole_dataset_for_a_dataset_client(http: InProcessHTTP, built: object) -> None:
    answer = http.get(
        "http://localhost/data",
        headers={"Accept": "application/trig,application/n-quads;q=0.9,application/ld+json;q=0.8"},
    )
    assert answer.status_code == 200 and _media_type(answer) == "application/trig"
    quads = list(ox.parse(answer.content, format=ox.RdfFormat.TRIG))
    # every named graph, and their merge in the default graph, as the endpoint queries it (E12)
    named = [q for q in quads if q.graph_name != ox.DefaultGraph()]
    assert len(named) == built.quads  # type: ignore[attr-defined]
    assert len(quads) - len(named) == built.triples  # type: ignore[attr-defined]
    # N-Quads, gzip-encoded for a client that accepts it (Comunica, Jena): the same quads
    plain = http.get("http://localhost/data", headers={"Accept": "application/n-quads"})
    encoded = http.get(
        "http://localhost/data",
        headers={"Accept": "application/n-quads", "Accept-Encoding": "gzip"},
    )
    assert "Content-Encoding" not in plain.headers
    assert encoded.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(encoded.content) == plain.content
    assert len(list(ox.parse(plain.content, format=ox.RdfFormat.N_QUADS))) == len(quads)


# --- index pages, 404s, Link headers -------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("id/", "By class"),
        ("doc/", "id/lep/"),
        ("id/lep/", "South East Midlands"),
        ("graph/", "Local Industrial Strategy (South East Midlands LEP web page)"),
    ],
)
def test_index_pages(http: InProcessHTTP, path: str, words: str) -> None:
    page = http.get("http://localhost/" + path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and words in page.text


def test_404_suggests_what_exists(http: InProcessHTTP) -> None:
    page = http.get("http://localhost/id/lep/e37000057", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert 'href="http://localhost/id/lep/E37000057"' in page.text  # the same IRI, in its case
    as_turtle = http.get("http://localhost/doc/lep/E99999999", headers={"Accept": "text/turtle"})
    assert as_turtle.status_code == 404 and "Try:" in as_turtle.text
    assert len(Graph().parse(data=as_turtle.content, format="turtle")) == 0


def test_documents_link_their_other_formats(http: InProcessHTTP) -> None:
    answer = http.get("http://localhost/doc/lep/E37000057", headers={"Accept": "text/turtle"})
    links = answer.headers["Link"]
    for ext, media_type in [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nq", "application/n-quads"),
    ]:
        assert (
            f'<http://localhost/doc/lep/E37000057.{ext}>; rel="alternate"; type="{media_type}"'
            in links
        )
    assert 'rel="describedby"' in links and 'rel="license"' in links
