"""Checks a SPARQL request must pass before it reaches the engine, in one place: its length,
that it is a query (the endpoint is read-only), how deeply it nests, and that it names no other
host; and what kind of answer it gives (:func:`query_kind`).

Oxigraph evaluates ``SERVICE <http://...>`` by making a real HTTP request, and its Python API has
no switch to turn that off, so any query with a SERVICE clause is refused here. The check reads
the query as SPARQL tokens, so the word inside a string, an IRI or a comment does not count.
It also refuses queries nested more than MAX_NESTING levels deep: Oxigraph's parser recurses
per level, and some thousands of levels overflow its stack. An update is refused with a message
that says the endpoint is read-only (the stores would also reject its syntax, less clearly).
"""

from __future__ import annotations

import re
from typing import Literal

import pyoxigraph as ox

from ..errors import QueryError, QueryRefusedError
from ..sparql_text import code_only

__all__ = ["MAX_NESTING", "READ_ONLY", "QueryKind", "check_query", "query_kind"]

#: What a SPARQL Update is told.
READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted here."

#: The kinds of answer: solutions (SELECT), a boolean (ASK) or a graph (CONSTRUCT, DESCRIBE).
QueryKind = Literal["solutions", "boolean", "graph"]

#: The deepest nesting of { } and ( ) accepted; real queries rarely pass 20.
MAX_NESTING = 500

# An update's first keyword, after its prologue (IRIs are blanked out by code_only).
_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def _nesting(code: str) -> int:
    depth = deepest = 0
    for char in code:
        if char in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})":
            depth -= 1
    return deepest


def check_query(query: str, max_length: int | None = None) -> None:
    """Raise QueryError if ``query`` is longer than ``max_length`` characters or nested too
    deeply to parse safely, and QueryRefusedError if it is an update or asks the server to
    contact another host."""
    if max_length is not None and len(query) > max_length:
        raise QueryError(
            f"The query is {len(query):,} characters long; this endpoint accepts at most "
            f"{max_length:,}."
        )
    code = code_only(query)
    if _UPDATE_START.match(code):
        raise QueryRefusedError(READ_ONLY)
    if _nesting(code) > MAX_NESTING:
        raise QueryError(
            f"The query is nested more than {MAX_NESTING} levels deep (braces and parentheses); "
            "this endpoint does not parse queries that deep."
        )
    if _SERVICE.search(code):
        raise QueryRefusedError(
            "SERVICE (federated query) is not allowed on this endpoint: it would make the server "
            "contact another host. Run the federated query from your own client instead."
        )


def query_kind(query: str, base_iri: str | None = None) -> QueryKind:
    """The kind of answer ``query`` gives, as Oxigraph's parser reads it (the embedded engine's
    own messages for a malformed query: QueryError).

    pyoxigraph has no parser on its own, so the query runs on an empty store, where every
    pattern is answered at once from empty indexes.
    """
    try:
        answer = ox.Store().query(query, base_iri=base_iri)
    except SyntaxError as exc:
        raise QueryError(f"The query is not valid SPARQL 1.1: {exc}") from exc
    if isinstance(answer, ox.QueryTriples):
        return "graph"
    if isinstance(answer, ox.QueryBoolean):
        return "boolean"
    return "solutions"
