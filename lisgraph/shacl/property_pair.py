"""Property pair constraints [SHACL 1.0, 4.5]: ``sh:lessThan`` and ``sh:lessThanOrEquals``.

Each is a query on a targeted property shape: every pair of a value on the path and a value of
the other property that does not compare as required is a violation. ``sh:equals`` and
``sh:disjoint`` are not translated (a shape using them goes to pySHACL).
"""

from __future__ import annotations

from rdflib import Graph, Node
from rdflib.namespace import SH

from .terms import sparql_term

__all__ = ["PREDICATES", "pair_queries"]

_OPERATORS = ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<="))

#: The constraints this module translates.
PREDICATES = frozenset(predicate for predicate, _ in _OPERATORS)


def pair_queries(shapes: Graph, prop: Node, path: str, targets: str) -> list[str]:
    """SELECTs of each focus node and value on ``path`` that is not less than (or equal to)
    each value of the ``sh:lessThan`` (``sh:lessThanOrEquals``) property.

    Raises UntranslatableError when the other property is not an IRI.
    """
    selects = []
    for predicate, operator in _OPERATORS:
        for other in shapes.objects(prop, predicate):
            # pySHACL compares IRIs by their text, and anything else SPARQL cannot compare is
            # a violation.
            compare = (
                f"IF(isIRI(?value) && isIRI(?o), STR(?value) {operator} STR(?o), "
                f"?value {operator} ?o)"
            )
            selects.append(
                f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {path} ?value . "
                f"?this {sparql_term(other)} ?o FILTER(!COALESCE({compare}, false)) }}"
            )
    return selects
