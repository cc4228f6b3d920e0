"""The build's validator: the shapes as queries on Oxigraph, pySHACL for what is left.

:func:`violations` compiles the shapes (:mod:`~lisgraph.shacl.compile`), runs the queries on the
store the build already holds (:mod:`~lisgraph.shacl.run`), and hands any shape not translated
to pySHACL (:mod:`~lisgraph.shacl.reference`), on an rdflib copy of the data made only then.
:func:`check` is the same as a pass or an exception: only ``sh:Violation`` results fail it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import Graph

from ..canonical import merged_ntriples, to_rdflib
from ..errors import NotConformingError, Violation
from .compile import compile_shapes
from .literal_forms import RewrittenLiteral, as_written, reads_rewritten
from .reference import reference_violations
from .run import run, sorted_violations

__all__ = ["check", "violations"]


def violations(
    store: ox.Store,
    shapes: Graph,
    data: Graph | None = None,
    rewritten: Sequence[RewrittenLiteral] = (),
) -> list[Violation]:
    """Validate the union of ``store``'s graphs (which should include the ontology, for
    subclasses) against ``shapes``.

    The shapes run as SPARQL queries on the store; any shape those do not cover is checked by
    pySHACL, on ``data`` (the same triples in rdflib as written, made from the store when not
    given).
    ``rewritten`` are the data's literals the store holds as other terms
    (:func:`~lisgraph.shacl.literal_forms.rewritten_literals`): every shape that could read
    one goes to pySHACL, which is given them as written, so that no shape judges a term the
    data does not hold. Returns the violations, sorted by shape then focus node; empty when
    the data conforms.
    """
    compiled = compile_shapes(
        shapes, (lambda shape: reads_rewritten(shapes, shape, rewritten)) if rewritten else None
    )
    found = run(store, compiled.queries)
    if compiled.rest is not None:
        if data is None:
            data = to_rdflib(as_written(merged_ntriples(store), rewritten))
        found += reference_violations(data, compiled.rest)
    return sorted_violations(found)


def check(
    store: ox.Store, shapes: Graph, rewritten: Sequence[RewrittenLiteral] = ()
) -> list[Violation]:
    """Return when no result of validating the union of ``store``'s graphs against ``shapes``
    has the severity ``sh:Violation``: the results of lower severity (``sh:Warning``,
    ``sh:Info``), which do not block a build, sorted as :func:`violations` sorts them
    (``rewritten`` as there).

    Raises NotConformingError listing every result otherwise.
    """
    found = violations(store, shapes, rewritten=rewritten)
    if any(v.blocks for v in found):
        raise NotConformingError(found)
    return found
