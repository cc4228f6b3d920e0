"""Byte-stable RDF text: the one place that decides how a dataset is written as sorted lines.

The dumps, the validator's pySHACL fallback and the build's counts all start from the same
sorted, de-duplicated N-Triples of a store's merged graphs, so that the same input always gives
the same bytes.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["line_graph", "merged_ntriples", "sorted_lines", "to_rdflib"]


def sorted_lines(data: bytes) -> bytes:
    """N-Triples or N-Quads with duplicate lines removed and the rest sorted."""
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"\n".join(lines) + b"\n"


def line_graph(line: bytes) -> str:
    """The graph IRI of one line of such N-Quads (a statement in a named graph, the graph's IRI
    last before the " .")."""
    return line.rstrip(b" .\n").rpartition(b" ")[2].decode("utf-8").strip("<>")


def merged_ntriples(store: ox.Store) -> bytes:
    """The merge of all named graphs of ``store`` as sorted N-Triples, each triple once."""
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, ox.QueryTriples)
    return sorted_lines(result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")


def to_rdflib(merged: bytes) -> Graph:
    """An rdflib Graph of N-Triples such as :func:`merged_ntriples` gives (no prefixes bound),
    every literal as written: rdflib would otherwise rewrite an ill-formed
    ``"none"^^xsd:boolean`` as ``"false"``, and pySHACL report a term the data does not hold."""
    graph = Graph(bind_namespaces="none")
    normalize = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        graph.parse(data=merged, format="nt")
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return graph


def _ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal), term
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def from_rdflib(graph: Graph) -> list[ox.Triple]:
    """``graph``'s triples as Oxigraph terms (whose serialisers are many times faster)."""
    return [
        ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o))  # type: ignore[arg-type]
        for s, p, o in graph
    ]
