"""Awkward values survive every answer format of the real endpoint, read back by real clients.

A query names the values itself (``VALUES``), so what comes back must be exactly what was sent:
tabs, carriage returns and line feeds, quotes, commas, characters outside the Basic
Multilingual Plane, empty strings, language tags, datatypes, and IRIs holding ``%``, ``&`` and
``#``. SELECT goes through the four results formats the endpoint offers (JSON, XML, CSV, TSV),
CONSTRUCT through its six RDF formats; each answer is parsed by rdflib and by SPARQLWrapper as
they come. CSV carries no types (SPARQL 1.1 CSV/TSV 2): there the text of each value is
compared, and an empty string reads as unbound, as the format cannot tell them apart.
"""

from __future__ import annotations

import csv
import io
import warnings
from typing import Any
from xml.dom.minidom import Document, Element

import pytest
import requests
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node, Variable
from SPARQLWrapper import CSV, JSON, JSONLD, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

EX = "http://example.org/awkward/"
#: Each value under its own subject, so a lost or merged value shows.
VALUES: dict[str, Node] = {
    "tab": Literal("before\tafter"),
    "carriage-return": Literal("before\rafter"),
    "crlf": Literal("line one\r\nline two"),
    "line-feed": Literal("line one\nline two"),
    "quotes": Literal("she said \"yes\" and 'no'"),
    "commas": Literal("a, b; c,,"),
    "astral": Literal("music \U0001d11e and a smile \U0001f600"),
    "empty": Literal(""),
    "markup": Literal("<b>&amp; ]]> </b>"),
    "backslash": Literal("C:\\path\\n not a newline"),
    "spaces": Literal("  padded  "),
    "language": Literal("colour", lang="en-GB"),
    "empty-language": Literal("", lang="cy"),
    "date": Literal("2020-02-29", datatype=XSD.date),
    "own-datatype": Literal("x, y\tz", datatype=URIRef(EX + "datatype#odd")),
    "iri": URIRef(EX + "a%20b?x=1&y=%26#frag"),
}
SUBJECTS = {URIRef(f"{EX}s/{name}"): value for name, value in VALUES.items()}
PREDICATE = URIRef(EX + "value")
S, V = Variable("s"), Variable("v")


def _sparql_term(node: Node) -> str:
    """A term in SPARQL syntax: rdflib writes N-Triples escapes (``\\r``, ``\\t``, ``\\"``)."""
    return node.n3()


_ROWS = " ".join(f"({_sparql_term(s)} {_sparql_term(v)})" for s, v in SUBJECTS.items())
SELECT = f"SELECT ?s ?v WHERE {{ VALUES (?s ?v) {{ {_ROWS} }} }}"
CONSTRUCT = f"CONSTRUCT {{ ?s <{PREDICATE}> ?v }} WHERE {{ VALUES (?s ?v) {{ {_ROWS} }} }}"
EXPECTED_GRAPH = {(s, PREDICATE, v) for s, v in SUBJECTS.items()}

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}


def _ask(server: str, query: str, media_type: str) -> bytes:
    answer = requests.post(
        server + "sparql", data={"query": query}, headers={"Accept": media_type}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].split(";")[0] == media_type
    return answer.content


def _as_text(node: Node | None) -> str:
    return "" if node is None else str(node)


@pytest.mark.parametrize("fmt", sorted(RESULT_TYPES))
def test_select_values_come_back_through_rdflib(server: str, fmt: str) -> None:
    body = _ask(server, SELECT, RESULT_TYPES[fmt])
    result = Result.parse(io.BytesIO(body), format=fmt)
    got = {row[S]: row.get(V) for row in result.bindings}
    if fmt == "csv":
        assert {s: _as_text(v) for s, v in got.items()} == {s: str(v) for s, v in SUBJECTS.items()}
    else:
        assert got == SUBJECTS
    if fmt == "xml":
        assert b"\r" not in body and b"&#13;" in body  # written so that parsers keep it


def _wrapper(server: str, query: str, return_format: str) -> Any:
    client = SPARQLWrapper(server + "sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():  # SPARQLWrapper warns about combinations it finds unusual
        warnings.simplefilter("ignore", RuntimeWarning)
        return client.query().convert()


def _dom_term(binding: Element) -> Node:
    """A term of a SPARQL XML results binding, as SPARQLWrapper hands it (a DOM)."""
    element = next(n for n in binding.childNodes if isinstance(n, Element))
    text = "".join(n.data for n in element.childNodes if n.nodeType == n.TEXT_NODE)
    if element.tagName == "uri":
        return URIRef(text)
    language = element.getAttribute("xml:lang") or None
    datatype = element.getAttribute("datatype") or None
    return Literal(text, lang=language, datatype=URIRef(datatype) if datatype else None)


def _json_term(term: dict[str, str]) -> Node:
    if term["type"] == "uri":
        return URIRef(term["value"])
    datatype = term.get("datatype")
    return Literal(
        term["value"], lang=term.get("xml:lang"), datatype=URIRef(datatype) if datatype else None
    )


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_select_values_come_back_through_sparqlwrapper(server: str, return_format: str) -> None:
    converted = _wrapper(server, SELECT, return_format)
    if return_format == JSON:
        rows = converted["results"]["bindings"]
        got = {URIRef(r["s"]["value"]): _json_term(r["v"]) for r in rows}
        assert got == SUBJECTS
    elif return_format == XML:
        assert isinstance(converted, Document)
        read: dict[Node, Node] = {}
        for element in converted.getElementsByTagName("result"):
            by_name = {b.getAttribute("name"): b for b in element.getElementsByTagName("binding")}
            read[_dom_term(by_name["s"])] = _dom_term(by_name["v"])
        assert read == SUBJECTS
    elif return_format == CSV:
        rows = list(csv.DictReader(io.StringIO(converted.decode("utf-8"), newline="")))
        assert {URIRef(r["s"]): r["v"] for r in rows} == {s: str(v) for s, v in SUBJECTS.items()}
    else:  # TSV: terms in SPARQL syntax, read by rdflib's parser of the format
        result = Result.parse(io.BytesIO(converted), format="tsv")
        assert {row[S]: row[V] for row in result.bindings} == SUBJECTS


@pytest.mark.parametrize("fmt", sorted(GRAPH_TYPES))
def test_construct_values_come_back_through_rdflib(server: str, fmt: str) -> None:
    body = _ask(server, CONSTRUCT, GRAPH_TYPES[fmt])
    if fmt in ("nquads", "trig"):  # quad formats, the triples in the default graph
        dataset = Dataset()
        with warnings.catch_warnings():  # rdflib 7.6's own parse warns of its internals
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(data=body, format=fmt)
        assert {(s, p, o) for s, p, o, _ in dataset.quads()} == EXPECTED_GRAPH
    else:
        assert set(Graph().parse(data=body, format=fmt)) == EXPECTED_GRAPH
    if fmt == "xml":
        assert b"\r" not in body and b"&#13;" in body


@pytest.mark.parametrize("return_format", [TURTLE, RDFXML, JSONLD])
def test_construct_values_come_back_through_sparqlwrapper(server: str, return_format: str) -> None:
    converted = _wrapper(server, CONSTRUCT, return_format)
    if isinstance(converted, bytes):  # Turtle comes as text, to be parsed by the caller
        converted = Graph().parse(data=converted, format="turtle")
    assert isinstance(converted, Graph)
    assert set(converted) == EXPECTED_GRAPH
