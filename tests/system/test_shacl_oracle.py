"""pySHACL, the reference, against the shapes' SPARQL translation: every example, seeded
mutants, and the whole dataset.

Both validators must give the same violations, word for word: on every shape's valid and invalid
example, on seeded mutations of the valid examples (a triple dropped, a value added, an IRI turned
into a string, a literal retyped), and on the real data. pySHACL evaluates in Python, node by node
(about half a second per example, ten seconds on the real data), so these run in the full suite,
not in the fast lane; ``tests/test_shacl.py`` keeps the translation's own tests and a few
comparisons on small data there.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from lisgraph import Settings
from lisgraph.builder.sources import data_graph_iri, load
from lisgraph.canonical import merged_ntriples, to_rdflib
from lisgraph.errors import Violation
from lisgraph.shacl import reference_violations, violations

from ..helpers import BASE, CONTEXT_FILES, SHAPES_DATA_DIR

EXAMPLES = sorted(SHAPES_DATA_DIR.glob("S*.ttl"))
VALID = [p for p in EXAMPLES if p.stem.endswith("-valid")]


def test_the_example_list_is_not_empty() -> None:
    assert len(EXAMPLES) > 80 and len(VALID) >= 40


def _example_store(settings: Settings, example: Path) -> ox.Store:
    context = [*(settings.data_dir / name for name in CONTEXT_FILES)]
    return load(settings, data_files=[*context, example], with_reference=False).store


def _both(store: ox.Store, shapes: Graph) -> tuple[list[Violation], list[Violation]]:
    ours = violations(store, shapes)
    theirs = reference_violations(to_rdflib(merged_ntriples(store)), shapes)
    return ours, theirs


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
            store.add(ox.Quad(quad.object, rdf_type, cls, quad.graph_name))
    return f"{kind} {quad}"


ROUNDS = 8


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_mutants_agree_with_pyshacl(settings: Settings, shapes: Graph, round_: int) -> None:
    """All valid examples together, each changed once (seeded: the same every run)."""
    context = [*(settings.data_dir / name for name in CONTEXT_FILES)]
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
