"""Linked-data pages: the landing page, and a document for every IRI.

``/id/{path}`` answers 303 to ``/doc/{path}``; ``/doc/{path}`` is negotiated (browsers get HTML,
other clients Turtle unless they ask otherwise) and names the representation in
``Content-Location``; ``/doc/{path}.{ttl,jsonld,rdf,nt,html}`` asks for one directly.
``/def/...`` (the ontology and shapes) and ``/graph/...`` (one named graph per source file) are
documents themselves. Unknown IRIs are 404 in the negotiated format.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request
from rdflib import Graph

from ..artifact import DUMP_FORMATS
from ..queries import example_queries
from ..views.programme import lep_profile, ontology_diagram, programme_matrix, timeline
from ..views.resource import (
    OntologyTerm,
    describe_rdf,
    exists,
    fallback_label,
    label_map,
    ontology_terms,
    resource_view,
)
from ..vocab import prefixes
from .dataset import current_snapshot
from .metadata import schema_org_dataset
from .negotiation import Format, by_extension, negotiate
from .urls import iri_for_path, public_root

__all__ = ["bp"]

bp = Blueprint("pages", __name__)

# A path is IRI path segments of unreserved characters and sub-delimiters (RFC 3986); '.' and
# '..' segments, empty segments, controls, spaces and anything else are not resources here.
_SEGMENT = r"[A-Za-z0-9_.\-~!$&'()*+,;=:@]+"
_SAFE_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*$")


def _check_path(path: str) -> None:
    if not _SAFE_PATH.match(path) or any(part in ("", ".", "..") for part in path.split("/")):
        abort(404)


def _split_extension(path: str) -> tuple[str, Format | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and (fmt := by_extension(ext)) is not None:
        return stem, fmt
    return path, None


def _negotiated() -> Format | None:
    return negotiate(request.headers.get("Accept", ""), request.args.get("format"), "rdf", "turtle")


def _not_found(iri: str, fmt: Format | None) -> Response:
    message = f"There is no resource <{iri}> in this dataset."
    if fmt is None or fmt.key == "html":
        html = render_template("error.html", title="Not found", message=message)
        return Response(html, status=404, content_type="text/html; charset=utf-8")
    bodies = {
        "turtle": f"# 404 Not Found. {message}\n",
        "ntriples": f"# 404 Not Found. {message}\n",
        "jsonld": '{"@context": {}, "@graph": [], "error": "' + message.replace('"', "'") + '"}\n',
        "rdfxml": '<?xml version="1.0" encoding="utf-8"?>\n<!-- 404 Not Found. '
        + message.replace("--", "-")
        + ' -->\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
    }
    response = Response(bodies[fmt.key], status=404, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _not_acceptable() -> Response:
    return Response(
        "This resource is available as text/html, text/turtle, application/ld+json, "
        "application/rdf+xml and application/n-triples.\n",
        status=406,
        mimetype="text/plain",
    )


@bp.route("/")
def landing() -> str:
    snapshot = current_snapshot()
    dumps = [(d, snapshot.build_info.get("files", {}).get(d.filename)) for d in DUMP_FORMATS]
    return render_template(
        "landing.html",
        info=snapshot.build_info,
        dumps=dumps,
        examples=example_queries()[:4],
        dataset_jsonld=schema_org_dataset(),
        leps=_leps(),
        matrix=programme_matrix(snapshot.store, snapshot.base),
        events=timeline(snapshot.store, snapshot.base),
    )


def _leps() -> list[tuple[str, str]]:
    lis = current_snapshot().base + "def/lis#"
    rows = (
        current_snapshot()
        .store.query(
            "SELECT ?lep ?name WHERE { ?lep a <" + lis + "LocalEnterprisePartnership> ; "
            "<" + lis + "area> ?area ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } "
            "ORDER BY ?name"
        )
        .rows()
    )
    return [(r["lep"].value, r["name"].value) for r in rows]


@bp.route("/id/<path:path>")
def thing(path: str) -> Response:
    _check_path(path)
    iri = iri_for_path(f"id/{path}")
    if not exists(current_snapshot().store, iri):
        return _not_found(iri, _negotiated())
    return Response(status=303, headers={"Location": public_root() + f"doc/{path}"})


@bp.route("/doc/<path:path>")
def document(path: str) -> Response:
    _check_path(path)
    stem, explicit = _split_extension(path)
    return _serve_resource(iri_for_path(f"id/{stem}"), f"doc/{stem}", explicit)


@bp.route("/graph/<path:path>")
def named_graph(path: str) -> Response:
    _check_path(path)
    stem, explicit = _split_extension(path)
    return _serve_resource(iri_for_path(f"graph/{stem}"), f"graph/{stem}", explicit)


def _serve_resource(iri: str, doc_path: str, explicit: Format | None) -> Response:
    fmt = explicit or _negotiated()
    snapshot = current_snapshot()
    limit = snapshot.config.incoming_links_limit
    if not exists(snapshot.store, iri):
        return _not_found(iri, fmt)
    if fmt is None:
        return _not_acceptable()
    body: str | bytes
    if fmt.key == "html":
        view = resource_view(snapshot.store, iri, incoming_limit=limit)
        profile = lep_profile(snapshot.store, snapshot.base, iri)
        body = render_template(
            "resource.html", view=view, doc_path=doc_path, iri=iri, profile=profile
        )
    else:
        body = describe_rdf(snapshot.store, iri, incoming_limit=limit).serialize(
            fmt.key, prefixes=prefixes(snapshot.base)
        )
    response = Response(body, content_type=fmt.content_type)
    response.headers["Content-Location"] = f"{public_root()}{doc_path}.{fmt.extension}"
    if explicit is None:
        response.vary.add("Accept")
    return response


@bp.route("/def/<path:path>")
def definition(path: str) -> Response:
    """The ontology (``def/lis`` and its modules) and the shapes (``def/shapes``), as documents."""
    _check_path(path)
    stem, explicit = _split_extension(path)
    snapshot = current_snapshot()
    graph_iri = snapshot.base + f"def/{stem}"
    if stem == "shapes":
        return _shapes_document(explicit)
    graphs = [
        r["g"].value
        for r in snapshot.store.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STR(?g) = "{graph_iri}" || STRSTARTS(STR(?g), "{graph_iri}/")) }} ORDER BY ?g'
        ).rows()
    ]
    fmt = explicit or _negotiated()
    if not graphs:
        return _not_found(graph_iri, fmt)
    if fmt is None:
        return _not_acceptable()
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
        body = snapshot.store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        ).serialize(fmt.key, prefixes=prefixes(current_snapshot().base))
    response = Response(body, content_type=fmt.content_type)
    response.headers["Content-Location"] = f"{public_root()}def/{stem}.{fmt.extension}"
    if explicit is None:
        response.vary.add("Accept")
    return response


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
    fmt = explicit or _negotiated()
    if fmt is None:
        return _not_acceptable()
    path = snapshot.build.shapes
    if not path.is_file():  # a mirror of a remote store: the store holds no shapes
        return _not_found(snapshot.base + "def/shapes", fmt)
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
