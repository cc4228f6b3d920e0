"""The shapes' SPARQL translation (run by Oxigraph) reports exactly what pySHACL reports.

pySHACL is the reference: on every shape's valid and invalid example, on the real data, and
on seeded mutations of the valid examples (a triple dropped, a value added, an IRI turned into
a string, a literal retyped), both validators must give the same violations, word for word.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, Node, URIRef
from rdflib.namespace import RDF, SH

from lisgraph import Settings
from lisgraph.build.sources import data_graph_iri, load
from lisgraph.canonical import merged_ntriples, to_rdflib
from lisgraph.errors import Violation
from lisgraph.shacl import (
    compile_shapes,
    load_shapes,
    path_text,
    reference_violations,
    violations,
)

from .helpers import BASE, SHAPES_DATA_DIR

EXAMPLES = sorted(SHAPES_DATA_DIR.glob("S*.ttl"))
VALID = [p for p in EXAMPLES if p.stem.endswith("-valid")]
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return load_shapes(settings.shapes_dir, settings.base)


def _example_store(settings: Settings, example: Path) -> ox.Store:
    context = [settings.data_dir / "concepts.ttl", settings.data_dir / "sources.ttl"]
    return load(settings, data_files=[*context, example], with_reference=False).store


def _both(store: ox.Store, shapes: Graph) -> tuple[list[Violation], list[Violation]]:
    ours = violations(store, shapes)
    theirs = reference_violations(to_rdflib(merged_ntriples(store)), shapes)
    return ours, theirs


def test_every_shape_is_translated(shapes: Graph) -> None:
    compiled = compile_shapes(shapes)
    assert compiled.untranslated == {}
    assert compiled.rest is None  # so a build never copies the data into rdflib
    # One query or more for each of the targeted shapes S00-S43.
    assert len({q.shape for q in compiled.queries}) == 44


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_agree_with_pyshacl(settings: Settings, shapes: Graph, example: Path) -> None:
    ours, theirs = _both(_example_store(settings, example), shapes)
    assert ours == theirs
    assert bool(ours) == ("-invalid-" in example.name)


def test_real_data_agrees_with_pyshacl(settings: Settings, shapes: Graph) -> None:
    ours, theirs = _both(load(settings).store, shapes)
    assert ours == theirs == []


def _mutate(store: ox.Store, graph: str, rng: random.Random) -> str:
    """Change one thing in ``graph`` of ``store``; say what."""
    quads = sorted(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)), key=str)
    quads = [q for q in quads if q.predicate.value != "http://www.w3.org/ns/prov#wasDerivedFrom"]
    if not quads:
        return f"nothing to change in {graph}"
    quad = rng.choice(quads)
    kind = rng.choice(["drop", "add", "stringify", "retype"])
    if kind == "drop":
        store.remove(quad)
    elif kind == "add":  # a second, different value
        other = rng.choice(quads).object
        if other == quad.object:
            other = ox.Literal("another value", language="en")
        store.add(ox.Quad(quad.subject, quad.predicate, other, quad.graph_name))
    elif kind == "stringify":  # the object's text as a plain string
        store.remove(quad)
        text = getattr(quad.object, "value", str(quad.object))
        store.add(ox.Quad(quad.subject, quad.predicate, ox.Literal(text), quad.graph_name))
    else:  # the literal retyped, or the IRI given a type it cannot have
        store.remove(quad)
        if isinstance(quad.object, ox.Literal):
            retyped = ox.Literal(quad.object.value, datatype=ox.NamedNode(BASE + "def/lis#X"))
            store.add(ox.Quad(quad.subject, quad.predicate, retyped, quad.graph_name))
        else:
            store.add(quad)
            rdf_type = ox.NamedNode(str(RDF.type))
            cls = ox.NamedNode(BASE + "def/lis#Project")
            store.add(ox.Quad(quad.object, rdf_type, cls, quad.graph_name))  # type: ignore[arg-type]
    return f"{kind} {quad}"


ROUNDS = 8


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_mutants_agree_with_pyshacl(settings: Settings, shapes: Graph, round_: int) -> None:
    """All valid examples together, each changed once (seeded: the same every run)."""
    context = [settings.data_dir / "concepts.ttl", settings.data_dir / "sources.ttl"]
    store = load(settings, data_files=[*context, *VALID], with_reference=False).store
    changes = [
        _mutate(
            store, data_graph_iri(example, settings.base), random.Random(f"{example.stem}{round_}")
        )
        for example in VALID
    ]
    ours, theirs = _both(store, shapes)
    assert ours == theirs, changes
    # Most changes break a shape, so the comparison is about something.
    assert len({v.focus_node for v in ours}) >= len(VALID) // 3


EX = Namespace("urn:test:")


def _with_shape(shapes: Graph, shape: URIRef, *statements: tuple[URIRef, Node]) -> Graph:
    """A copy of ``shapes`` with one more node shape, made of ``statements``."""
    extended = Graph()
    extended += shapes
    extended.add((shape, RDF.type, SH.NodeShape))
    for predicate, value in statements:
        extended.add((shape, predicate, value))
    return extended


def test_a_shape_not_translated_is_checked_by_pyshacl(settings: Settings, shapes: Graph) -> None:
    """sh:closed is not translated: that shape goes to pySHACL, the others stay queries."""
    source = URIRef(BASE + "id/source/ons-lad-lep-2020")
    extended = _with_shape(
        shapes,
        EX.Closed,
        (SH.targetNode, source),
        (SH.closed, Literal(True)),
        (SH.message, Literal("closed")),
    )
    compiled = compile_shapes(extended)
    assert list(compiled.untranslated) == [str(EX.Closed)]
    assert compiled.rest is not None
    assert len(compiled.queries) == len(compile_shapes(shapes).queries)

    data = [settings.data_dir / "concepts.ttl", settings.data_dir / "sources.ttl"]
    store = load(settings, data_files=data).store
    assert violations(store, shapes) == []
    found = violations(store, extended)
    assert found and {v.shape for v in found} == {str(EX.Closed)}
    assert {v.focus_node for v in found} == {str(source)}
    assert found == reference_violations(to_rdflib(merged_ntriples(store)), extended)


def test_a_recursive_shape_is_left_to_pyshacl(shapes: Graph) -> None:
    """SHACL leaves recursion undefined; the translation refuses it rather than loop."""
    extended = _with_shape(
        shapes,
        EX.Chain,
        (SH.targetClass, URIRef(BASE + "def/lis#Project")),
        (SH.message, Literal("chain")),
        (SH.node, EX.Link),
    )
    extended.add((EX.Link, SH.node, EX.Chain))
    compiled = compile_shapes(extended)
    assert list(compiled.untranslated) == [str(EX.Chain)]
    assert "refers to itself" in compiled.untranslated[str(EX.Chain)]


def test_an_ill_formed_literal_fails_its_datatype(settings: Settings, shapes: Graph) -> None:
    """SHACL: a literal whose text is not of its datatype does not have that datatype (here a
    source's issue date, which must be an xsd:date, xsd:gYearMonth or xsd:gYear)."""
    files = [settings.data_dir / "concepts.ttl", settings.data_dir / "sources.ttl"]
    store = load(settings, data_files=files, with_reference=False).store
    issued = ox.NamedNode("http://purl.org/dc/terms/issued")
    quad = sorted(store.quads_for_pattern(None, issued, None, None), key=str)[0]
    bad = ox.Literal("31 March 2019", datatype=quad.object.datatype)  # type: ignore[union-attr]
    store.remove(quad)
    store.add(ox.Quad(quad.subject, issued, bad, quad.graph_name))
    found = violations(store, shapes)
    assert [(v.focus_node, v.path, v.value) for v in found] == [
        (quad.subject.value, issued.value, str(bad))
    ]
    assert found == reference_violations(to_rdflib(merged_ntriples(store)), shapes)


def test_paths_read_as_sparql(shapes: Graph) -> None:
    (inverse,) = (p for p in shapes.objects(None, SH.path) if (p, SH.inversePath, None) in shapes)
    assert path_text(shapes, inverse) == f"^(<{BASE}def/lis#priority>)"
    assert path_text(shapes, URIRef(BASE + "def/lis#priority")) == BASE + "def/lis#priority"
