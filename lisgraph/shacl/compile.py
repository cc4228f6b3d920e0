"""Targeted shapes into violation queries; what cannot be translated is left to pySHACL.

:func:`compile_shapes` takes each targeted, active node shape and asks each section's module
for its part: the node shape's own tests (:mod:`~lisgraph.shacl.value`,
:mod:`~lisgraph.shacl.logical`), then for each property shape the counts
(:mod:`~lisgraph.shacl.cardinality`), ``sh:hasValue`` and ``sh:uniqueLang``, the property pairs
(:mod:`~lisgraph.shacl.property_pair`) and the value tests, and the SPARQL constraints
(:mod:`~lisgraph.shacl.sparql_constraints`). A shape any part of which is not translated is
translated not at all: it goes whole to pySHACL in :attr:`Compiled.rest`, so no shape is
checked half by one validator and half by the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, Node
from rdflib.namespace import SH

from . import cardinality, logical, property_pair, value
from .paths import path_text, sparql_path
from .run import ShapeQuery
from .sparql_constraints import sparql_queries
from .targets import focus_nodes, target_triples, targeted_shapes
from .terms import UntranslatableError, refuse_unknown_terms
from .translation import Translation

__all__ = ["Compiled", "compile_shapes"]

# What a targeted property shape may declare: everything translated.
_PROPERTY_ALLOWED = (
    value.PREDICATES
    | logical.PREDICATES
    | cardinality.PREDICATES
    | property_pair.PREDICATES
    | {SH.hasValue, SH.uniqueLang}
)


@dataclass
class Compiled:
    """The queries for every shape translated, and the shapes graph left for pySHACL: the
    whole graph, with the targets of the translated shapes removed (None when nothing is
    left, so the data never has to be copied into rdflib)."""

    queries: list[ShapeQuery]
    rest: Graph | None
    untranslated: dict[str, str] = field(default_factory=dict)  # shape -> why


def compile_shapes(
    shapes: Graph, hand_over: Callable[[Node], str | None] | None = None
) -> Compiled:
    """Translate every targeted, active node shape of ``shapes`` that this package can, and
    that ``hand_over`` (when given) gives no reason to leave to pySHACL.

    Never raises for a shape it cannot translate: that shape is in ``untranslated`` (with
    the reason) and in ``rest``. Raises DataLoadError for what neither validator would
    check: a predicate in SHACL's namespace that SHACL does not define (``sh:targetclass``,
    ``sh:minCont``), which pySHACL would pass over in silence.
    """
    refuse_unknown_terms(shapes)
    translation = Translation(shapes)
    queries: list[ShapeQuery] = []
    translated: list[Node] = []
    untranslated: dict[str, str] = {}
    for shape in targeted_shapes(shapes):
        if translation.inactive(shape):
            continue
        reason = hand_over(shape) if hand_over is not None else None
        if reason is not None:
            untranslated[str(shape)] = reason
            continue
        try:
            queries += _node_shape(translation, shape)
        except UntranslatableError as why:
            untranslated[str(shape)] = str(why)
            continue
        translated.append(shape)
    if not untranslated:
        return Compiled(queries, None, untranslated)
    rest = Graph()
    for triple in shapes:
        rest.add(triple)
    for shape in translated:
        for triple in target_triples(shapes, shape):
            rest.remove(triple)
    return Compiled(queries, rest, untranslated)


def _node_shape(translation: Translation, shape: Node) -> list[ShapeQuery]:
    """Every query of one targeted shape: a node shape, or a property shape with targets of
    its own (SHACL 2.1.3: the path is then followed from each focus node)."""
    shapes, name = translation.graph, str(shape)
    targets = focus_nodes(shapes, shape)
    if (shape, SH.path, None) in shapes:
        return _property_shape(translation, name, shape, targets)
    queries = []
    tests = logical.node_tests(translation, shape, "?this", has_value=False)
    selects = []
    if tests:
        selects.append(
            f"SELECT ?this (?this AS ?value) WHERE {{ {targets} FILTER(!({' && '.join(tests)})) }}"
        )
    # sh:hasValue on a node shape reports no value node (SHACL 4.8.2).
    selects += [
        f"SELECT ?this WHERE {{ {targets} FILTER(!({test})) }}"
        for test in value.has_value_node_tests(shapes, shape, "?this")
    ]
    if selects:
        message, severity = translation.message(shape), translation.severity(shape)
        queries += [ShapeQuery(name, q, message, severity=severity) for q in selects]
    for prop in shapes.objects(shape, SH.property):
        if not translation.inactive(prop):
            queries += _property_shape(translation, name, prop, targets)
    for constraint in shapes.objects(shape, SH.sparql):
        queries += sparql_queries(translation, name, shape, constraint, targets)
    return queries


def _property_shape(
    translation: Translation, name: str, prop: Node, targets: str
) -> list[ShapeQuery]:
    """Every query of one property shape of the node shape named ``name``."""
    shapes = translation.graph
    translation.check_known(prop, _PROPERTY_ALLOWED)
    if (prop, SH.property, None) in shapes or (prop, SH.sparql, None) in shapes:
        raise UntranslatableError(f"constraints nested in the property shape {prop}")
    path_node = shapes.value(prop, SH.path)
    path = sparql_path(shapes, path_node)
    selects = [
        *cardinality.count_queries(shapes, prop, path, targets),
        *value.has_value_queries(shapes, prop, path, targets),
        *value.unique_lang_queries(shapes, prop, path, targets),
        *property_pair.pair_queries(shapes, prop, path, targets),
    ]
    tests = logical.constraint_tests(translation, prop, "?value")
    if tests:
        selects.append(
            f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {path} ?value "
            f"FILTER(!({' && '.join(tests)})) }}"
        )
    if not selects:
        return []
    message, severity = translation.message(prop), translation.severity(prop)
    text = path_text(shapes, path_node)
    return [ShapeQuery(name, q, message, text, severity) for q in selects]
