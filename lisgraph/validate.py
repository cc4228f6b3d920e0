"""Validate a graph against the SHACL shapes in shapes/.

SHACL Core constraints are checked by pySHACL. SHACL-SPARQL constraints (``sh:sparql``) are run
by Oxigraph instead, once per constraint over every focus node at a time: pySHACL parses the
constraint's query again for every focus node, which was most of the build's time. A constraint
runs as its SELECT with the shape's targets joined in at the start of its WHERE clause, which
binds ``$this`` there as pre-binding would; the tests check both halves against every shape's
valid and invalid examples.

The result is a list of :class:`~lisgraph.errors.Violation` in plain words; :func:`check`
raises :class:`~lisgraph.errors.NotConformingError` when there is any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, XSD, Graph, Literal, Node, URIRef
from rdflib.namespace import SH

from .config import DEFAULT_BASE_IRI
from .errors import DataLoadError, NotConformingError, Violation

__all__ = ["SparqlConstraint", "check", "load_shapes", "split_sparql_constraints", "violations"]


def load_shapes(shapes_dir: Path, base: str) -> Graph:
    """Parse every shapes/*.ttl file with relative IRIs resolved against ``base``.

    Raises DataLoadError for a missing directory or a malformed file.
    """
    files = sorted(shapes_dir.glob("*.ttl")) if shapes_dir.is_dir() else []
    if not files:
        raise DataLoadError(f"No SHACL shapes (*.ttl) found in {shapes_dir}.", str(shapes_dir))
    shapes = Graph()
    for path in files:
        try:
            shapes.parse(path, format="turtle", publicID=base)
        except Exception as exc:  # rdflib raises many types for bad syntax
            raise DataLoadError(f"{path}: malformed Turtle in shapes: {exc}", str(path)) from exc
    # SPARQL prefix declarations are literals, which the parser does not resolve: move the
    # lisgraph namespace to the configured base.
    if base != DEFAULT_BASE_IRI:
        for decl, namespace in list(shapes.subject_objects(SH.namespace)):
            if str(namespace).startswith(DEFAULT_BASE_IRI):
                shapes.set(
                    (
                        decl,
                        SH.namespace,
                        Literal(
                            base + str(namespace)[len(DEFAULT_BASE_IRI) :], datatype=XSD.anyURI
                        ),
                    )
                )
    return shapes


def _text(graph: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        dt = (
            f"^^{node.datatype}"
            if node.datatype
            else (f"@{node.language}" if node.language else "")
        )
        return f'"{node}"{dt}'
    # A blank-node path or shape: describe it by its Turtle form.
    return " ".join(str(t) for t in graph.objects(node, None)) or str(node)


def _node_shape(shapes: Graph, shape: Node) -> Node:
    """The named node shape a (possibly blank) property shape belongs to."""
    for parent in shapes.subjects(SH.property, shape):
        return parent
    return shape


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, as a query over all its focus nodes."""

    shape: str
    query: str
    message: str


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_MESSAGE_VARIABLE = re.compile(r"\{[?$](\w+)\}")


def _targets(shapes: Graph, shape: Node) -> list[str] | None:
    """SPARQL patterns binding ?this to each focus node of ``shape`` (None: a target kind this
    module does not translate, left to pySHACL)."""
    patterns = [
        f"{{ ?this a/<{RDFS.subClassOf}>* <{c}> }}" for c in shapes.objects(shape, SH.targetClass)
    ]
    nodes = [n for n in shapes.objects(shape, SH.targetNode) if isinstance(n, URIRef)]
    if nodes:
        patterns.append("{ VALUES ?this { " + " ".join(f"<{n}>" for n in nodes) + " } }")
    patterns += [f"{{ ?this <{p}> [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"{{ [] <{p}> ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    if (shape, RDF.type, RDFS.Class) in shapes or not patterns:
        return None
    return patterns


def split_sparql_constraints(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes without their ``sh:sparql`` constraints, and those constraints as queries."""
    core = Graph()
    for triple in shapes:
        core.add(triple)
    constraints = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        select, targets = shapes.value(constraint, SH.select), _targets(shapes, shape)
        where = _WHERE.search(str(select)) if select is not None else None
        if where is None or targets is None or (constraint, SH.deactivated, None) in shapes:
            continue
        prologue = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for node in shapes.objects(constraint, SH.prefixes)
            for d in shapes.objects(node, SH.declare)
        )
        text = str(select)
        target = " UNION ".join(targets)
        query = prologue + text[: where.end()] + f" {target} " + text[where.end() :]
        message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
        constraints.append(SparqlConstraint(str(shape), query, str(message or "")))
        core.remove((shape, SH.sparql, constraint))
        core.remove((constraint, None, None))
    return core, constraints


def _sparql_violations(store: ox.Store, constraint: SparqlConstraint) -> list[Violation]:
    found = []
    result = store.query(constraint.query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for row in result:
        bound = {name: row[name] for name in names if row[name] is not None}
        message = _fill(
            constraint.message, {k: getattr(v, "value", str(v)) for k, v in bound.items()}
        )
        this, value, path = bound.get("this"), bound.get("value"), bound.get("path")
        found.append(
            Violation(
                focus_node=getattr(this, "value", str(this)),
                path=getattr(path, "value", None),
                value=None if value is None else _term_text(value),
                message=message,
                shape=constraint.shape,
            )
        )
    return found


def _fill(message: str, values: dict[str, str]) -> str:
    """The message with each {?name} or {$name} replaced by that variable's value."""
    return _MESSAGE_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), message)


def _term_text(term: object) -> str:
    if isinstance(term, ox.Literal):
        return str(term)
    return getattr(term, "value", str(term))


def _as_store(data: Graph) -> ox.Store:
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def violations(data: Graph, shapes: Graph, store: ox.Store | None = None) -> list[Violation]:
    """Validate ``data`` (which should include the ontology, for subclasses) against ``shapes``.

    ``store`` holds the same data for the SPARQL constraints (any graphs: their union is
    queried); made from ``data`` when not given. Returns the violations, sorted by shape then
    focus node; empty when the data conforms.
    """
    core, sparql = split_sparql_constraints(shapes)
    found: list[Violation] = []
    if sparql:
        store = store if store is not None else _as_store(data)
        for constraint in sparql:
            found += _sparql_violations(store, constraint)
    conforms, report, _ = shacl_validate(
        data, shacl_graph=core, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return sorted(set(found), key=lambda v: (v.shape, v.focus_node, v.path or "", v.message))
    assert isinstance(report, Graph)
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        node_shape = _node_shape(shapes, shape) if shape is not None else None
        severity = report.value(result, SH.resultSeverity)
        found.append(
            Violation(
                focus_node=str(report.value(result, SH.focusNode)),
                path=_text(report, report.value(result, SH.resultPath)),
                value=_text(report, report.value(result, SH.value)),
                message=str(report.value(result, SH.resultMessage) or "constraint not met"),
                shape=str(node_shape),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    # One value can break two constraints that share a message: report it once.
    return sorted(set(found), key=lambda v: (v.shape, v.focus_node, v.path or "", v.message))


def check(data: Graph, shapes: Graph, store: ox.Store | None = None) -> None:
    """Raise NotConformingError listing every violation, or return when ``data`` conforms."""
    found = violations(data, shapes, store)
    if found:
        raise NotConformingError(found)
