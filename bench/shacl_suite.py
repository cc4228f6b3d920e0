"""The W3C SHACL Core test suite, run through lisgraph's validators: how many tests pass.

    python bench/shacl_suite.py PATH/data-shapes-test-suite/tests/core [--only WORD] [-v]

PATH is a checkout (or ``git archive``) of https://github.com/w3c/data-shapes; nothing of the
suite is copied into this project. Each test's data graph is loaded into Oxigraph (the literals the
store would hold as other terms noted first) and its shapes graph parsed with rdflib, as the
build does, then judged three ways (and a fourth, for
comparison: ``pyshacl-files``, pySHACL on the data file as rdflib parses it, no Oxigraph):

- ``reference``: pySHACL alone (:func:`lisgraph.shacl.reference_violations`), on the data as
  the store holds it with the literals it rewrites put back as written, as ``lisgraph
  validate --reference`` gives it;
- ``build``: :func:`lisgraph.shacl.violations` on the shapes as written, the way the build runs
  it (the suite's shapes have no ``sh:message``, so most go to pySHACL);
- ``messages``: the same with an ``sh:message`` added to every shape, so that the translation,
  not pySHACL, judges every shape it can.

A test passes when the validator's results equal the expected report's: the same set of
(focus node, path, value, severity, node shape), with blank nodes compared as "a blank node"
(their labels differ between parsers) and messages not compared (the third way words its own).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import rdflib
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, Node
from rdflib.collection import Collection
from rdflib.namespace import SH

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: ``lisgraph`` from the checkout

from lisgraph.canonical import merged_ntriples, to_rdflib  # noqa: E402
from lisgraph.errors import Violation  # noqa: E402
from lisgraph.shacl import (  # noqa: E402
    RewrittenLiteral,
    as_written,
    path_text,
    reference_violations,
    rewritten_literals,
    violations,
)

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

Key = tuple[str, str, str, str, str]

# Predicates of a validation report or of SHACL-SPARQL plumbing: their subjects are not shapes.
_NOT_SHAPE = {
    SH.result,
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.sourceConstraint,
    SH.resultSeverity,
    SH.resultMessage,
    SH.conforms,
    SH.detail,
    SH.declare,
    SH.prefix,
    SH.namespace,
    SH.select,
    SH.prefixes,
}


@dataclass
class Case:
    name: str
    data: Path
    shapes: Path
    expected: set[Key]


def cases(manifest: Path) -> list[Case]:
    """Every sht:Validate entry reachable from ``manifest`` through mf:include."""
    graph = _as_written(manifest)
    found = []
    for included in graph.objects(None, MF.include):
        found += cases(Path(str(included).removeprefix("file://")))
    for head in graph.objects(None, MF.entries):
        for entry in Collection(graph, head):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action, result = graph.value(entry, MF.action), graph.value(entry, MF.result)
            data = str(graph.value(action, SHT.dataGraph)).removeprefix("file://")
            shapes = str(graph.value(action, SHT.shapesGraph)).removeprefix("file://")
            name = f"{manifest.parent.name}/{str(entry).rsplit('/', 1)[-1]}"
            shapes_graph = graph if Path(shapes) == manifest else _as_written(Path(shapes))
            expected = _expected(graph, result, shapes_graph)
            found.append(Case(name, Path(data), Path(shapes), expected))
    return found


def _as_written(path: Path) -> Graph:
    """``path`` parsed with every literal as written: rdflib would otherwise turn the
    expected ``"2011-01-01"^^xsd:dateTime`` into ``"2011-01-01T00:00:00"``."""
    rdflib.NORMALIZE_LITERALS = False
    try:
        return Graph().parse(path, format="turtle", publicID=path.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = True


def _expected(graph: Graph, report: Node | None, shapes: Graph) -> set[Key]:
    keys = set()
    for result in graph.objects(report, SH.result):
        shape = graph.value(result, SH.sourceShape)
        path = graph.value(result, SH.resultPath)
        keys.add(
            (
                _term(graph.value(result, SH.focusNode)),
                "" if path is None else _blank(path_text(graph, path)),
                _term(graph.value(result, SH.value)),
                str(graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                _term(_node_shape(shapes, shape)),
            )
        )
    return keys


def _node_shape(graph: Graph, shape: Node | None) -> Node | None:
    """The shape a report names: a property shape's node shape, as lisgraph words it (up
    through ``sh:property``, the first by IRI where a property shape is shared)."""
    seen = {shape}
    while parents := sorted(set(graph.subjects(SH.property, shape)) - seen, key=str):
        shape = parents[0]
        seen.add(shape)
    return shape


def _term(node: Node | None) -> str:
    """An expected report's term as a :class:`Violation` words it (blank nodes anonymous)."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "_:"
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=ox.NamedNode(node.datatype or XSD.string)))
    return str(node)


def _blank(text: str | None) -> str:
    """A violation's text with blank node ids made anonymous (an id has no colon, an IRI has
    one, a literal starts with a quote)."""
    if not text:
        return ""
    if text.startswith('"') or ":" in text:
        return text
    return "_:"


def _key(v: Violation) -> Key:
    return (_blank(v.focus_node), _blank(v.path), _blank(v.value), v.severity, _blank(v.shape))


def with_messages(shapes: Graph) -> Graph:
    """``shapes`` with an ``sh:message`` on every shape that has none."""
    graph = Graph()
    for triple in shapes:
        graph.add(triple)
    subjects = {
        s
        for s, p in shapes.subject_predicates(None)
        if str(p).startswith(str(SH)) and p not in _NOT_SHAPE and p in cast(Any, SH)
    }
    subjects |= set(shapes.subjects(RDF.type, SH.NodeShape))
    subjects |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    for subject in subjects:
        if (subject, SH.message, None) not in shapes and not isinstance(subject, Literal):
            graph.add((subject, SH.message, Literal("Not conforming.")))
    return graph


def _store(case: Case) -> tuple[ox.Store, list[RewrittenLiteral]]:
    """The data as the build loads a file: parsed, its literals the store would rewrite
    noted, then added to a named graph."""
    triples = list(
        ox.parse(path=case.data, format=ox.RdfFormat.TURTLE, base_iri=case.data.as_uri())
    )
    graph = ox.NamedNode("urn:x-suite:data")
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store, rewritten_literals(triples)


def _shapes(case: Case) -> Graph:
    return Graph().parse(case.shapes, format="turtle", publicID=case.shapes.as_uri())


def _files(case: Case) -> list[Violation]:
    return reference_violations(_as_written(case.data), _shapes(case))


def _reference(case: Case) -> list[Violation]:
    store, rewritten = _store(case)
    return reference_violations(
        to_rdflib(as_written(merged_ntriples(store), rewritten)), _shapes(case)
    )


def _build(case: Case) -> list[Violation]:
    store, rewritten = _store(case)
    return violations(store, _shapes(case), rewritten=rewritten)


def _messages(case: Case) -> list[Violation]:
    store, rewritten = _store(case)
    return violations(store, with_messages(_shapes(case)), rewritten=rewritten)


WAYS: dict[str, Callable[[Case], list[Violation]]] = {
    "pyshacl-files": _files,
    "reference": _reference,
    "build": _build,
    "messages": _messages,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("core", type=Path, help="data-shapes-test-suite/tests/core")
    parser.add_argument("--only", default="", help="only the tests whose name has this")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each failure's diff")
    args = parser.parse_args()
    suite = [c for c in cases(args.core.resolve() / "manifest.ttl") if args.only in c.name]
    if not suite:
        sys.exit(f"No tests found under {args.core}.")
    for way, validate in WAYS.items():
        failed = []
        for case in suite:
            try:
                got = {_key(v) for v in validate(case)}
            except Exception as exc:  # a validator's crash is that test's failure
                failed.append(f"{case.name} ({type(exc).__name__}: {exc})"[:200])
                continue
            if got != case.expected:
                failed.append(case.name)
                if args.verbose:
                    print(
                        f"  {way} {case.name}\n    missing {case.expected - got}"
                        f"\n    extra {got - case.expected}"
                    )
        print(f"{way}: {len(suite) - len(failed)}/{len(suite)} pass")
        for name in failed:
            print(f"  fails: {name}")


if __name__ == "__main__":
    main()
