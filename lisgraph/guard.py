"""Checks a SPARQL request must pass before it reaches the engine.

Oxigraph evaluates ``SERVICE <http://...>`` by making a real HTTP request, and its Python API has
no switch to turn that off, so any query with a SERVICE clause is refused here. The check reads
the query as SPARQL tokens, so the word inside a string, an IRI or a comment does not count.
Updates need no check: the store is opened for queries only and rejects update syntax.
"""

from __future__ import annotations

import re

from .errors import QueryRefusedError

__all__ = ["check_query"]

# Strings (long and short, both quotes), IRIs and comments, which may contain anything.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def check_query(query: str) -> None:
    """Raise QueryRefusedError if ``query`` asks the server to contact another host."""
    code = _OPAQUE.sub(" ", query)
    if _SERVICE.search(code):
        raise QueryRefusedError(
            "SERVICE (federated query) is not allowed on this endpoint: it would make the server "
            "contact another host. Run the federated query from your own client instead."
        )
