"""Validate a graph against the SHACL shapes in shapes/.

:func:`violations` is the build's validator: the shapes run as SPARQL queries on the Oxigraph
store the build loaded (:mod:`lisgraph.shacl_sparql`), which takes seconds where pySHACL took
minutes at a million triples. :func:`reference_violations` is pySHACL alone: the tests require
both to report the same violations on every shape's examples and on the real data, and it
checks any shape the translation does not cover (``lisgraph validate --reference`` runs it).

The result is a list of :class:`~lisgraph.errors.Violation` in plain words; :func:`check`
raises :class:`~lisgraph.errors.NotConformingError` when there is any.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, XSD, Graph, Literal, Node
from rdflib.namespace import SH

from .canonical import merged_ntriples, to_rdflib
from .config import DEFAULT_BASE_IRI
from .errors import DataLoadError, NotConformingError, Violation
from .shacl_sparql import compile_shapes, path_text, run

__all__ = ["check", "load_shapes", "reference_violations", "violations"]


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


def _sorted(found: list[Violation]) -> list[Violation]:
    # One value can break two constraints that share a message: report it once.
    return sorted(
        set(found), key=lambda v: (v.shape, v.focus_node, v.path or "", v.message, v.value or "")
    )


def _text(node: Node | None) -> str | None:
    """A report's value node as the text Oxigraph gives the same term (N-Triples for a
    literal), so both validators word it the same."""
    if node is None:
        return None
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=ox.NamedNode(node.datatype or XSD.string)))
    return str(node)


def _node_shape(shapes: Graph, shape: Node) -> Node:
    """The named node shape a (possibly blank) property shape belongs to."""
    for parent in shapes.subjects(SH.property, shape):
        return parent
    return shape


def reference_violations(data: Graph, shapes: Graph) -> list[Violation]:
    """Validate ``data`` against every shape with pySHACL alone (SHACL-SPARQL included).

    The reference the translated queries are tested against, and the validator of the shapes
    they do not translate. Slow on large graphs: pySHACL evaluates in Python, node by node.
    """
    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    found = []
    details = set(report.objects(None, SH.detail))  # the results of nested shapes
    for result in set(report.subjects(RDF.type, SH.ValidationResult)) - details:
        shape = report.value(result, SH.sourceShape)
        node_shape = _node_shape(shapes, shape) if shape is not None else None
        severity = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        found.append(
            Violation(
                focus_node=str(report.value(result, SH.focusNode)),
                path=None if path is None else path_text(report, path),
                value=_text(report.value(result, SH.value)),
                message=str(report.value(result, SH.resultMessage) or "constraint not met"),
                shape=str(node_shape),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    return _sorted(found)


def violations(store: ox.Store, shapes: Graph, data: Graph | None = None) -> list[Violation]:
    """Validate the union of ``store``'s graphs (which should include the ontology, for
    subclasses) against ``shapes``.

    The shapes run as SPARQL queries on the store (:mod:`lisgraph.shacl_sparql`); any shape
    those do not cover is checked by pySHACL, on ``data`` (the same triples in rdflib, made
    from the store when not given). Returns the violations, sorted by shape then focus node;
    empty when the data conforms.
    """
    compiled = compile_shapes(shapes)
    found = run(store, compiled.queries)
    if compiled.rest is not None:
        graph = data if data is not None else to_rdflib(merged_ntriples(store))
        found += reference_violations(graph, compiled.rest)
    return _sorted(found)


def check(store: ox.Store, shapes: Graph) -> None:
    """Raise NotConformingError listing every violation, or return when the store conforms."""
    found = violations(store, shapes)
    if found:
        raise NotConformingError(found)
