"""The build's validator: the shapes as queries on Oxigraph, pySHACL for what is left.

:func:`violations` compiles the shapes (:mod:`~lisgraph.shacl.compile`), runs the queries on the
store the build already holds (:mod:`~lisgraph.shacl.run`), and hands any shape not translated
to pySHACL (:mod:`~lisgraph.shacl.reference`), on an rdflib copy of the data made only then.
:func:`check` is the same as a pass or an exception: only ``sh:Violation`` results fail it.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from ..canonical import merged_ntriples, to_rdflib
from ..errors import NotConformingError, Violation
from .compile import compile_shapes
from .reference import reference_violations
from .run import run, sorted_violations

__all__ = ["check", "violations"]


def violations(store: ox.Store, shapes: Graph, data: Graph | None = None) -> list[Violation]:
    """Validate the union of ``store``'s graphs (which should include the ontology, for
    subclasses) against ``shapes``.

    The shapes run as SPARQL queries on the store; any shape those do not cover is checked by
    pySHACL, on ``data`` (the same triples in rdflib, made from the store when not given).
    Returns the violations, sorted by shape then focus node; empty when the data conforms.
    """
    compiled = compile_shapes(shapes)
    found = run(store, compiled.queries)
    if compiled.rest is not None:
        graph = data if data is not None else to_rdflib(merged_ntriples(store))
        found += reference_violations(graph, compiled.rest)
    return sorted_violations(found)


def check(store: ox.Store, shapes: Graph) -> list[Violation]:
    """Return when no result of validating the union of ``store``'s graphs against ``shapes``
    has the severity ``sh:Violation``: the results of lower severity (``sh:Warning``,
    ``sh:Info``), which do not block a build, sorted as :func:`violations` sorts them.

    Raises NotConformingError listing every result otherwise.
    """
    found = violations(store, shapes)
    if any(v.blocks for v in found):
        raise NotConformingError(found)
    return found
