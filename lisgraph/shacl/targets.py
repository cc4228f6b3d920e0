"""Targets [SHACL 1.0, 2.1.3]: which nodes of the data a node shape is checked on.

Every query of a shape starts from the same subquery, which binds ``?this`` to each focus node
once. A shape's targets are also what marks it as a shape to check at all: shapes without any
are only reached through others (``sh:node``, ``sh:or``...).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal, Node
from rdflib.namespace import SH

from .terms import SHACL_TYPE, UntranslatableError, sparql_term

__all__ = ["TARGETS", "focus_nodes", "is_class", "target_triples", "targeted_shapes"]

#: The target predicates this package translates (all of SHACL Core's explicit ones).
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Every shape of ``shapes`` with a target, sorted by IRI: an explicit one, the SHACL-AF
    ``sh:target`` (which is not translated, so that shape goes to pySHACL), or the implicit
    class target of a shape that is also a class [2.1.3.3]."""
    found = {s for predicate in (*TARGETS, SH.target) for s in shapes.subjects(predicate, None)}
    found |= {s for s in _class_nodes(shapes) if _is_shape(shapes, s)}
    return sorted(found, key=str)


def is_class(shapes: Graph, node: Node) -> bool:
    """Whether ``node`` is an ``rdfs:Class`` in ``shapes`` (an ``owl:Class``, or of a type
    the shapes graph makes a subclass of ``rdfs:Class``), as pySHACL reads SHACL 2.1.3.3."""
    return any(t in _class_types(shapes) for t in shapes.objects(node, RDF.type))


def target_triples(shapes: Graph, shape: Node) -> set[tuple[Node, Node, Node]]:
    """The triples of ``shapes`` that give ``shape`` its targets: its explicit targets, and its
    typing as a class. Without them pySHACL does not check the shape on its own."""
    found = {(shape, p, o) for p in TARGETS for o in shapes.objects(shape, p)}
    types = _class_types(shapes)
    return found | {(shape, RDF.type, t) for t in shapes.objects(shape, RDF.type) if t in types}


def _class_types(shapes: Graph) -> set[Node]:
    subclasses = shapes.transitive_subjects(RDFS.subClassOf, RDFS.Class)
    return {RDFS.Class, OWL.Class, *(s for s in subclasses if s is not None)}


def _class_nodes(shapes: Graph) -> set[Node]:
    return {s for t in _class_types(shapes) for s in shapes.subjects(RDF.type, t)}


def _is_shape(shapes: Graph, node: Node) -> bool:
    """Whether ``node`` is a shape: typed as one, or the subject of a SHACL parameter."""
    if any((node, RDF.type, t) in shapes for t in _SHAPE_TYPES):
        return True
    return any(str(p).startswith(str(SH)) for p in shapes.predicates(node, None))


def focus_nodes(shapes: Graph, shape: Node) -> str:
    """A SPARQL subquery binding ``?this`` to each focus node of ``shape`` once: the SHACL
    instances of each ``sh:targetClass``, each ``sh:targetNode``, and the subjects or objects
    of each ``sh:targetSubjectsOf`` or ``sh:targetObjectsOf`` predicate.

    A shape that is also a class targets its own SHACL instances.

    Raises UntranslatableError for a blank node target, for ``sh:target`` (SHACL-AF), and for
    a literal target Oxigraph would store as another term (``4.0`` is ``"4"^^xsd:decimal``
    there), which pySHACL then checks as written.
    """
    if (shape, SH.target, None) in shapes:
        raise UntranslatableError("sh:target (SHACL Advanced Features)")
    classes = list(shapes.objects(shape, SH.targetClass))
    if is_class(shapes, shape) and shape not in classes:
        classes.append(shape)
    parts = [f"{{ ?this {SHACL_TYPE} {sparql_term(c)} }}" for c in classes]
    nodes = list(shapes.objects(shape, SH.targetNode))
    for node in nodes:
        if isinstance(node, Literal) and _stored(node) != sparql_term(node):
            raise UntranslatableError(f"the literal target {node.n3()}, which Oxigraph rewrites")
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " } }")
    subjects_of = shapes.objects(shape, SH.targetSubjectsOf)
    parts += [f"{{ ?this {sparql_term(p)} [] }}" for p in subjects_of]
    objects_of = shapes.objects(shape, SH.targetObjectsOf)
    parts += [f"{{ [] {sparql_term(p)} ?this }}" for p in objects_of]
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _stored(literal: Literal) -> str:
    """``literal`` in N-Triples form as Oxigraph gives it back: Oxigraph keeps numbers, booleans
    and dates by value, in canonical form (oxigraph/oxigraph#526)."""
    store = ox.Store()
    solutions = store.query(f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_term(literal)} }} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    return str(next(iter(solutions))["x"])
