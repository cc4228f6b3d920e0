"""Literals the store would not hold as written, and the shapes that could read them.

Oxigraph keeps numbers, booleans and dates by value (oxigraph/oxigraph#526): ``"4.0"^^xsd:decimal``
is held as ``"4"^^xsd:decimal``, the same value written canonically, but ``"200"^^xsd:unsignedByte``
as ``"200"^^xsd:integer``, another datatype, and the ill-formed ``"300"^^xsd:byte`` as
``"300"^^xsd:integer``, a well-formed term the file never held. Shapes run as queries on the store
would judge those other terms: ``sh:datatype xsd:integer`` would pass ``"5"^^xsd:int``, and
``sh:datatype xsd:byte`` would report ``"300"^^xsd:integer``.

:func:`rewritten_literals` finds them in a file's triples as parsed (the parser keeps every term
as written; only the store rewrites), by asking a scratch store what it makes of each typed
literal, so it follows the store rather than a copy of its rules. A canonical rewriting of the
same datatype is not one of them: the store, the dumps and the shapes all see the canonical
form, and its value is the file's. :func:`reads_rewritten` tells which shapes could read such a
triple, so that :func:`~lisgraph.shacl.violations` checks those with pySHACL on the data as
written (:func:`as_written`) instead of translating them.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import SH

from ..canonical import to_rdflib

__all__ = ["RewrittenLiteral", "as_written", "reads_rewritten", "rewritten_literals"]

_XSD = str(XSD)
_UNCHANGED = {str(XSD.string), f"{_XSD}anyURI"}
_SCRATCH_PREDICATE = ox.NamedNode("urn:x-lisgraph:literal")


@dataclass(frozen=True)
class RewrittenLiteral:
    """A triple whose literal the store would hold as another term: as written and as stored.

    ``where`` is the file (and line) it was read from, when the reader knows it.
    """

    triple: ox.Triple
    stored: ox.Literal
    ill_formed: bool
    stored_also_written: bool = False
    where: str = ""

    def explain(self) -> str:
        """One sentence: the literal, what the store would make of it, and why that matters."""
        written = self.triple.object
        assert isinstance(written, ox.Literal)
        kind = (
            f"is not a value of {_short(written.datatype.value)}"
            if self.ill_formed
            else f"is a {_short(written.datatype.value)}"
        )
        place = f"{self.where}: " if self.where else ""
        return (
            f"{place}{written} ({self.triple.subject} {self.triple.predicate}) {kind}, and "
            f"would be stored and published as {self.stored} (oxigraph/oxigraph#526). Write the "
            f"value as {_short(self.stored.datatype.value)} or correct it."
        )


def _short(datatype: str) -> str:
    return f"xsd:{datatype.removeprefix(_XSD)}" if datatype.startswith(_XSD) else f"<{datatype}>"


def rewritten_literals(triples: Sequence[ox.Triple]) -> list[RewrittenLiteral]:
    """The triples of ``triples`` (as parsed, terms as written) whose literal the store would
    hold with another datatype, or, for an ill-formed literal, as any other term.

    Each distinct typed literal of an XSD datatype is put once into a scratch store and read
    back; the rest (strings, language strings, IRIs, other datatypes) the store keeps as is.
    """
    literals = {
        t.object
        for t in triples
        if isinstance(t.object, ox.Literal)
        and t.object.datatype.value.startswith(_XSD)
        and t.object.datatype.value not in _UNCHANGED
    }
    if not literals:
        return []
    ordered = list(literals)
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x-lisgraph:{i}"), _SCRATCH_PREDICATE, lit, ox.DefaultGraph())
        for i, lit in enumerate(ordered)
    )
    changed: dict[ox.Literal, tuple[ox.Literal, bool]] = {}
    for quad in scratch:
        written = ordered[int(quad.subject.value.rsplit(":", 1)[1])]
        stored = quad.object
        assert isinstance(stored, ox.Literal)
        if stored == written:
            continue
        ill_formed = _ill_formed(written)
        if stored.datatype != written.datatype or ill_formed:
            changed[written] = (stored, ill_formed)
    if not changed:
        return []
    # ox.parse gives quads in the default graph: compare by subject, predicate and object.
    as_parsed = {(t.subject, t.predicate, t.object) for t in triples}
    found = []
    for t in triples:
        if t.object in changed:
            stored, ill_formed = changed[t.object]  # type: ignore[index]
            also = (t.subject, t.predicate, stored) in as_parsed
            found.append(RewrittenLiteral(t, stored, ill_formed, also))
    return found


def _ill_formed(literal: ox.Literal) -> bool:
    """Whether rdflib finds ``literal``'s text outside its datatype's lexical space."""
    logger = logging.getLogger("rdflib.term")  # rdflib logs a traceback for each one
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Parsing weird boolean": rdflib's word for it
            term = Literal(literal.value, datatype=URIRef(literal.datatype.value))
        return term.ill_typed is True
    finally:
        logger.setLevel(level)


def reads_rewritten(
    shapes: Graph, shape: Node, rewritten: Sequence[RewrittenLiteral]
) -> str | None:
    """Why ``shape`` could read a triple of ``rewritten`` (so the store's terms would mislead
    it), or None when it cannot.

    Deliberately wide: a shape could read one when anything reachable from it in the shapes
    graph (its paths, targets, nested shapes, lists) names a predicate of those triples or
    their literal, or is a SPARQL constraint or ``sh:closed`` (which read any predicate), or
    when one of the predicates is one every ``sh:class`` and class target reads.
    """
    if not rewritten:
        return None
    predicates = {URIRef(r.triple.predicate.value) for r in rewritten}
    if predicates & {RDF.type, RDFS.subClassOf}:
        return "the data has a rewritten literal under rdf:type or rdfs:subClassOf"
    terms: set[Node] = {_rdflib_literal(r.triple.object) for r in rewritten}
    terms |= {_rdflib_literal(r.stored) for r in rewritten}
    seen: set[Node] = set()
    todo: list[Node] = [shape]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            if predicate in (SH.sparql, SH.closed):
                return f"{predicate} reads every predicate"
            if value in predicates or predicate in predicates:
                return f"it reads {value if value in predicates else predicate}"
            if isinstance(value, Literal) and value in terms:
                return f"it names the literal {value.n3()}"
            if isinstance(value, URIRef | BNode):
                todo.append(value)
    return None


def _rdflib_literal(term: object) -> Node:
    """An Oxigraph literal as rdflib reads it as written."""
    assert isinstance(term, ox.Literal)
    return next(iter(to_rdflib(f"<urn:x:s> <urn:x:p> {term} .\n".encode()).objects()))


def as_written(merged: bytes, rewritten: Iterable[RewrittenLiteral]) -> bytes:
    """``merged`` (the store's N-Triples, as :func:`~lisgraph.canonical.merged_ntriples` gives
    them) with each rewritten literal put back as written: the stored triple's line removed
    unless the data also wrote it so, the file's added (blank nodes keep their labels)."""
    found = list(rewritten)
    if not found:
        return merged
    removed = {
        _line(r.triple.subject, r.triple.predicate, r.stored)
        for r in found
        if not r.stored_also_written
    }
    lines = [line for line in merged.split(b"\n") if line.strip() and line not in removed]
    lines += [_line(r.triple.subject, r.triple.predicate, r.triple.object) for r in found]
    return b"\n".join(lines) + b"\n"


def _line(subject: object, predicate: object, value: object) -> bytes:
    return f"{subject} {predicate} {value} .".encode()
