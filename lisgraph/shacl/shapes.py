"""Loading the project's shapes: every ``shapes/*.ttl`` into one rdflib graph.

The shapes are written against the default base IRI. Relative IRIs follow the configured base
through the parser; the one place they do not is ``sh:namespace`` of SHACL-SPARQL prefix
declarations, a literal, which is moved to the base here.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import XSD, Graph, Literal
from rdflib.namespace import SH

from ..config import DEFAULT_BASE_IRI
from ..errors import DataLoadError
from .terms import refuse_unknown_terms

__all__ = ["load_shapes"]


def load_shapes(shapes_dir: Path, base: str) -> Graph:
    """Parse every shapes/*.ttl file with relative IRIs resolved against ``base``.

    Raises DataLoadError for a missing directory, a malformed file, or a predicate in SHACL's
    namespace that SHACL does not define (which no validator would check).
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
    refuse_unknown_terms(shapes)
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
