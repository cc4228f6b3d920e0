"""Query answers, independent of the store that gave them: solutions, a boolean, or triples, in
any SPARQL results or RDF format."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "QueryResult", "ResultKind", "Term"]

#: Result formats for SELECT and ASK, by short name.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

#: RDF formats for CONSTRUCT and DESCRIBE, by short name.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,  # the triples in the default graph
    "trig": ox.RdfFormat.TRIG,
}

ResultKind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class Term:
    """An RDF term in a result row, independent of the store that produced it."""

    kind: Literal["iri", "literal", "bnode"]
    value: str
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def from_oxigraph(cls, term: object) -> Term:
        if isinstance(term, ox.NamedNode):
            return cls("iri", term.value)
        if isinstance(term, ox.Literal):
            return cls("literal", term.value, term.datatype.value, term.language)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        return cls("literal", str(term))


@dataclass
class QueryResult:
    """The answer to one query: solutions (SELECT), a boolean (ASK) or triples (graph).

    ``raw`` holds Oxigraph's own result objects; graph results may also be any iterable of
    ``pyoxigraph.Triple`` (a remote store's answer, parsed).
    """

    kind: ResultKind
    raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterable[ox.Triple]

    def serialize(self, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
        """The result in format ``fmt`` (a key of RESULT_FORMATS or GRAPH_FORMATS).

        Raises ValueError when the format does not suit the kind of result.
        """
        if self.kind == "graph":
            if fmt not in GRAPH_FORMATS:
                raise ValueError(f"{fmt} is not an RDF format")
            fmt_obj = GRAPH_FORMATS[fmt]
            if fmt_obj not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
                prefixes = None
            return ox.serialize(self.triples(), format=fmt_obj, prefixes=prefixes) or b""
        if fmt not in RESULT_FORMATS:
            raise ValueError(f"{fmt} is not a SPARQL results format")
        assert isinstance(self.raw, ox.QuerySolutions | ox.QueryBoolean)
        return self.raw.serialize(format=RESULT_FORMATS[fmt]) or b""

    def triples(self) -> Iterable[ox.Triple]:
        """The triples of a graph result (CONSTRUCT, DESCRIBE)."""
        if self.kind != "graph" or isinstance(self.raw, ox.QuerySolutions | ox.QueryBoolean):
            raise ValueError("only CONSTRUCT and DESCRIBE results have triples")
        return self.raw

    def rows(self) -> list[dict[str, Term]]:
        """SELECT solutions as dicts of bound variables (unbound ones are absent)."""
        if not isinstance(self.raw, ox.QuerySolutions):
            raise ValueError("only SELECT results have rows")
        names = [v.value for v in self.raw.variables]
        return [
            {n: Term.from_oxigraph(sol[n]) for n in names if sol[n] is not None} for sol in self.raw
        ]

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Variables and rows as display strings (for SELECT; ASK gives one 'boolean' column)."""
        if isinstance(self.raw, ox.QueryBoolean):
            return ["boolean"], [[str(bool(self.raw)).lower()]]
        if isinstance(self.raw, ox.QuerySolutions):
            names = [v.value for v in self.raw.variables]
            rows = [[_display(sol[n]) for n in names] for sol in self.raw]
            return names, rows
        rows = [
            [_display(t.subject), _display(t.predicate), _display(t.object)] for t in self.triples()
        ]
        return ["subject", "predicate", "object"], rows


def _display(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)
