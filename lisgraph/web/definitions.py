"""``/def/...``: the ontology (``def/lis`` and one document per module) and the SHACL shapes
(``def/shapes``), each a document: HTML documentation for people, RDF for machines."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from rdflib import Graph

from .. import sparql_text
from ..artifact import ONTOLOGY_FILE
from ..views.labels import fallback_label, label_map
from ..views.ontology import OntologyTerm, ontology_diagram, ontology_terms
from ..vocab import prefixes
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
    graphs = _graphs(graph_iri)
    fmt = explicit or negotiated_rdf()
    if not graphs and (current := _versioned(graph_iri)) is not None:
        # A version IRI (owl:versionIRI, def/lis/0.1.0) is the document of that version: the
        # one served, while it is the current one.
        stem, graph_iri, graphs = current[len(snapshot.base) + 4 :], current, _graphs(current)
    if not graphs and (released := _released(stem)) is not None:
        return released
    if not graphs:
        return not_found(graph_iri, fmt)
    if fmt is None:
        return not_acceptable()
    body: str | bytes
    if fmt.key == "html":
        namespace = snapshot.base + "def/lis#"
        terms = ontology_terms(snapshot.store, namespace)
        if stem != "lis":
            terms = [t for t in terms if t.module == graph_iri]
        modules = _modules(graphs)
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
        values = " ".join(f"<{g}>" for g in graphs)
        body = serialize_triples(
            snapshot.store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { "
                f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            ),
            fmt,
        )
    return document_response(body, fmt, f"def/{stem}", negotiated=explicit is None)


def _graphs(graph_iri: str) -> list[str]:
    """The named graphs of the document ``graph_iri``: itself and its modules."""
    return [
        r["g"].value
        for r in current_snapshot()
        .store.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STR(?g) = "{graph_iri}" || STRSTARTS(STR(?g), "{graph_iri}/")) }} ORDER BY ?g'
        )
        .rows()
    ]


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


def _versioned(version_iri: str) -> str | None:
    """The ontology (module) whose ``owl:versionIRI`` is ``version_iri``, if any."""
    rows = (
        current_snapshot()
        .store.query(
            "SELECT ?o WHERE { GRAPH ?o { ?o <http://www.w3.org/2002/07/owl#versionIRI> "
            f"{sparql_text.iri(version_iri)} }} }}"
        )
        .rows()
    )
    return rows[0]["o"].value if rows else None


@bp.route("/def/")
def index() -> str:
    """The definitions: the ontology, its modules and the shapes."""
    snapshot = current_snapshot()
    rows = snapshot.store.query(
        "SELECT ?o ?title WHERE { GRAPH ?o { ?o a <http://www.w3.org/2002/07/owl#Ontology> "
        "OPTIONAL { ?o <http://purl.org/dc/terms/title> ?title } } "
        f'FILTER(STRSTARTS(STR(?o), "{snapshot.base}def/")) }} ORDER BY ?o'
    ).rows()
    entries = [
        (local_url(r["o"].value), r["title"].value if "title" in r else r["o"].value, None)
        for r in rows
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


def _modules(graphs: list[str]) -> list[dict[str, str]]:
    store = current_snapshot().store
    modules = []
    for graph in graphs:
        rows = store.query(
            "SELECT ?p ?o WHERE { <" + graph + "> ?p ?o FILTER(isLiteral(?o)) }"
        ).rows()
        fields = {r["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: r["o"].value for r in rows}
        modules.append({"iri": graph, **fields})
    return modules


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
