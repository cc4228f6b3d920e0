"""What the CLI and the web app query: one small interface, two implementations.

- :mod:`.results`: answers (solutions, booleans, triples) and their formats
- :mod:`.embedded`: a build in an in-memory Oxigraph store
- :mod:`.remote`, :mod:`.connector`, :mod:`.publication`: a SPARQL 1.1 store reached over HTTP
- :mod:`.policy`: what a visitor's query may not do, checked before any store sees it
- :mod:`.sandbox`: running a visitor's query in a child process under time, memory, row limits
- :mod:`.answer_cache`: identical queries answered from memory, per build
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .results import GRAPH_FORMATS, RESULT_FORMATS, QueryResult, ResultKind, Term

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "QueryResult", "ResultKind", "Store", "Term"]


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
