"""The shapes' SPARQL translation (run by Oxigraph): every shape translated, recursion refused,
what is not translated left to pySHACL, and, on small data, the same violations as pySHACL.

pySHACL is the reference. Its comparison with the translation on every example, on seeded
mutants and on the whole dataset takes minutes: ``tests/system/test_shacl_oracle.py``.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, Node, URIRef
from rdflib.namespace import RDF, SH

from lisgraph import Settings
from lisgraph.builder.sources import load
from lisgraph.canonical import merged_ntriples, to_rdflib
from lisgraph.shacl import compile_shapes, path_text, reference_violations, violations

from .helpers import BASE, CONTEXT_FILES


def test_every_shape_is_translated(shapes: Graph) -> None:
    compiled = compile_shapes(shapes)
    assert compiled.untranslated == {}
    assert compiled.rest is None  # so a build never copies the data into rdflib
    # One query or more for each of the targeted shapes S00-S52.
    assert len({q.shape for q in compiled.queries}) == 53


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

    data = [*(settings.data_dir / name for name in CONTEXT_FILES)]
    store = load(settings, data_files=data, with_reference=False).store
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
    files = [*(settings.data_dir / name for name in CONTEXT_FILES)]
    store = load(settings, data_files=files, with_reference=False).store
    issued = ox.NamedNode("http://purl.org/dc/terms/issued")
    quad = sorted(store.quads_for_pattern(None, issued, None, None), key=str)[0]
    bad = ox.Literal("31 March 2019", datatype=quad.object.datatype)  # type: ignore[union-attr]
    store.remove(quad)
    store.add(ox.Quad(quad.subject, issued, bad, quad.graph_name))
    found = violations(store, shapes)
    assert isinstance(quad.subject, ox.NamedNode)
    assert [(v.focus_node, v.path, v.value) for v in found] == [
        (quad.subject.value, issued.value, str(bad))
    ]
    assert found == reference_violations(to_rdflib(merged_ntriples(store)), shapes)


def test_paths_read_as_sparql(shapes: Graph) -> None:
    (inverse,) = (p for p in shapes.objects(None, SH.path) if (p, SH.inversePath, None) in shapes)
    assert path_text(shapes, inverse) == f"^(<{BASE}def/lis#priority>)"
    assert path_text(shapes, URIRef(BASE + "def/lis#priority")) == BASE + "def/lis#priority"
