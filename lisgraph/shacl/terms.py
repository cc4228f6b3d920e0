"""Shapes-graph constants as SPARQL text, and the error for what cannot be written as SPARQL.

Every translating module needs the same three things: a constant of the shapes graph (an IRI or
a literal) quoted for a query, an integer parameter read (``sh:minCount 1``), and a way to say
"this shape cannot be translated", which :func:`~lisgraph.shacl.compile.compile_shapes` turns
into "leave the shape to pySHACL". They live here, below every other module of the package,
with the one refusal both validators share: a term in SHACL's namespace SHACL does not define.
"""

from __future__ import annotations

from typing import Any, cast

from rdflib import RDF, RDFS, Graph, Literal, Node, URIRef
from rdflib.namespace import SH

from ..errors import DataLoadError

__all__ = ["SHACL_TYPE", "UntranslatableError", "integer", "refuse_unknown_terms", "sparql_term"]

#: The property path from a node to each of its "SHACL types" (SHACL 1.0's term): its classes
#: and, through rdfs:subClassOf, their superclasses.
SHACL_TYPE = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


class UntranslatableError(Exception):
    """A shape uses something this package does not translate; pySHACL checks it instead."""


def sparql_term(node: Node) -> str:
    """``node`` as a SPARQL constant: ``<iri>`` or a literal in N-Triples form.

    Raises UntranslatableError for a blank node, which a query cannot name.
    """
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UntranslatableError(f"a blank node {node} where SPARQL needs a constant")


def integer(node: Node) -> int:
    """The value of a count or length parameter such as ``sh:minCount 1``.

    Raises UntranslatableError when ``node`` is not an integer literal.
    """
    if isinstance(node, Literal) and str(node).lstrip("+-").isdigit():
        return int(str(node))
    raise UntranslatableError(f"{node} where SHACL needs an integer")


def refuse_unknown_terms(shapes: Graph) -> None:
    """Return when every shape of ``shapes`` uses only predicates of SHACL's namespace that
    SHACL defines.

    A shape here is a node typed ``sh:NodeShape`` or ``sh:PropertyShape``, the value of a
    shape-taking parameter (``sh:property``, ``sh:node``...), or a node with at least one SHACL
    term (data that happens to sit in the shapes graph, with only an unknown term, is left
    alone). Raises DataLoadError naming the shape otherwise (``sh:minCont``,
    ``sh:targetclass``): pySHACL passes over such a predicate in silence, so the constraint or
    the target it was meant to be would never be checked, by either validator.
    """
    found = [(s, p) for s, p in set(shapes.subject_predicates(None)) if str(p).startswith(str(SH))]
    # rdflib's checked namespace answers `in` (its metaclass; mypy does not see that).
    defined = cast(Any, SH)
    unknown = [(s, p) for s, p in found if p not in defined]
    if not unknown:
        return
    shape_nodes = {s for s, p in found if p in defined}
    shape_nodes |= {s for t in _SHAPE_TYPES for s in shapes.subjects(RDF.type, t)}
    shape_nodes |= {o for p in _SHAPE_VALUED for o in shapes.objects(None, p)}
    for p in _SHAPE_LISTS:
        for head in shapes.objects(None, p):
            shape_nodes |= set(shapes.items(head))
    for shape, predicate in sorted(unknown, key=str):
        if shape in shape_nodes:
            raise DataLoadError(
                f"The shape {shape} has {predicate}, which SHACL does not define: neither "
                "validator would check it. For reference, see https://www.w3.org/TR/shacl/"
            )


_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
_SHAPE_VALUED = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
