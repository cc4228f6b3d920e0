"""The translation agrees with pySHACL on the SHACL features the project's shapes barely use.

The project's 37 shapes exercise what the data needs (tests/test_shacl.py); this runs a small
shapes graph with one node shape per SHACL section (tests/shacl/features-shapes.ttl: value
type, range, string-based, sh:in, logical, every kind of path, property pairs, targetObjectsOf,
a warning, deactivated shapes) over data that breaks each of them, and requires both validators
to report the same violations, word for word.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from lisgraph.canonical import merged_ntriples, to_rdflib
from lisgraph.errors import Violation
from lisgraph.shacl import compile_shapes, reference_violations, violations

DATA_DIR = Path(__file__).parent / "shacl"
EX = "urn:example:"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(DATA_DIR / "features-shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(
        path=DATA_DIR / "features-data.ttl",
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(EX + "graph"),
    )
    return store


@pytest.fixture(scope="module")
def found(store: ox.Store, shapes: Graph) -> list[Violation]:
    return violations(store, shapes)


def test_every_feature_is_translated(shapes: Graph) -> None:
    compiled = compile_shapes(shapes)
    assert compiled.untranslated == {}
    assert compiled.rest is None


def test_the_same_violations_as_pyshacl(
    store: ox.Store, shapes: Graph, found: list[Violation]
) -> None:
    assert found == reference_violations(to_rdflib(merged_ntriples(store)), shapes)


def test_every_active_shape_reports_and_the_conforming_node_does_not(
    shapes: Graph, found: list[Violation]
) -> None:
    """So that the comparison is about something."""
    active = {str(s) for s in shapes.subjects(SH.message, None) if str(s).startswith(EX)}
    active |= {str(s) for s, p in shapes.subject_predicates(None) if p == SH.property}
    active -= {EX + "Off", EX + "OffProperty"}
    assert len(active) == 8
    assert {v.shape for v in found} == active
    assert EX + "a" not in {v.focus_node for v in found}


def test_a_warning_keeps_its_severity(found: list[Violation]) -> None:
    pairs = [v for v in found if v.shape == EX + "PropertyPair"]
    assert pairs and {v.severity for v in pairs} == {"Warning"}


# Where the two validators once differed, or could: literal focus nodes, literal targets
# Oxigraph rewrites, warnings pySHACL calls conforming.


def _both(data: str, shapes: Graph) -> tuple[list[Violation], list[Violation]]:
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "graph"))
    theirs = reference_violations(to_rdflib(merged_ntriples(store)), shapes)
    return violations(store, shapes), theirs


def test_a_literal_focus_node_is_worded_as_pyshacl_words_it(shapes: Graph) -> None:
    ours, theirs = _both(f'<{EX}x> <{EX}link> "t1" .', shapes)
    assert ours and ours == theirs
    assert '"t1"' in {v.focus_node for v in ours}


def test_a_literal_target_oxigraph_would_rewrite_is_checked_as_written() -> None:
    """``4.0`` is ``"4"^^xsd:decimal`` in Oxigraph: pySHACL checks that shape instead, on the
    term the shapes graph names."""
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <{EX}Small> sh:targetNode 4.0, 1 ; sh:maxExclusive 3 ; sh:message "Under 3." .
        """,
        format="turtle",
    )
    ours, theirs = _both(f"<{EX}x> <{EX}y> <{EX}z> .", shapes)
    decimal = '"4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert [(v.focus_node, v.value) for v in ours] == [(decimal, decimal)]
    assert ours == theirs


def test_warnings_alone_are_reported_by_pyshacl_too() -> None:
    """pySHACL calls data with only warnings conforming: they are results all the same."""
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <{EX}Warned> sh:targetSubjectsOf <{EX}y> ; sh:class <{EX}C> ; sh:severity sh:Warning .
        """,
        format="turtle",
    )
    ours, theirs = _both(f"<{EX}x> <{EX}y> <{EX}z> .", shapes)
    assert [(v.focus_node, v.severity) for v in theirs] == [(EX + "x", "Warning")]
    assert ours == theirs


# One difference from pySHACL, kept as it is (the translation's wording is what builds report
# today): strict, so that the day it is fixed this test says so.
@pytest.mark.xfail(
    strict=True, reason="{?value} in a Core constraint's message is filled here, not by pySHACL"
)
def test_a_core_message_template_is_worded_as_pyshacl_words_it() -> None:
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{EX}Named> sh:targetSubjectsOf <{EX}name> ;
            sh:property [ sh:path <{EX}name> ; sh:datatype xsd:string ;
                sh:message "Not a string: {{?value}}" ] .
        """,
        format="turtle",
    )
    ours, theirs = _both(f"<{EX}x> <{EX}name> 7 .", shapes)
    assert ours and ours == theirs
