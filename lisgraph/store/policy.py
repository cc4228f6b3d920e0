"""Checks a SPARQL request must pass before it reaches the engine.

Oxigraph evaluates ``SERVICE <http://...>`` by making a real HTTP request, and its Python API has
no switch to turn that off, so any query with a SERVICE clause is refused here. The check reads
the query as SPARQL tokens, so the word inside a string, an IRI or a comment does not count.
It also refuses queries nested more than MAX_NESTING levels deep: Oxigraph's parser recurses
per level, and some thousands of levels overflow its stack. Updates need no check here: the
store is opened for queries only and rejects update syntax.
"""

from __future__ import annotations

import re

from ..errors import QueryError, QueryRefusedError
from ..sparql_text import code_only

__all__ = ["MAX_NESTING", "check_query"]

#: The deepest nesting of { } and ( ) accepted; real queries rarely pass 20.
MAX_NESTING = 500

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


def check_query(query: str) -> None:
    """Raise QueryRefusedError if ``query`` asks the server to contact another host, and
    QueryError if it is nested too deeply to parse safely."""
    code = code_only(query)
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
