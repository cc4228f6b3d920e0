"""pySHACL as the reference validator, its report read into :class:`~lisgraph.errors.Violation`.

pySHACL implements all of SHACL Core and SHACL-SPARQL but evaluates in Python, node by node, over
an rdflib graph. It is the oracle the translated queries are tested against, and the validator
of the shapes they do not translate (:attr:`~lisgraph.shacl.compile.Compiled.rest`). Its
reports are worded here as the queries word theirs: the node shape (not a blank property
shape), paths as :func:`~lisgraph.shacl.paths.path_text` writes them, and values in the text
Oxigraph gives the same term.
"""

from __future__ import annotations

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, XSD, Graph, Literal, Node
from rdflib.namespace import SH

from ..errors import Violation
from .paths import path_text
from .run import sorted_violations

__all__ = ["reference_violations"]


def reference_violations(data: Graph, shapes: Graph) -> list[Violation]:
    """Validate ``data`` against every shape with pySHACL alone (SHACL-SPARQL included).

    Returns the violations sorted as :func:`~lisgraph.shacl.violations` sorts them; empty when
    the data conforms. The reference the translated queries are tested against, and the
    validator of the shapes they do not translate. Slow on large graphs: pySHACL evaluates in
    Python, node by node.
    """
    # Every result, whatever its severity: pySHACL says "conforms" when only warnings remain.
    _, report, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
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
                focus_node=_text(report.value(result, SH.focusNode)) or "",
                path=None if path is None else path_text(report, path),
                value=_text(report.value(result, SH.value)),
                message=str(report.value(result, SH.resultMessage) or "constraint not met"),
                shape=str(node_shape),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    return sorted_violations(found)


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
    """The node shape a (possibly blank) property shape belongs to: up through ``sh:property``
    to a shape no other holds (the first by IRI where a property shape is shared)."""
    seen = {shape}
    while parents := sorted(set(shapes.subjects(SH.property, shape)) - seen, key=str):
        shape = parents[0]
        seen.add(shape)
    return shape
