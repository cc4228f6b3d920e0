"""Every kind of SHACL property path [SHACL 1.0, 2.3.1] reads as the SPARQL path it means.

Whether those paths reach the same value nodes as pySHACL's is tested in
tests/test_shacl_features.py; this pins the text, which is also how reports name a path.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, URIRef

from lisgraph.shacl import path_text
from lisgraph.shacl.paths import sparql_path
from lisgraph.shacl.terms import UntranslatableError

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:example:> .
"""


def _path(turtle: str) -> tuple[Graph, BNode | URIRef]:
    """The graph of ``<urn:example:s> sh:path <turtle>``, and the path node in it."""
    graph = Graph().parse(data=f"{PREFIXES} ex:s sh:path {turtle} .", format="turtle")
    path = graph.value(URIRef("urn:example:s"), URIRef("http://www.w3.org/ns/shacl#path"))
    assert isinstance(path, BNode | URIRef)
    return graph, path


@pytest.mark.parametrize(
    ("turtle", "sparql"),
    [
        ("ex:p", "<urn:example:p>"),
        ("( ex:p ex:q )", "(<urn:example:p>/<urn:example:q>)"),
        ("[ sh:inversePath ex:p ]", "^(<urn:example:p>)"),
        ("[ sh:alternativePath ( ex:p ex:q ) ]", "(<urn:example:p>|<urn:example:q>)"),
        ("[ sh:zeroOrMorePath ex:p ]", "(<urn:example:p>)*"),
        ("[ sh:oneOrMorePath ex:p ]", "(<urn:example:p>)+"),
        ("[ sh:zeroOrOnePath ex:p ]", "(<urn:example:p>)?"),
        (
            "( [ sh:inversePath ex:p ] [ sh:alternativePath ( ex:q [ sh:oneOrMorePath ex:r ] ) ] )",
            "(^(<urn:example:p>)/(<urn:example:q>|(<urn:example:r>)+))",
        ),
    ],
    ids=[
        "predicate",
        "sequence",
        "inverse",
        "alternative",
        "zero-or-more",
        "one-or-more",
        "zero-or-one",
        "nested",
    ],
)
def test_each_path_kind_as_sparql(turtle: str, sparql: str) -> None:
    graph, path = _path(turtle)
    assert sparql_path(graph, path) == sparql


def test_a_report_names_a_predicate_by_its_iri_and_other_paths_as_sparql() -> None:
    graph, predicate = _path("ex:p")
    assert path_text(graph, predicate) == "urn:example:p"
    graph, inverse = _path("[ sh:inversePath ex:p ]")
    assert path_text(graph, inverse) == "^(<urn:example:p>)"


@pytest.mark.parametrize("turtle", ["[ sh:name 'not a path' ]", "[ sh:inversePath [] ]"])
def test_what_is_not_a_path_is_not_translated(turtle: str) -> None:
    graph, path = _path(turtle)
    with pytest.raises(UntranslatableError, match="is not a SHACL path"):
        sparql_path(graph, path)


def test_a_missing_path_is_not_translated() -> None:
    with pytest.raises(UntranslatableError, match="without sh:path"):
        path_text(Graph(), None)
