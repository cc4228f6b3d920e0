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
from collections.abc import Callable

from ..errors import QueryError, QueryRefusedError

__all__ = [
    "MAX_NESTING",
    "check_query",
    "has_dataset_clause",
    "rewrite_code",
    "without_dataset_clauses",
]

#: The deepest nesting of { } and ( ) accepted; real queries rarely pass 20.
MAX_NESTING = 500

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
_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:])", re.IGNORECASE)


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
    code = _OPAQUE.sub(" ", query)
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


def has_dataset_clause(query: str) -> bool:
    """Whether ``query`` has a FROM or FROM NAMED clause (the keyword, not the word in a string,
    an IRI, a comment or a name)."""
    return bool(_FROM.search(_OPAQUE.sub(" ", query)))


def rewrite_code(query: str, rewrite: Callable[[str], str]) -> str:
    """``query`` with ``rewrite`` applied to its code only: strings, IRIs and comments are kept."""
    out, last = [], 0
    for match in _OPAQUE.finditer(query):
        out += [rewrite(query[last : match.start()]), match.group(0)]
        last = match.end()
    out.append(rewrite(query[last:]))
    return "".join(out)


_HOLE = re.compile(r"\x00(\d+)\x00")
_DATASET_CLAUSE = re.compile(
    r"(?<![\w:?$])FROM\s+(?:NAMED\s+)?(?:\x00\d+\x00|[A-Za-z]?[\w.-]*:[\w.:%\\-]*)",
    re.IGNORECASE,
)


def without_dataset_clauses(query: str) -> str:
    """``query`` without its FROM and FROM NAMED clauses (for sending with the dataset given
    by protocol parameters instead: some stores let FROM win over them)."""
    kept: list[str] = []

    def hole(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    code = _OPAQUE.sub(hole, query.replace("\x00", ""))
    code = _DATASET_CLAUSE.sub(" ", code)
    return _HOLE.sub(lambda m: kept[int(m.group(1))], code)
