"""Cardinality constraints [SHACL 1.0, 4.2]: ``sh:minCount`` and ``sh:maxCount``.

On a targeted property shape each count is a query with ``GROUP BY ?this`` over the focus nodes
(:func:`count_queries`). Inside another shape (a property shape in ``sh:or``, or a node shape's
property reached through ``sh:node``) it has to be an expression, so it is written as "there
are ``n`` pairwise different values" with ``n`` fresh variables (:func:`count_tests`); that
grows as n², so counts above a small bound are left to pySHACL.
"""

from __future__ import annotations

from rdflib import Graph, Node
from rdflib.namespace import SH

from .terms import UntranslatableError, integer
from .translation import Translation

__all__ = ["PREDICATES", "count_queries", "count_tests"]

#: The constraints this module translates.
PREDICATES = frozenset({SH.minCount, SH.maxCount})

# The largest number of values an expression may have to tell apart (see the module docstring).
_MOST_DISTINCT = 4


def count_queries(shapes: Graph, prop: Node, path: str, targets: str) -> list[str]:
    """SELECTs of the focus nodes with fewer than ``sh:minCount`` or more than ``sh:maxCount``
    distinct values on ``path``.

    Raises UntranslatableError when a count is not an integer.
    """
    selects = []
    for minimum in shapes.objects(prop, SH.minCount):
        if integer(minimum) == 1:
            # The common case needs no grouping.
            selects.append(
                f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
            )
        elif integer(minimum) > 1:
            selects.append(
                f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {integer(minimum)})"
            )
    for maximum in shapes.objects(prop, SH.maxCount):
        selects.append(
            f"SELECT ?this WHERE {{ {targets} ?this {path} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {integer(maximum)})"
        )
    return selects


def count_tests(translation: Translation, prop: Node, v: str, path: str) -> list[str]:
    """Expressions true when the focus node in ``v`` has at least ``sh:minCount`` and at most
    ``sh:maxCount`` distinct values on ``path``.

    Raises UntranslatableError when a count is not an integer or is too large to expand.
    """
    shapes, tests = translation.graph, []
    for minimum in shapes.objects(prop, SH.minCount):
        if integer(minimum) > 0:
            at_least = _distinct_values(translation, v, path, integer(minimum))
            tests.append(f"EXISTS {{ {at_least} }}")
    for maximum in shapes.objects(prop, SH.maxCount):
        too_many = _distinct_values(translation, v, path, integer(maximum) + 1)
        tests.append(f"NOT EXISTS {{ {too_many} }}")
    return tests


def _distinct_values(translation: Translation, v: str, path: str, n: int) -> str:
    """A pattern matching when ``v`` has at least ``n`` distinct values on ``path``."""
    if n > _MOST_DISTINCT:
        raise UntranslatableError(f"a count of {n} inside another constraint")
    names = [translation.fresh() for _ in range(n)]
    pattern = " ".join(f"{v} {path} {name} ." for name in names)
    different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
    return pattern + (f" FILTER({' && '.join(different)})" if different else "")
