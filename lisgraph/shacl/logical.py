"""Constraints that refer to other shapes: logical [SHACL 1.0, 4.6] ``sh:not``, ``sh:and``,
``sh:or``, ``sh:xone``, and shape-based [4.7] ``sh:node``.

Each needs "the value conforms to that shape" as one SPARQL expression, so this module also
turns a whole shape into an expression (:func:`conforms`): a node shape's own tests and its
property shapes, or a property shape's counts, ``sh:hasValue`` and value tests over its path.
The other shape is inlined, with fresh variables; a shape that reaches itself again is refused
(SHACL leaves recursion undefined), and so is a nested constraint that only a query can state
(``sh:uniqueLang``, ``sh:lessThan``...).
"""

from __future__ import annotations

from rdflib import Node
from rdflib.namespace import SH

from . import cardinality, value
from .paths import sparql_path
from .terms import UntranslatableError
from .translation import Translation

__all__ = ["PREDICATES", "conforms", "constraint_tests", "logical_tests", "node_tests"]

#: The constraints this module translates.
PREDICATES = frozenset({SH.node, SH["not"], SH["and"], SH["or"], SH.xone})

# What a shape used as a value, or a property shape inside one, may declare.
_NODE_ALLOWED = value.PREDICATES | PREDICATES | {SH.hasValue}
_NESTED_PROPERTY_ALLOWED = _NODE_ALLOWED | cardinality.PREDICATES


def constraint_tests(translation: Translation, shape: Node, v: str) -> list[str]:
    """The tests of every value constraint on ``shape`` for the term in ``v``: those of
    :mod:`~lisgraph.shacl.value`, then those of this module.

    Raises UntranslatableError for what cannot be stated as an expression.
    """
    return value.value_tests(translation.graph, shape, v) + logical_tests(translation, shape, v)


def logical_tests(translation: Translation, shape: Node, v: str) -> list[str]:
    """``sh:node``, ``sh:not``, ``sh:and``, ``sh:or`` and ``sh:xone`` on ``shape``, for the
    term in ``v``: each an expression true when ``v`` conforms as the constraint requires."""
    shapes, items = translation.graph, translation.items
    tests = [conforms(translation, other, v) for other in shapes.objects(shape, SH.node)]
    tests += [f"!({conforms(translation, other, v)})" for other in shapes.objects(shape, SH["not"])]
    for head in shapes.objects(shape, SH["and"]):
        tests.append("(" + " && ".join(conforms(translation, s, v) for s in items(head)) + ")")
    for head in shapes.objects(shape, SH["or"]):
        tests.append("(" + " || ".join(conforms(translation, s, v) for s in items(head)) + ")")
    for head in shapes.objects(shape, SH.xone):
        ones = " + ".join(f"IF({conforms(translation, s, v)}, 1, 0)" for s in items(head))
        tests.append(f"({ones}) = 1")
    return tests


def conforms(translation: Translation, shape: Node, v: str) -> str:
    """An expression true when the term in ``v`` conforms to ``shape`` (any shape: a node
    shape, or a property shape such as the members of an ``sh:or`` list). A deactivated shape
    is ``true``.

    Raises UntranslatableError for a recursive shape or an untranslatable constraint in it.
    """
    if translation.inactive(shape):
        return "true"
    if shape in translation.expanding:
        raise UntranslatableError(f"the shape {shape} refers to itself (recursive shapes)")
    translation.expanding.append(shape)
    try:
        if (shape, SH.path, None) in translation.graph:
            return _property_conforms(translation, shape, v)
        tests = node_tests(translation, shape, v)
        properties = translation.graph.objects(shape, SH.property)
        tests += [_property_conforms(translation, p, v) for p in properties]
        return "(" + (" && ".join(tests) or "true") + ")"
    finally:
        translation.expanding.pop()


def node_tests(translation: Translation, shape: Node, v: str, has_value: bool = True) -> list[str]:
    """The tests a node shape makes of the focus node itself (in ``v``): its value
    constraints, and (unless ``has_value`` is false) ``sh:hasValue``, which on a node shape
    means "is that node".

    Raises UntranslatableError when the shape declares a constraint not translated here.
    """
    translation.check_known(shape, _NODE_ALLOWED)
    tests = constraint_tests(translation, shape, v)
    if not has_value:
        return tests
    return tests + value.has_value_node_tests(translation.graph, shape, v)


def _property_conforms(translation: Translation, prop: Node, v: str) -> str:
    """An expression true when the focus node in ``v`` conforms to the property shape."""
    if translation.inactive(prop):
        return "true"
    shapes = translation.graph
    translation.check_known(prop, _NESTED_PROPERTY_ALLOWED)
    path = sparql_path(shapes, shapes.value(prop, SH.path))
    tests = cardinality.count_tests(translation, prop, v, path)
    tests += value.has_value_tests(shapes, prop, v, path)
    each = translation.fresh()
    value_tests = constraint_tests(translation, prop, each)
    if value_tests:
        passing = " && ".join(value_tests)
        tests.append(f"NOT EXISTS {{ {v} {path} {each} FILTER(!({passing})) }}")
    return "(" + (" && ".join(tests) or "true") + ")"
