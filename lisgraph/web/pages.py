"""Linked-data pages: the landing page, and a document for every IRI.

``/id/{path}`` answers 303 to ``/doc/{path}``; ``/doc/{path}`` is negotiated (browsers get HTML,
other clients Turtle unless they ask otherwise) and names the representation in
``Content-Location``; ``/doc/{path}.{ttl,jsonld,rdf,nt,html}`` asks for one directly.
``/def/...`` (the ontology and shapes) and ``/graph/...`` (one named graph per source file) are
documents themselves. Unknown IRIs are 404 in the negotiated format.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, render_template, request
from rdflib import Graph

from ..build.dumps import DUMP_FORMATS
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
from .dataset import current
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
    published = current()
    dumps = [(d, published.build_info.get("files", {}).get(d.filename)) for d in DUMP_FORMATS]
    return render_template(
        "landing.html",
        info=published.build_info,
        dumps=dumps,
        examples=example_queries()[:4],
        dataset_jsonld=schema_org_dataset(),
        leps=_leps(),
        matrix=programme_matrix(published.store, published.base),
        events=timeline(published.store, published.base),
    )


def _leps() -> list[tuple[str, str]]:
    lis = current().base + "def/lis#"
    rows = (
        current()
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
    if not exists(current().store, iri):
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
    published = current()
    limit = int(current_app.config["INCOMING_LINKS_LIMIT"])
    if not exists(published.store, iri):
        return _not_found(iri, fmt)
    if fmt is None:
        return _not_acceptable()
    body: str | bytes
    if fmt.key == "html":
        view = resource_view(published.store, iri, incoming_limit=limit)
        profile = lep_profile(published.store, published.base, iri)
        body = render_template(
            "resource.html", view=view, doc_path=doc_path, iri=iri, profile=profile
        )
    else:
        body = describe_rdf(published.store, iri, incoming_limit=limit).serialize(
            fmt.key, prefixes=prefixes(published.base)
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
    published = current()
    graph_iri = published.base + f"def/{stem}"
    if stem == "shapes":
        return _shapes_document(explicit)
    graphs = [
        r["g"].value
        for r in published.store.query(
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
        namespace = published.base + "def/lis#"
        terms = ontology_terms(published.store, namespace)
        if stem != "lis":
            terms = [t for t in terms if t.module == graph_iri]
        modules = _modules(graphs)
        iris = {t.iri for t in terms} | {p for t in terms for p in t.parents}
        iris |= {t.domain for t in terms if t.domain} | {t.range for t in terms if t.range}
        labels = label_map(published.store, iris)
        body = render_template(
            "ontology.html",
            diagram=ontology_diagram(published.store, published.base) if stem == "lis" else None,
            children_of=_children(terms),
            namespaces=prefixes(published.base),
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
        body = published.store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        ).serialize(fmt.key, prefixes=prefixes(current().base))
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
    store = current().store
    modules = []
    for graph in graphs:
        rows = store.query(
            "SELECT ?p ?o WHERE { <" + graph + "> ?p ?o FILTER(isLiteral(?o)) }"
        ).rows()
        fields = {r["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: r["o"].value for r in rows}
        modules.append({"iri": graph, **fields})
    return modules


def _shapes_document(explicit: Format | None) -> Response:
    published = current()
    fmt = explicit or _negotiated()
    if fmt is None:
        return _not_acceptable()
    path = published.settings.shapes_dir / "lisgraph-shapes.ttl"
    if not path.is_file():
        return _not_found(published.base + "def/shapes", fmt)
    graph = Graph().parse(path, format="turtle", publicID=published.base)
    body: str | bytes
    if fmt.key == "html":
        body = render_template("shapes.html", turtle=graph.serialize(format="turtle"))
    else:
        assert fmt.rdflib is not None  # every non-HTML RDF format has one
        body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    response = Response(body, content_type=fmt.content_type)
    response.headers["Content-Location"] = f"{public_root()}def/shapes.{fmt.extension}"
    return response
