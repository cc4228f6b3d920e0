"""SHACL shapes as SPARQL queries, run by Oxigraph: the build's validator at any size.

pySHACL evaluates every constraint in Python, node by node, over an rdflib graph: at a million
triples that took two minutes and most of the build's memory. This module translates each
targeted node shape into SELECT queries that return one row per violation, and Oxigraph runs
them over the store the build has already loaded. pySHACL stays the reference: the tests run
both on every shape's valid and invalid examples and on the real data, and require the same
violations; shapes using a feature translated here nowhere are left to pySHACL (see
:class:`Compiled`).

What is translated (SHACL 1.0 sections in brackets):

- targets: ``sh:targetClass`` (instances of the class or of a subclass), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` [2.1.3];
- paths: predicates, sequences, ``sh:inversePath``, ``sh:alternativePath``,
  ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath`` [2.3.1], written as SPARQL
  property paths;
- value constraints: ``sh:class``, ``sh:datatype`` (ill-formed literals fail), ``sh:nodeKind``,
  ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``,
  ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` with ``sh:flags``, ``sh:in``,
  ``sh:hasValue``, ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone`` [4.1-4.6];
- on property shapes: ``sh:minCount``, ``sh:maxCount``, ``sh:uniqueLang``,
  ``sh:lessThan``, ``sh:lessThanOrEquals`` [4.2, 4.4, 4.5];
- SHACL-SPARQL ``sh:sparql`` constraints [5], with the shape's targets joined into the query
  (binding ``$this`` as pre-binding would).

Reports are what pySHACL reports, in :class:`~lisgraph.errors.Violation` form: the node shape,
the focus node, the path, the value node where SHACL gives one, and the constraint's
``sh:message``. A shape without its own message is left to pySHACL, whose messages are
generated per constraint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from .errors import Violation

__all__ = ["Compiled", "ShapeQuery", "compile_shapes", "path_text", "run"]


class _UntranslatableError(Exception):
    """A shape uses something this module does not translate; pySHACL checks it instead."""


@dataclass(frozen=True)
class ShapeQuery:
    """One SELECT whose every row is a violation: ``?this`` is the focus node and ``?value``,
    when the query binds it, the value node."""

    shape: str
    query: str
    message: str
    path: str | None = None
    severity: str = "Violation"


@dataclass
class Compiled:
    """The queries for every shape translated, and the shapes graph left for pySHACL: the
    whole graph, with the targets of the translated shapes removed (None when nothing is
    left, so the data never has to be copied into rdflib)."""

    queries: list[ShapeQuery]
    rest: Graph | None
    untranslated: dict[str, str] = field(default_factory=dict)  # shape -> why


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_MESSAGE_VARIABLE = re.compile(r"\{[?$](\w+)\}")
_SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
# Datatypes whose lexical forms Oxigraph can check by casting: an ill-formed literal fails
# sh:datatype, as SHACL says.
_CASTABLE = {
    XSD[name]
    for name in (
        "string boolean integer decimal double float date dateTime time duration gYear gYearMonth"
    ).split()
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
# Predicates of a shape that carry no constraint (or that are handled on their own).
_DESCRIPTIVE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.deactivated,
    SH.path,
    SH.property,
    SH.sparql,
    SH.flags,
    *_TARGETS,
}
_VALUE_CONSTRAINTS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH["in"],
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    *_COMPARISONS,
}
_PROPERTY_CONSTRAINTS = {
    SH.minCount,
    SH.maxCount,
    SH.hasValue,
    SH.uniqueLang,
    SH.lessThan,
    SH.lessThanOrEquals,
}


def _term(node: Node) -> str:
    """A shapes-graph term as SPARQL (blank nodes cannot be named in a query)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise _UntranslatableError(f"a blank node {node} where SPARQL needs a constant")


def _integer(node: Node) -> int:
    """The value of a count or length parameter such as ``sh:minCount 1``."""
    if isinstance(node, Literal) and str(node).lstrip("+-").isdigit():
        return int(str(node))
    raise _UntranslatableError(f"{node} where SHACL needs an integer")


def path_text(graph: Graph, path: Node | None) -> str:
    """A SHACL path as a SPARQL property path: a predicate IRI as itself, others in SPARQL
    syntax with full IRIs (``^<http://...#priority>``)."""
    if isinstance(path, URIRef):
        return str(path)
    return _path(graph, path)


def _path(graph: Graph, path: Node | None) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    if path is None:
        raise _UntranslatableError("a property shape without sh:path")
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(_path(graph, step) for step in Collection(graph, path)) + ")"
    for predicate, template in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(graph, a) for a in Collection(graph, alternatives)) + ")"
    raise _UntranslatableError(f"the path {path} is not a SHACL path")


class _Translator:
    """Turns the shapes of one shapes graph into queries (one instance per graph)."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self._names = count()
        self._expanding: list[Node] = []  # the shapes being inlined, to refuse recursion

    def inactive(self, node: Node) -> bool:
        """Whether ``node`` (a shape or a SPARQL constraint) is ``sh:deactivated true``."""
        return (node, SH.deactivated, Literal(True)) in self.g

    def fresh(self) -> str:
        return f"?v{next(self._names)}"

    def items(self, head: Node) -> list[Node]:
        return list(Collection(self.g, head))

    def check_known(self, shape: Node, allowed: set[URIRef]) -> None:
        for predicate in set(self.g.predicates(shape, None)):
            if predicate in _DESCRIPTIVE or predicate in allowed:
                continue
            if str(predicate).startswith(str(SH)):
                raise _UntranslatableError(f"{predicate} on {shape}")

    # -- value tests: SPARQL expressions true when the term in ``v`` conforms -------------------

    def value_test(self, shape: Node, v: str) -> list[str]:
        """The tests of the value constraints declared on ``shape``, for the value in ``v``."""
        g, tests = self.g, []
        for c in g.objects(shape, SH["class"]):
            tests.append(f"EXISTS {{ {v} {_SUBCLASS} {_term(c)} }}")
        for d in g.objects(shape, SH.datatype):
            tests.append(self.datatype_test(d, v))
        for kind in g.objects(shape, SH.nodeKind):
            if not isinstance(kind, URIRef) or kind not in _NODE_KINDS:
                raise _UntranslatableError(f"sh:nodeKind {kind}")
            tests.append(_NODE_KINDS[kind].format(v=v))
        for predicate, operator in _COMPARISONS.items():
            for bound in g.objects(shape, predicate):
                tests.append(f"COALESCE({v} {operator} {_term(bound)}, false)")
        for length, operator in ((SH.minLength, ">="), (SH.maxLength, "<=")):
            for bound in g.objects(shape, length):
                tests.append(f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {_integer(bound)})")
        flags = g.value(shape, SH.flags)
        for pattern in g.objects(shape, SH.pattern):
            arguments = f"{Literal(str(pattern)).n3()}"
            if flags is not None:
                arguments += f", {Literal(str(flags)).n3()}"
            tests.append(f"(!isBlank({v}) && COALESCE(REGEX(STR({v}), {arguments}), false))")
        for head in g.objects(shape, SH["in"]):
            members = [f"sameTerm({v}, {_term(m)})" for m in self.items(head)]
            tests.append("(" + (" || ".join(members) or "false") + ")")
        for other in g.objects(shape, SH.node):
            tests.append(self.conforms(other, v))
        for other in g.objects(shape, SH["not"]):
            tests.append(f"!({self.conforms(other, v)})")
        for head in g.objects(shape, SH["and"]):
            tests.append("(" + " && ".join(self.conforms(s, v) for s in self.items(head)) + ")")
        for head in g.objects(shape, SH["or"]):
            tests.append("(" + " || ".join(self.conforms(s, v) for s in self.items(head)) + ")")
        for head in g.objects(shape, SH.xone):
            ones = " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in self.items(head))
            tests.append(f"({ones}) = 1")
        return tests

    @staticmethod
    def datatype_test(datatype: Node, v: str) -> str:
        if not isinstance(datatype, URIRef):
            raise _UntranslatableError(f"sh:datatype {datatype}")
        test = f"isLiteral({v}) && datatype({v}) = <{datatype}>"
        if datatype in _CASTABLE:
            cast = f"<{datatype}>(STR({v}))"
            test += f" && COALESCE(sameTerm({cast}, {cast}), false)"
        return f"({test})"

    def conforms(self, shape: Node, v: str) -> str:
        """An expression true when the term in ``v`` conforms to ``shape`` (any shape: node
        shape, or property shape such as the members of an ``sh:or`` list)."""
        if self.inactive(shape):
            return "true"
        if shape in self._expanding:
            raise _UntranslatableError(f"the shape {shape} refers to itself (recursive shapes)")
        self._expanding.append(shape)
        try:
            if (shape, SH.path, None) in self.g:
                return self.property_conforms(shape, v)
            tests = self.node_tests(shape, v)
            tests += [self.property_conforms(p, v) for p in self.g.objects(shape, SH.property)]
            return "(" + (" && ".join(tests) or "true") + ")"
        finally:
            self._expanding.pop()

    def node_tests(self, shape: Node, v: str) -> list[str]:
        """The tests a node shape makes of the focus node itself (in ``v``): its value
        constraints, and ``sh:hasValue`` (which on a node shape means "is that node")."""
        self.check_known(shape, _VALUE_CONSTRAINTS | {SH.hasValue})
        tests = self.value_test(shape, v)
        return tests + [f"sameTerm({v}, {_term(x)})" for x in self.g.objects(shape, SH.hasValue)]

    def property_conforms(self, prop: Node, v: str) -> str:
        """An expression true when the focus node in ``v`` conforms to the property shape."""
        g = self.g
        if self.inactive(prop):
            return "true"
        self.check_known(prop, _VALUE_CONSTRAINTS | {SH.minCount, SH.maxCount, SH.hasValue})
        path = _path(g, g.value(prop, SH.path))
        tests = []
        for minimum in g.objects(prop, SH.minCount):
            if _integer(minimum) > 0:
                tests.append(f"EXISTS {{ {self.distinct_values(v, path, _integer(minimum))} }}")
        for maximum in g.objects(prop, SH.maxCount):
            tests.append(f"NOT EXISTS {{ {self.distinct_values(v, path, _integer(maximum) + 1)} }}")
        for value in g.objects(prop, SH.hasValue):
            tests.append(f"EXISTS {{ {v} {path} {_term(value)} }}")
        each = self.fresh()
        value_tests = self.value_test(prop, each)
        if value_tests:
            passing = " && ".join(value_tests)
            tests.append(f"NOT EXISTS {{ {v} {path} {each} FILTER(!({passing})) }}")
        return "(" + (" && ".join(tests) or "true") + ")"

    def distinct_values(self, v: str, path: str, n: int) -> str:
        """A pattern matching when ``v`` has at least ``n`` distinct values on ``path``."""
        if n > 4:
            raise _UntranslatableError(f"a count of {n} inside another constraint")
        names = [self.fresh() for _ in range(n)]
        pattern = " ".join(f"{v} {path} {name} ." for name in names)
        different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return pattern + (f" FILTER({' && '.join(different)})" if different else "")

    # -- top level: one query per constraint kind, each row a violation -----------------------

    def targets(self, shape: Node) -> str:
        """A subquery binding ?this to each focus node of ``shape`` once."""
        g, parts = self.g, []
        parts += [f"{{ ?this {_SUBCLASS} {_term(c)} }}" for c in g.objects(shape, SH.targetClass)]
        nodes = list(g.objects(shape, SH.targetNode))
        if nodes:
            parts.append("{ VALUES ?this { " + " ".join(_term(n) for n in nodes) + " } }")
        parts += [f"{{ ?this {_term(p)} [] }}" for p in g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {_term(p)} ?this }}" for p in g.objects(shape, SH.targetObjectsOf)]
        if (shape, RDF.type, RDFS.Class) in g:
            raise _UntranslatableError("an implicit class target (the shape is also a class)")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def message(self, shape: Node) -> str:
        messages = sorted(str(m) for m in self.g.objects(shape, SH.message))
        if not messages:
            raise _UntranslatableError(f"{shape} has no sh:message")
        return messages[0]

    def severity(self, shape: Node) -> str:
        severity = self.g.value(shape, SH.severity)
        return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"

    def node_shape(self, shape: Node) -> list[ShapeQuery]:
        """Every query of one targeted node shape."""
        g, name = self.g, str(shape)
        targets = self.targets(shape)
        queries = []
        tests = self.node_tests(shape, "?this")
        if tests:
            queries.append(
                ShapeQuery(
                    name,
                    f"SELECT ?this (?this AS ?value) WHERE {{ {targets} "
                    f"FILTER(!({' && '.join(tests)})) }}",
                    self.message(shape),
                    severity=self.severity(shape),
                )
            )
        for prop in g.objects(shape, SH.property):
            if not self.inactive(prop):
                queries += self.property_shape(name, prop, targets)
        for constraint in g.objects(shape, SH.sparql):
            queries += self.sparql_constraint(name, shape, constraint, targets)
        return queries

    def property_shape(self, name: str, prop: Node, targets: str) -> list[ShapeQuery]:
        g = self.g
        self.check_known(prop, _VALUE_CONSTRAINTS | _PROPERTY_CONSTRAINTS)
        if (prop, SH.property, None) in g or (prop, SH.sparql, None) in g:
            raise _UntranslatableError(f"constraints nested in the property shape {prop}")
        path_node = g.value(prop, SH.path)
        path = _path(g, path_node)
        selects: list[str] = []
        for minimum in g.objects(prop, SH.minCount):
            if _integer(minimum) == 1:
                selects.append(
                    f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
                )
            elif _integer(minimum) > 1:
                selects.append(
                    f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {_integer(minimum)})"
                )
        for maximum in g.objects(prop, SH.maxCount):
            selects.append(
                f"SELECT ?this WHERE {{ {targets} ?this {path} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {_integer(maximum)})"
            )
        for value in g.objects(prop, SH.hasValue):
            missing = f"FILTER NOT EXISTS {{ ?this {path} {_term(value)} }}"
            selects.append(f"SELECT ?this WHERE {{ {targets} {missing} }}")
        if (prop, SH.uniqueLang, Literal(True)) in g:
            selects.append(
                f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?a, ?b "
                'FILTER(LANG(?a) != "" && LCASE(LANG(?a)) = LCASE(LANG(?b)) && !sameTerm(?a, ?b)) }'
            )
        for predicate, operator in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
            for other in g.objects(prop, predicate):
                # pySHACL compares IRIs by their text, and anything else SPARQL cannot compare
                # is a violation.
                compare = (
                    f"IF(isIRI(?value) && isIRI(?o), STR(?value) {operator} STR(?o), "
                    f"?value {operator} ?o)"
                )
                selects.append(
                    f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {path} ?value . "
                    f"?this {_term(other)} ?o FILTER(!COALESCE({compare}, false)) }}"
                )
        tests = self.value_test(prop, "?value")
        if tests:
            selects.append(
                f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {path} ?value "
                f"FILTER(!({' && '.join(tests)})) }}"
            )
        if not selects:
            return []
        message, severity = self.message(prop), self.severity(prop)
        text = path_text(g, path_node)
        return [ShapeQuery(name, q, message, text, severity) for q in selects]

    def sparql_constraint(
        self, name: str, shape: Node, constraint: Node, targets: str
    ) -> list[ShapeQuery]:
        g = self.g
        if self.inactive(constraint):
            return []
        select = g.value(constraint, SH.select)
        where = _WHERE.search(str(select)) if select is not None else None
        if where is None:
            raise _UntranslatableError(f"{constraint}: no SELECT ... WHERE {{ to join targets to")
        prologue = "".join(
            f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n"
            for node in g.objects(constraint, SH.prefixes)
            for d in g.objects(node, SH.declare)
        )
        text = str(select)
        query = prologue + text[: where.end()] + f" {targets} " + text[where.end() :]
        message = g.value(constraint, SH.message) or g.value(shape, SH.message)
        return [ShapeQuery(name, query, str(message or ""), severity=self.severity(shape))]


def _targeted(shapes: Graph) -> list[Node]:
    found = {s for predicate in _TARGETS for s in shapes.subjects(predicate, None)}
    return sorted(found, key=str)


def compile_shapes(shapes: Graph) -> Compiled:
    """Translate every targeted, active node shape of ``shapes`` that this module can."""
    translator = _Translator(shapes)
    queries: list[ShapeQuery] = []
    translated: list[Node] = []
    untranslated: dict[str, str] = {}
    for shape in _targeted(shapes):
        if translator.inactive(shape):
            continue
        try:
            queries += translator.node_shape(shape)
        except _UntranslatableError as why:
            untranslated[str(shape)] = str(why)
            continue
        translated.append(shape)
    if not untranslated:
        return Compiled(queries, None, untranslated)
    rest = Graph()
    for triple in shapes:
        if not (triple[0] in translated and triple[1] in _TARGETS):
            rest.add(triple)
    return Compiled(queries, rest, untranslated)


def _value_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Literal) else getattr(term, "value", str(term))


def _fill(message: str, values: dict[str, str]) -> str:
    """The message with each {?name} or {$name} replaced by that variable's value (an IRI,
    or a literal's lexical form, as pySHACL words it)."""
    return _MESSAGE_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), message)


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


def run(store: ox.Store, queries: list[ShapeQuery]) -> list[Violation]:
    """Run ``queries`` over the union of ``store``'s graphs; every violation they find."""
    return [violation for query in queries for violation in _rows(store, query)]
