"""The store the CLI and the web app query: one small interface, results in any SPARQL format.

:class:`EmbeddedStore` loads a build into an in-memory Oxigraph store: the N-Triples dump (the
merge of all sources, each triple once) as the default graph, and the N-Quads dump as one named
graph per source file. Oxigraph's own union-default-graph mode would count a triple stated by two
sources twice, which is not the RDF merge SPARQL's default graph should be.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import pyoxigraph as ox

from ..errors import BuildNotFoundError, QueryError, StoreError
from .policy import check_query

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "EmbeddedStore",
    "QueryResult",
    "Store",
    "Term",
]

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
            if fmt_obj not in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
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


class Store(Protocol):
    """What the CLI and the web app need of a store."""

    def query(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult: ...

    def triple_count(self) -> int: ...

    def named_graphs(self) -> list[str]:
        """The IRIs of the dataset's named graphs (one per source file), sorted."""
        ...


class EmbeddedStore:
    """An in-memory Oxigraph store holding one build."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def from_build(cls, dist_dir: Path) -> EmbeddedStore:
        """Load the N-Quads dump of the build in ``dist_dir``.

        Raises BuildNotFoundError when there is no build there.
        """
        quads, triples = dist_dir / "lisgraph.nq", dist_dir / "lisgraph.nt"
        if not (quads.is_file() and triples.is_file()):
            raise BuildNotFoundError(f"No build found in {dist_dir}: run 'lisgraph build' first.")
        store = ox.Store()
        store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
        store.bulk_load(
            path=str(triples), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph()
        )
        return cls(store)

    def query(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        """Run a read-only SPARQL query.

        Raises QueryError for a malformed query or an update, QueryRefusedError for a query that
        would contact another host, StoreError when the engine fails.
        """
        check_query(sparql)
        kwargs: dict[str, object] = {"base_iri": base_iri}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            raw = self._store.query(sparql, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"The query is not valid SPARQL 1.1: {exc}") from exc
        except ValueError as exc:  # e.g. an invalid IRI in default-graph-uri
            raise QueryError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(f"The store failed while answering the query: {exc}") from exc
        if isinstance(raw, ox.QueryBoolean):
            return QueryResult("boolean", raw)
        if isinstance(raw, ox.QueryTriples):
            return QueryResult("graph", raw)
        return QueryResult("solutions", raw)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result.raw, ox.QuerySolutions)
        return int(next(iter(result.raw))["n"].value)  # type: ignore[union-attr]
