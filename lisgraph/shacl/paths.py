"""SHACL property paths [SHACL 1.0, 2.3.1] as SPARQL 1.1 property paths.

SPARQL has an operator for every kind of SHACL path, so a path is written out once as text and
put into every query of its property shape. The reference validator uses :func:`path_text` too,
so that both validators name a report's path the same way.
"""

from __future__ import annotations

from rdflib import RDF, Graph, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from .terms import UntranslatableError

__all__ = ["path_text", "sparql_path"]

# The SHACL paths with one inner path, and the SPARQL operator each becomes.
_UNARY = (
    (SH.inversePath, "^({})"),
    (SH.zeroOrMorePath, "({})*"),
    (SH.oneOrMorePath, "({})+"),
    (SH.zeroOrOnePath, "({})?"),
)


def path_text(graph: Graph, path: Node | None) -> str:
    """A SHACL path as a report names it: a predicate IRI as itself, other paths in SPARQL
    syntax with full IRIs (``^(<http://...#priority>)``).

    Raises UntranslatableError when ``path`` is missing or is not a SHACL path.
    """
    if isinstance(path, URIRef):
        return str(path)
    return sparql_path(graph, path)


def sparql_path(graph: Graph, path: Node | None) -> str:
    """The SPARQL property path for the SHACL path ``path`` of ``graph``: ``<iri>`` for a
    predicate, a sequence as ``(a/b)``, alternatives as ``(a|b)``, and ``^``, ``*``, ``+``,
    ``?`` around the inner path of the others.

    Raises UntranslatableError when ``path`` is missing or is not a SHACL path.
    """
    if isinstance(path, URIRef):
        return f"<{path}>"
    if path is None:
        raise UntranslatableError("a property shape without sh:path")
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(sparql_path(graph, step) for step in Collection(graph, path)) + ")"
    for predicate, template in _UNARY:
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(sparql_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        steps = Collection(graph, alternatives)
        return "(" + "|".join(sparql_path(graph, step) for step in steps) + ")"
    raise UntranslatableError(f"the path {path} is not a SHACL path")
