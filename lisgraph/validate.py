"""Validate a graph against the SHACL shapes in shapes/ with pySHACL.

The result is a list of :class:`~lisgraph.errors.Violation` in plain words; :func:`check`
raises :class:`~lisgraph.errors.NotConformingError` when there is any.
"""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, XSD, Graph, Literal, Node, URIRef
from rdflib.namespace import SH

from .config import DEFAULT_BASE_IRI
from .errors import DataLoadError, NotConformingError, Violation

__all__ = ["check", "load_shapes", "violations"]


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


def violations(data: Graph, shapes: Graph) -> list[Violation]:
    """Validate ``data`` (which should include the ontology, for subclasses) against ``shapes``.

    Returns the violations, sorted by shape then focus node; empty when the data conforms.
    """
    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    found: list[Violation] = []
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


def check(data: Graph, shapes: Graph) -> None:
    """Raise NotConformingError listing every violation, or return when ``data`` conforms."""
    found = violations(data, shapes)
    if found:
        raise NotConformingError(found)
