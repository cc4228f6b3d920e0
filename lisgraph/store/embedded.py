"""The embedded store: a build loaded into an in-memory Oxigraph store.

:class:`EmbeddedStore` loads the N-Triples dump (the merge of all sources, each triple once) as
the default graph, and the N-Quads dump as one named graph per source file. Oxigraph's own
union-default-graph mode would count a triple stated by two sources twice, which is not the RDF
merge SPARQL's default graph should be.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..artifact import BuildDir
from ..errors import QueryError, StoreError
from .policy import check_query
from .results import QueryResult

__all__ = ["EmbeddedStore", "Matches", "QuadPattern"]

#: A quad pattern: subject, predicate, object and graph, each a term or None for any. A graph of
#: ``DefaultGraph()`` is the default graph (the merge of every source); None is any graph, the
#: default one included.
QuadPattern = tuple[
    ox.NamedNode | ox.BlankNode | None,
    ox.NamedNode | None,
    ox.NamedNode | ox.BlankNode | ox.Literal | None,
    ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None,
]


@dataclass(frozen=True)
class Matches:
    """One page of the quads matching a pattern, and how many match in all: ``count`` is exact
    when ``exact``, otherwise a lower bound (counting stopped there)."""

    quads: list[ox.Quad]
    count: int
    exact: bool


class EmbeddedStore:
    """An in-memory Oxigraph store holding one build."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def from_build(cls, dist_dir: Path) -> EmbeddedStore:
        """Load the N-Quads dump of the build in ``dist_dir``.

        Raises BuildNotFoundError when there is no build there.
        """
        build_dir = BuildDir(dist_dir)
        build_dir.info()  # raises BuildNotFoundError when there is no build
        quads, triples = build_dir.nquads, build_dir.ntriples
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

        Raises QueryError for a malformed query, an update or one the engine will not run (an
        unknown function), QueryRefusedError for a query that would contact another host,
        StoreError when the engine fails.
        """
        check_query(sparql)
        kwargs: dict[str, object] = {"base_iri": base_iri}
        if default_graphs or named_graphs:
            # As FROM NAMED alone does (SPARQL 1.1 Protocol 2.1.4): named graphs without a
            # default graph make the default graph empty.
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            raw = self._store.query(sparql, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"The query is not valid SPARQL 1.1: {exc}") from exc
        except ValueError as exc:  # e.g. an invalid IRI in default-graph-uri
            raise QueryError(str(exc)) from exc
        except RuntimeError as exc:  # the engine refuses to plan it: a function it does not know
            raise QueryError(f"The store cannot answer this query: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"The store failed while answering the query: {exc}") from exc
        if isinstance(raw, ox.QueryBoolean):
            return QueryResult("boolean", raw)
        if isinstance(raw, ox.QueryTriples):
            return QueryResult("graph", raw)
        return QueryResult("solutions", raw)

    def match(self, pattern: QuadPattern, offset: int, limit: int, count_cap: int) -> Matches:
        """The quads matching ``pattern`` from the ``offset``-th (in the store's index order,
        the same for every request to one build), at most ``limit`` of them, and how many match
        (counted up to ``count_cap``). An index lookup: the cost is bounded by ``offset +
        limit`` and ``count_cap``, whatever the pattern."""
        subject, predicate, obj, graph = pattern

        def matching() -> Iterator[ox.Quad]:
            return self._store.quads_for_pattern(subject, predicate, obj, graph)

        counted = sum(1 for _ in itertools.islice(matching(), count_cap + 1))
        page = list(itertools.islice(matching(), offset, offset + limit))
        return Matches(page, min(counted, count_cap), counted <= count_cap)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result.raw, ox.QuerySolutions)
        return int(next(iter(result.raw))["n"].value)
