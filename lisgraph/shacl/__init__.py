"""SHACL validation: the shapes as SPARQL queries run by Oxigraph, with pySHACL as reference.

:func:`violations` is the build's validator: the shapes run as SPARQL queries on the Oxigraph
store the build loaded, which takes seconds where pySHACL took minutes at a million triples.
:func:`reference_violations` is pySHACL alone: the tests require both to report the same
violations on every shape's examples and on the real data, and it checks any shape the
translation does not cover (``lisgraph validate --reference`` runs it). The result is a list of
:class:`~lisgraph.errors.Violation` in plain words; :func:`check` raises
:class:`~lisgraph.errors.NotConformingError` when there is any. :func:`load_shapes` reads the
project's ``shapes/*.ttl``.

pySHACL evaluates every constraint in Python, node by node, over an rdflib graph: at a million
triples that took two minutes and most of the build's memory. This package translates each
targeted node shape into SELECT queries that return one row per violation, and Oxigraph runs
them over the store the build has already loaded. pySHACL stays the reference: the tests run
both on every shape's valid and invalid examples and on the real data, and require the same
violations; shapes using a feature translated here nowhere are left to pySHACL (see
:class:`Compiled`).

What is translated (SHACL 1.0 sections in brackets), and where:

- targets: ``sh:targetClass`` (instances of the class or of a subclass), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, and the implicit class target of a shape
  that is also a class [2.1.3] (:mod:`.targets`); a property shape may have targets of its
  own;
- paths: predicates, sequences, ``sh:inversePath``, ``sh:alternativePath``,
  ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath`` [2.3.1], written as SPARQL
  property paths (:mod:`.paths`);
- value constraints: ``sh:class``, ``sh:datatype`` (ill-formed literals fail), ``sh:nodeKind``,
  ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``,
  ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` with ``sh:flags``, ``sh:in``,
  ``sh:hasValue`` [4.1, 4.3, 4.4, 4.8] (:mod:`.value`), ``sh:node``, ``sh:not``, ``sh:and``,
  ``sh:or``, ``sh:xone`` [4.6, 4.7] (:mod:`.logical`);
- on property shapes: ``sh:minCount``, ``sh:maxCount`` [4.2] (:mod:`.cardinality`),
  ``sh:uniqueLang`` [4.4] (:mod:`.value`), ``sh:lessThan``, ``sh:lessThanOrEquals`` [4.5]
  (:mod:`.property_pair`);
- SHACL-SPARQL ``sh:sparql`` constraints [5], with the shape's targets joined into the query
  (binding ``$this`` as pre-binding would) (:mod:`.sparql_constraints`).

Reports are what pySHACL reports, in :class:`~lisgraph.errors.Violation` form: the node shape,
the focus node, the path, the value node where SHACL gives one, the constraint's
``sh:message`` and the shape's severity (only ``sh:Violation`` fails :func:`check`). A shape
without its own message is left to pySHACL, whose messages are generated per constraint.
"""

from __future__ import annotations

from .compile import Compiled, compile_shapes
from .literal_forms import RewrittenLiteral, as_written, rewritten_literals
from .paths import path_text
from .reference import reference_violations
from .run import ShapeQuery, run
from .shapes import load_shapes
from .validate import check, violations

__all__ = [
    "Compiled",
    "RewrittenLiteral",
    "ShapeQuery",
    "as_written",
    "check",
    "compile_shapes",
    "load_shapes",
    "path_text",
    "reference_violations",
    "rewritten_literals",
    "run",
    "violations",
]
