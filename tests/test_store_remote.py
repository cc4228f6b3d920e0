"""The remote store's rewriting of a visitor's query: dataset clauses found and removed in code
only, escaped prefixed names spelt out for stores whose parsers reject them, and the dataset
sent with each query (the source graphs only to a query that can read them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from lisgraph.errors import StoreError
from lisgraph.store.connector import Endpoint
from lisgraph.store.publication import Publication
from lisgraph.store.remote import (
    RemoteStore,
    expand_escaped_names,
    graphs_named_by_iri,
    has_dataset_clause,
    uses_named_graphs,
    without_dataset_clauses,
)

UNION = "https://w3id.org/lisgraph/graph/lisgraph"
SOURCES = tuple(f"https://w3id.org/lisgraph/graph/source-{n}" for n in range(3))
NOTHING = "https://w3id.org/lisgraph/graph/lisgraph/publication#none"
EMPTY_RESULTS = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'


@dataclass(frozen=True)
class RecordingEndpoint(Endpoint):
    """An endpoint that answers every query with no rows and keeps the parameters it was sent."""

    sent: list[list[tuple[str, str]]] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    answer: tuple[str, bytes] = ("application/sparql-results+json", EMPTY_RESULTS)

    def request(
        self,
        *,
        query: str | None = None,
        update: str | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept: str = "application/sparql-results+json",
    ) -> tuple[str, bytes]:
        self.sent.append(list(params))
        self.accepted.append(accept)
        return self.answer


def test_dataset_clauses_are_found_and_removed_in_code_only() -> None:
    query = (
        "PREFIX g: <http://g/> SELECT ?from FROM <http://x> FROM NAMED g:a from\tnamed <y> "
        'WHERE { ?s ex:from "FROM <z>" } # FROM <c>'
    )
    assert has_dataset_clause(query)
    assert not has_dataset_clause('SELECT ?from WHERE { ?s ex:from "FROM <z>" } # FROM <c>')
    assert without_dataset_clauses(query) == (
        'PREFIX g: <http://g/> SELECT ?from       WHERE { ?s ex:from "FROM <z>" } # FROM <c>'
    )


def test_escaped_prefixed_names_become_full_iris() -> None:
    query = (
        'PREFIX id: <http://x/id/> SELECT * { id:lep\\/E1 ?p "id:a\\/b" ; ?q id:plain } # id:c\\/d'
    )
    assert expand_escaped_names(query) == (
        'PREFIX id: <http://x/id/> SELECT * { <http://x/id/lep/E1> ?p "id:a\\/b" ; ?q id:plain }'
        " # id:c\\/d"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ("select * { graph <http://g> { ?s ?p ?o } }", True),
        ("SELECT * { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }", True),
        ("SELECT ?graph { ?graph ex:GRAPH 'GRAPH' ; <http://x/GRAPH> $GRAPH } # GRAPH", False),
        ("PREFIX GRAPH: <http://g/> SELECT * { GRAPH:a ?p ?o }", False),
        ("SELECT * { \\u0047RAPH ?g { ?s ?p ?o } }", True),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", False),
    ],
)
def test_named_graphs_are_used_only_through_graph(query: str, expected: bool) -> None:
    assert uses_named_graphs(query) is expected


def _sent(
    query: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()
) -> list[tuple[str, str]]:
    endpoint = RecordingEndpoint("http://store.invalid/sparql")
    store = RemoteStore(endpoint, Publication(UNION, "digest", SOURCES))
    store.query(query, default_graphs=default_graphs, named_graphs=named_graphs)
    (params,) = endpoint.sent
    return params


def test_a_query_without_graph_is_sent_the_union_graph_only() -> None:
    assert _sent("SELECT ?s WHERE { ?s ?p ?o }") == [
        ("default-graph-uri", UNION),
        ("named-graph-uri", NOTHING),
    ]


def test_a_query_with_graph_is_sent_every_source_graph() -> None:
    assert _sent("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }") == [
        ("default-graph-uri", UNION),
        *[("named-graph-uri", g) for g in SOURCES],
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { GRAPH <http://g/a> { ?s ?p ?o } }", {"http://g/a"}),
        (
            "PREFIX g: <http://g/> SELECT * { GRAPH g:a { ?s ?p ?o } "
            "FILTER EXISTS { GRAPH <b> { ?s ?p ?o } } }",
            {"http://g/a", "b"},
        ),
        ("BASE <http://g/> SELECT * { GRAPH <a> { ?s ?p ?o } }", {"http://g/a"}),
        ("SELECT * { { SELECT ?s { GRAPH <http://g/a> { ?s ?p ?o } } } }", {"http://g/a"}),
        ("SELECT * { GRAPH <http://g/a> { ?s ?p ?o } GRAPH ?g { ?s ?p ?o } }", None),
        ("SELECT * { GRAPH <http://g/a> { ?s ?p ?o } { SELECT * { GRAPH $g { } } } }", None),
        ("SELECT * { \\u0047RAPH <http://g/a> { ?s ?p ?o } }", None),
        ("SELECT * { GRAPH <http://g/a> { ?s ?p ", None),  # not readable here: every graph
    ],
)
def test_graphs_named_by_iri_are_found_and_a_variable_means_any(
    query: str, expected: set[str] | None
) -> None:
    assert graphs_named_by_iri(query) == (None if expected is None else frozenset(expected))


def test_a_query_naming_its_graphs_is_sent_those_sources_only() -> None:
    """Only the source graphs the query names go (the union graph and other graphs are no named
    graphs of the embedded store: GRAPH on them matches nothing there)."""
    query = (
        f"SELECT * {{ GRAPH <{SOURCES[2]}> {{ ?s ?p ?o }} GRAPH <{UNION}> {{ ?s ?p ?o }} "
        "GRAPH <http://example.org/other> { ?s ?p ?o } }"
    )
    assert _sent(query) == [("default-graph-uri", UNION), ("named-graph-uri", SOURCES[2])]
    assert _sent(f"ASK {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }}") == [
        ("default-graph-uri", UNION),
        ("named-graph-uri", NOTHING),
    ]


def test_a_stated_dataset_is_sent_as_stated_and_limited_to_ours() -> None:
    named = [SOURCES[1], "http://example.org/other"]
    assert _sent("SELECT ?s WHERE { ?s ?p ?o }", named_graphs=named) == [
        ("default-graph-uri", NOTHING),
        ("named-graph-uri", SOURCES[1]),
    ]
    assert _sent(f"SELECT ?s FROM <{SOURCES[0]}> WHERE {{ ?s ?p ?o }}") == [
        ("default-graph-uri", SOURCES[0]),
        ("named-graph-uri", NOTHING),
    ]


def test_virtuosos_geometry_datatype_is_read_as_the_published_wkt_literal() -> None:
    """Virtuoso answers a geo:wktLiteral as its own virtrdf:Geometry (the text unchanged when
    written compactly, as the build writes it): the front-end serves what the build published."""
    from lisgraph.store.remote import _wkt_as_published

    answer = (
        b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":{"type":"typed-literal","datatype":'
        b'"http://www.openlinksw.com/schemas/virtrdf#Geometry",'
        b'"value":"MULTIPOLYGON(((0 0,1 0,0 0)))"}}]}}'
    )
    assert b"geosparql#wktLiteral" in _wkt_as_published(answer)
    assert b"virtrdf" not in _wkt_as_published(answer)
    plain = b'{"head":{"vars":[]},"boolean":true}'
    assert _wkt_as_published(plain) is plain


XML_ROW = (
    b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    b'<variable name="o"/></head><results><result><binding name="o">'
    b'<literal xml:lang="en-gb">caf\xc3\xa9 &#13;&amp;</literal>'
    b"</binding></result></results></sparql>"
)


def test_solutions_are_asked_for_as_xml_first_and_read_as_the_store_answers() -> None:
    """Virtuoso writes SPARQL XML results in well under half the CPU of its JSON."""
    for media_type in ("application/sparql-results+xml", "application/sparql-results+json"):
        body = XML_ROW if media_type.endswith("xml") else (
            b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":{"type":"literal",'
            b'"xml:lang":"en-gb","value":"caf\xc3\xa9 \\r&"}}]}}'
        )  # fmt: skip
        endpoint = RecordingEndpoint("http://store.invalid/sparql", answer=(media_type, body))
        store = RemoteStore(endpoint, Publication(UNION, "digest", SOURCES))
        rows = store.query("SELECT ?o WHERE { ?s ?p ?o }").rows()
        assert [(r["o"].value, r["o"].language) for r in rows] == [("café \r&", "en-gb")]
        assert endpoint.accepted[0].startswith("application/sparql-results+xml,")
        assert "application/sparql-results+json" in endpoint.accepted[0]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?x WHERE { BIND("a\\u0000b" AS ?x) }',
        'SELECT ?x WHERE { BIND("raw \x01" AS ?x) }',
        'SELECT ?x WHERE { BIND("\\U0000FFFF" AS ?x) }',
    ],
)
def test_a_query_writing_a_character_xml_cannot_carry_asks_for_json(query: str) -> None:
    """Virtuoso's XML results cut a string at U+0000 (measured, 7.2.5); its JSON keeps it."""
    endpoint = RecordingEndpoint("http://store.invalid/sparql")
    RemoteStore(endpoint, Publication(UNION, "digest", SOURCES)).query(query)
    assert endpoint.accepted == ["application/sparql-results+json"]


def test_an_answer_in_another_format_is_a_store_error() -> None:
    endpoint = RecordingEndpoint("http://store.invalid/sparql", answer=("text/csv", b"o\r\nx\r\n"))
    with pytest.raises(StoreError, match="text/csv, not SPARQL results"):
        RemoteStore(endpoint, Publication(UNION, "digest", SOURCES)).query("SELECT * { ?s ?p ?o }")
