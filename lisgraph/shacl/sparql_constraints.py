"""SHACL-SPARQL constraints [SHACL 1.0, 5]: ``sh:sparql`` with an ``sh:select``.

The constraint's SELECT already returns one row per violation with ``$this`` as the focus
node; SHACL runs it once per focus node with ``$this`` pre-bound. One query does the same work
here: the shape's target subquery is put first inside the SELECT's outer WHERE, so ``$this``
(which SPARQL reads as ``?this``) is bound to every focus node at once.
"""

from __future__ import annotations

import re

from rdflib import Node
from rdflib.namespace import SH

from .run import ShapeQuery
from .terms import UntranslatableError
from .translation import Translation

__all__ = ["sparql_queries"]

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def sparql_queries(
    translation: Translation, name: str, shape: Node, constraint: Node, targets: str
) -> list[ShapeQuery]:
    """The query of the SPARQL constraint ``constraint`` of the node shape ``shape`` (named
    ``name`` in reports), over the focus nodes bound by ``targets``; none when deactivated.

    Its ``sh:prefixes`` become PREFIX lines; its message is its own ``sh:message``, else the
    shape's, else empty. Raises UntranslatableError when there is no SELECT with a WHERE
    clause to join the targets to.
    """
    shapes = translation.graph
    if translation.inactive(constraint):
        return []
    select = shapes.value(constraint, SH.select)
    where = _WHERE.search(str(select)) if select is not None else None
    if where is None:
        raise UntranslatableError(f"{constraint}: no SELECT ... WHERE {{ to join targets to")
    prologue = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for node in shapes.objects(constraint, SH.prefixes)
        for d in shapes.objects(node, SH.declare)
    )
    text = str(select)
    query = prologue + text[: where.end()] + f" {targets} " + text[where.end() :]
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
    return [ShapeQuery(name, query, str(message or ""), severity=translation.severity(shape))]
