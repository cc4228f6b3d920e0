"""The state of translating one shapes graph, shared by the constraint modules.

A :class:`Translation` is made per call of
:func:`~lisgraph.shacl.compile.compile_shapes`. It holds the shapes graph, hands out fresh
SPARQL variable names (so that nested constraints never capture each other's values), keeps the
stack of shapes being inlined (so that a recursive shape is refused instead of expanded for
ever), and knows which predicates of a shape carry no constraint.
"""

from __future__ import annotations

from itertools import count

from rdflib import RDF, RDFS, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from .targets import TARGETS
from .terms import UntranslatableError

__all__ = ["DESCRIPTIVE", "Translation"]

#: Predicates of a shape that carry no constraint, or that are handled on their own (the
#: path, nested property shapes, SPARQL constraints, the flags of sh:pattern, the targets).
DESCRIPTIVE = frozenset(
    {
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
        *TARGETS,
    }
)


class Translation:
    """One shapes graph being turned into queries."""

    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self._names = count()
        #: The shapes being inlined, innermost last, to refuse recursion.
        self.expanding: list[Node] = []

    def fresh(self) -> str:
        """A SPARQL variable not used before in this translation: ``?v0``, ``?v1``..."""
        return f"?v{next(self._names)}"

    def items(self, head: Node) -> list[Node]:
        """The members of the RDF list starting at ``head`` (``sh:in``, ``sh:or``...)."""
        return list(Collection(self.graph, head))

    def inactive(self, node: Node) -> bool:
        """Whether ``node`` (a shape or a SPARQL constraint) is ``sh:deactivated true``."""
        return (node, SH.deactivated, Literal(True)) in self.graph

    def check_known(self, shape: Node, allowed: frozenset[URIRef]) -> None:
        """Return when every SHACL predicate on ``shape`` is descriptive or in ``allowed``.

        Raises UntranslatableError naming the first other one (``sh:closed``, ``sh:equals``...),
        so that the shape goes to pySHACL rather than being checked in part.
        """
        for predicate in set(self.graph.predicates(shape, None)):
            if predicate in DESCRIPTIVE or predicate in allowed:
                continue
            if str(predicate).startswith(str(SH)):
                raise UntranslatableError(f"{predicate} on {shape}")

    def message(self, shape: Node) -> str:
        """The ``sh:message`` of ``shape`` (the first in text order when it has several).

        Raises UntranslatableError when it has none: pySHACL then words the report.
        """
        messages = sorted(str(m) for m in self.graph.objects(shape, SH.message))
        if not messages:
            raise UntranslatableError(f"{shape} has no sh:message")
        return messages[0]

    def severity(self, shape: Node) -> str:
        """The local name of the ``sh:severity`` of ``shape``: ``Violation`` by default."""
        severity = self.graph.value(shape, SH.severity)
        return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
