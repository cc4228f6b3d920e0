"""Constraints on each value node by itself, as SPARQL expressions [SHACL 1.0, 4.1, 4.3, 4.4,
4.8].

Each ``*_tests`` function returns the expressions that are true when the term in the SPARQL
variable ``v`` meets one kind of constraint on ``shape``. A query then keeps the values for which
their conjunction is not true; ``COALESCE(..., false)`` makes an expression SPARQL cannot
evaluate (a string compared with a number) a violation, as SHACL wants. The same expressions
serve a node shape (``v`` is the focus node), a property shape (each value on the path), and a
shape nested in ``sh:node``, ``sh:or``... (see :mod:`~lisgraph.shacl.logical`).

Also here: ``sh:hasValue`` [4.8.2], which tests the focus node of a node shape but the set of
values of a property shape, and ``sh:uniqueLang`` [4.4.4], the string-based constraint on the
set of values; both are written out for each place they can appear.
"""

from __future__ import annotations

from rdflib import XSD, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from .terms import SHACL_TYPE, UntranslatableError, integer, sparql_term

__all__ = [
    "PREDICATES",
    "class_tests",
    "datatype_test",
    "has_value_node_tests",
    "has_value_queries",
    "has_value_tests",
    "in_tests",
    "length_tests",
    "node_kind_tests",
    "pattern_tests",
    "range_tests",
    "unique_lang_queries",
    "value_tests",
]

# Datatypes whose lexical forms Oxigraph can check by casting: an ill-formed literal fails
# sh:datatype, as SHACL says.
_CASTABLE = {
    XSD[name]
    for name in (
        "string boolean integer decimal double float date dateTime time duration gYear gYearMonth"
    ).split()
}
# The integer types derived from xsd:integer, and their bounds (XML Schema 1.1 Part 2, 3.4).
# Oxigraph stores a well-formed one as xsd:integer (oxigraph/oxigraph#526), so one still of such
# a type in the store is ill-formed: the test matters, though it rarely passes.
_INTEGER_RANGES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
_LENGTHS = ((SH.minLength, ">="), (SH.maxLength, "<="))

#: The constraints :func:`value_tests` translates.
PREDICATES = frozenset(
    {
        SH["class"],
        SH.datatype,
        SH.nodeKind,
        SH.pattern,
        SH.minLength,
        SH.maxLength,
        SH["in"],
        *_COMPARISONS,
    }
)


def value_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """The tests of every constraint of :data:`PREDICATES` on ``shape``, for the term in
    ``v``, in a fixed order (so the same shapes always give the same query text).

    Raises UntranslatableError for a parameter that SPARQL cannot state.
    """
    return [
        *class_tests(shapes, shape, v),
        *(datatype_test(d, v) for d in shapes.objects(shape, SH.datatype)),
        *node_kind_tests(shapes, shape, v),
        *range_tests(shapes, shape, v),
        *length_tests(shapes, shape, v),
        *pattern_tests(shapes, shape, v),
        *in_tests(shapes, shape, v),
    ]


# -- value type [4.1] ------------------------------------------------------------------------


def class_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """``sh:class`` [4.1.1]: ``v`` is a SHACL instance of each class (or of a subclass)."""
    classes = shapes.objects(shape, SH["class"])
    return [f"EXISTS {{ {v} {SHACL_TYPE} {sparql_term(c)} }}" for c in classes]


def datatype_test(datatype: Node, v: str) -> str:
    """``sh:datatype`` [4.1.2]: ``v`` is a literal of ``datatype`` and, for the datatypes
    Oxigraph can cast to and the integer types derived from xsd:integer, well-formed
    (``"31 March"^^xsd:date`` and ``"c"^^xsd:byte`` fail)."""
    if not isinstance(datatype, URIRef):
        raise UntranslatableError(f"sh:datatype {datatype}")
    test = f"isLiteral({v}) && datatype({v}) = <{datatype}>"
    if datatype in _CASTABLE:
        cast = f"<{datatype}>(STR({v}))"
        test += f" && COALESCE(sameTerm({cast}, {cast}), false)"
    elif datatype in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[datatype]
        cast = f"<{XSD.integer}>(STR({v}))"
        bounds = [f"{cast} >= {low}"] if low is not None else [f"sameTerm({cast}, {cast})"]
        bounds += [f"{cast} <= {high}"] if high is not None else []
        test += f" && COALESCE({' && '.join(bounds)}, false)"
    return f"({test})"


def node_kind_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """``sh:nodeKind`` [4.1.3]: ``v`` is an IRI, a blank node, a literal, or one of two."""
    tests = []
    for kind in shapes.objects(shape, SH.nodeKind):
        if not isinstance(kind, URIRef) or kind not in _NODE_KINDS:
            raise UntranslatableError(f"sh:nodeKind {kind}")
        tests.append(_NODE_KINDS[kind].format(v=v))
    return tests


# -- value range [4.3] -----------------------------------------------------------------------


def range_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``
    [4.3]: ``v`` compares as required with the bound (a value that cannot be compared fails)."""
    return [
        f"COALESCE({v} {operator} {sparql_term(bound)}, false)"
        for predicate, operator in _COMPARISONS.items()
        for bound in shapes.objects(shape, predicate)
    ]


# -- string-based [4.4] ----------------------------------------------------------------------


def length_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """``sh:minLength``, ``sh:maxLength`` [4.4.1, 4.4.2]: the length of ``v``'s text (a blank
    node fails both)."""
    return [
        f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {integer(bound)})"
        for length, operator in _LENGTHS
        for bound in shapes.objects(shape, length)
    ]


def pattern_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """``sh:pattern`` with the shape's ``sh:flags`` [4.4.3]: ``v``'s text matches (a blank node
    never does)."""
    flags = shapes.value(shape, SH.flags)
    tests = []
    for pattern in shapes.objects(shape, SH.pattern):
        arguments = f"{Literal(str(pattern)).n3()}"
        if flags is not None:
            arguments += f", {Literal(str(flags)).n3()}"
        tests.append(f"(!isBlank({v}) && COALESCE(REGEX(STR({v}), {arguments}), false))")
    return tests


def unique_lang_queries(shapes: Graph, prop: Node, path: str, targets: str) -> list[str]:
    """``sh:uniqueLang true`` [4.4.4] on a property shape: a SELECT of the focus nodes with two
    values on ``path`` in the same language (tags compared without case)."""
    if (prop, SH.uniqueLang, Literal(True)) not in shapes:
        return []
    return [
        f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?a, ?b "
        'FILTER(LANG(?a) != "" && LCASE(LANG(?a)) = LCASE(LANG(?b)) && !sameTerm(?a, ?b)) }'
    ]


# -- other [4.8] -----------------------------------------------------------------------------


def in_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """``sh:in`` [4.8.1]: ``v`` is one of the list's members (no member: nothing passes)."""
    tests = []
    for head in shapes.objects(shape, SH["in"]):
        members = [f"sameTerm({v}, {sparql_term(m)})" for m in Collection(shapes, head)]
        tests.append("(" + (" || ".join(members) or "false") + ")")
    return tests


def has_value_node_tests(shapes: Graph, shape: Node, v: str) -> list[str]:
    """``sh:hasValue`` [4.8.2] on a node shape: the focus node in ``v`` is that very term."""
    return [f"sameTerm({v}, {sparql_term(x)})" for x in shapes.objects(shape, SH.hasValue)]


def has_value_tests(shapes: Graph, prop: Node, v: str, path: str) -> list[str]:
    """``sh:hasValue`` [4.8.2] on a nested property shape: the focus node in ``v`` has that
    term among its values on ``path``."""
    values = shapes.objects(prop, SH.hasValue)
    return [f"EXISTS {{ {v} {path} {sparql_term(value)} }}" for value in values]


def has_value_queries(shapes: Graph, prop: Node, path: str, targets: str) -> list[str]:
    """``sh:hasValue`` [4.8.2] on a property shape: a SELECT of the focus nodes without that
    term among their values on ``path``."""
    queries = []
    for value in shapes.objects(prop, SH.hasValue):
        missing = f"FILTER NOT EXISTS {{ ?this {path} {sparql_term(value)} }}"
        queries.append(f"SELECT ?this WHERE {{ {targets} {missing} }}")
    return queries
