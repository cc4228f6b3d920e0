"""Targets [SHACL 1.0, 2.1.3]: which nodes of the data a node shape is checked on.

Every query of a shape starts from the same subquery, which binds ``?this`` to each focus node
once. A shape's targets are also what marks it as a shape to check at all: shapes without any
are only reached through others (``sh:node``, ``sh:or``...).
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Node
from rdflib.namespace import SH

from .terms import SHACL_TYPE, UntranslatableError, sparql_term

__all__ = ["TARGETS", "focus_nodes", "targeted_shapes"]

#: The target predicates this package translates (all of SHACL Core's explicit ones).
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Every shape of ``shapes`` with at least one explicit target, sorted by IRI."""
    found = {s for predicate in TARGETS for s in shapes.subjects(predicate, None)}
    return sorted(found, key=str)


def focus_nodes(shapes: Graph, shape: Node) -> str:
    """A SPARQL subquery binding ``?this`` to each focus node of ``shape`` once: the SHACL
    instances of each ``sh:targetClass``, each ``sh:targetNode``, and the subjects or objects
    of each ``sh:targetSubjectsOf`` or ``sh:targetObjectsOf`` predicate.

    Raises UntranslatableError for a blank node target, or when the shape is also a class
    (its implicit class target is not translated).
    """
    classes = shapes.objects(shape, SH.targetClass)
    parts = [f"{{ ?this {SHACL_TYPE} {sparql_term(c)} }}" for c in classes]
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " } }")
    subjects_of = shapes.objects(shape, SH.targetSubjectsOf)
    parts += [f"{{ ?this {sparql_term(p)} [] }}" for p in subjects_of]
    objects_of = shapes.objects(shape, SH.targetObjectsOf)
    parts += [f"{{ [] {sparql_term(p)} ?this }}" for p in objects_of]
    if (shape, RDF.type, RDFS.Class) in shapes:
        raise UntranslatableError("an implicit class target (the shape is also a class)")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"
