"""``/def/...``: the ontology (``def/lis`` and one document per module) and the SHACL shapes
(``def/shapes``), each a document: HTML documentation for people, RDF for machines."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from rdflib import Graph

from ..artifact import ONTOLOGY_FILE
from ..views.labels import fallback_label, label_map
from ..views.ontology import (
    OntologyTerm,
    document_graphs,
    document_triples,
    module_fields,
    ontologies,
    ontology_diagram,
    ontology_terms,
    versioned,
)
from ..vocab import lis_namespace, prefixes
from .dataset import current_snapshot
from .documents import (
    check_path,
    document_response,
    negotiated_rdf,
    not_acceptable,
    not_found,
    split_extension,
)
from .named_graphs import serialize_triples
from .negotiation import Format
from .urls import local_url, public_root

__all__ = ["bp"]

bp = Blueprint("definitions", __name__)


@bp.route("/def/<path:path>")
def definition(path: str) -> Response:
    """The ontology (``def/lis`` and its modules) and the shapes (``def/shapes``), as documents."""
    check_path(path)
    stem, explicit = split_extension(path)
    snapshot = current_snapshot()
    graph_iri = snapshot.base + f"def/{stem}"
    if stem == "shapes":
        return _shapes_document(explicit)
    graphs = document_graphs(snapshot.store, graph_iri)
    fmt = explicit or negotiated_rdf()
    if not graphs and (current := versioned(snapshot.store, graph_iri)) is not None:
        # A version IRI (owl:versionIRI, def/lis/0.1.0) is the document of that version: the
        # one served, while it is the current one.
        stem, graph_iri, graphs = (
            current[len(snapshot.base) + 4 :],
            current,
            document_graphs(snapshot.store, current),
        )
    if not graphs and (released := _released(stem)) is not None:
        return released
    if not graphs:
        return not_found(graph_iri, fmt)
    if fmt is None:
        return not_acceptable()
    body: str | bytes
    if fmt.key == "html":
        namespace = lis_namespace(snapshot.base)
        terms = ontology_terms(snapshot.store, namespace)
        if stem != "lis":
            terms = [t for t in terms if t.module == graph_iri]
        modules = [{"iri": g, **module_fields(snapshot.store, g)} for g in graphs]
        iris = {t.iri for t in terms} | {p for t in terms for p in t.parents}
        iris |= {t.domain for t in terms if t.domain} | {t.range for t in terms if t.range}
        labels = label_map(snapshot.store, iris)
        body = render_template(
            "ontology.html",
            diagram=ontology_diagram(snapshot.store, snapshot.base) if stem == "lis" else None,
            children_of=_children(terms),
            namespaces=prefixes(snapshot.base),
            terms=terms,
            modules=modules,
            labels=labels,
            iri=graph_iri,
            namespace=namespace,
            fallback_label=fallback_label,
            doc_path=f"def/{stem}",
        )
    else:
        body = serialize_triples(document_triples(snapshot.store, graphs), fmt)
    return document_response(body, fmt, f"def/{stem}", negotiated=explicit is None)


def _released(stem: str) -> Response | None:
    """A version IRI of an earlier release (``def/lis/2026.11.25``, ``def/lis/geography/...``):
    303 See Other to that release's ontology file, as it was released."""
    document, _, version = stem.rpartition("/")
    if document != "lis" and not document.startswith("lis/"):
        return None
    if not any(r.version == version for r in current_snapshot().releases()):
        return None
    return Response(
        status=303, headers={"Location": public_root() + f"downloads/{version}/{ONTOLOGY_FILE}"}
    )


@bp.route("/def/")
def index() -> str:
    """The definitions: the ontology, its modules and the shapes."""
    snapshot = current_snapshot()
    entries = [
        (local_url(iri), title or iri, None)
        for iri, title in ontologies(snapshot.store, snapshot.base)
    ]
    entries.append((public_root() + "def/shapes", "SHACL shapes every build satisfies", None))
    return render_template(
        "index.html",
        title="Definitions",
        intro="The lisgraph ontology, one module per concern, and the SHACL shapes. Every term "
        "dereferences to its documentation or its RDF.",
        sections=[("", entries)],
    )


def _children(terms: list[OntologyTerm]) -> dict[str, list[OntologyTerm]]:
    children: dict[str, list[OntologyTerm]] = {}
    for term in terms:
        for parent in term.parents:
            children.setdefault(parent, []).append(term)
    return children


def _shapes_document(explicit: Format | None) -> Response:
    snapshot = current_snapshot()
    fmt = explicit or negotiated_rdf()
    if fmt is None:
        return not_acceptable()
    path = snapshot.build.shapes
    if not path.is_file():  # a mirror of a remote store: the store holds no shapes
        return not_found(snapshot.base + "def/shapes", fmt)
    graph = Graph().parse(path, format="turtle")
    body: str | bytes
    if fmt.key == "html":
        body = render_template("shapes.html", turtle=graph.serialize(format="turtle"))
    else:
        assert fmt.rdflib is not None  # every non-HTML RDF format has one
        body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    response = Response(body, content_type=fmt.content_type)
    response.headers["Content-Location"] = f"{public_root()}def/shapes.{fmt.extension}"
    return response
