"""Violation queries, and running them on Oxigraph into :class:`~lisgraph.errors.Violation`.

A :class:`ShapeQuery` is what the translation produces: one SELECT whose every row is a
violation. :func:`run` turns the rows into the reports pySHACL would give, filling the
``{?name}`` / ``{$name}`` placeholders of SHACL messages from the row. :func:`sorted_violations`
is the report order both validators share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import Violation

__all__ = ["ShapeQuery", "run", "sorted_violations"]

_MESSAGE_VARIABLE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class ShapeQuery:
    """One SELECT whose every row is a violation: ``?this`` is the focus node and ``?value``,
    when the query binds it, the value node."""

    shape: str
    query: str
    message: str
    path: str | None = None
    severity: str = "Violation"


def run(store: ox.Store, queries: list[ShapeQuery]) -> list[Violation]:
    """Run ``queries`` over the union of ``store``'s graphs; every violation they find, in
    query order, unsorted.

    Raises whatever pyoxigraph raises for a query it cannot parse or evaluate (a SHACL-SPARQL
    constraint's own SELECT is passed through as written).
    """
    return [violation for query in queries for violation in _rows(store, query)]


def sorted_violations(found: Iterable[Violation]) -> list[Violation]:
    """``found`` without repeats, sorted by shape, focus node, path, message, then value."""
    # One value can break two constraints that share a message: report it once.
    return sorted(
        set(found), key=lambda v: (v.shape, v.focus_node, v.path or "", v.message, v.value or "")
    )


def _rows(store: ox.Store, query: ShapeQuery) -> Iterator[Violation]:
    result = store.query(query.query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for row in result:
        bound = {n: row[n] for n in names if row[n] is not None}
        this, value, path = bound.get("this"), bound.get("value"), bound.get("path")
        yield Violation(
            focus_node=_value_text(this) if this is not None else "",
            path=query.path if path is None else _value_text(path),
            value=None if value is None else _value_text(value),
            message=_fill(
                query.message, {k: getattr(t, "value", str(t)) for k, t in bound.items()}
            ),
            shape=query.shape,
            severity=query.severity,
        )


def _value_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A report's term: an IRI or blank node id as itself, a literal in N-Triples form."""
    return str(term) if isinstance(term, ox.Literal) else getattr(term, "value", str(term))


def _fill(message: str, values: dict[str, str]) -> str:
    """The message with each {?name} or {$name} replaced by that variable's value (an IRI,
    or a literal's lexical form, as pySHACL words it)."""
    return _MESSAGE_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), message)
