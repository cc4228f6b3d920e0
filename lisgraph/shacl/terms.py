"""Shapes-graph constants as SPARQL text, and the error for what cannot be written as SPARQL.

Every translating module needs the same three things: a constant of the shapes graph (an IRI or
a literal) quoted for a query, an integer parameter read (``sh:minCount 1``), and a way to say
"this shape cannot be translated", which :func:`~lisgraph.shacl.compile.compile_shapes` turns
into "leave the shape to pySHACL". They live here, below every other module of the package.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Literal, Node, URIRef

__all__ = ["SHACL_TYPE", "UntranslatableError", "integer", "sparql_term"]

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
