"""Linked-data pages: the landing page, and a document for every IRI.

``/id/{path}`` answers 303 to ``/doc/{path}``; ``/doc/{path}`` is negotiated (browsers get HTML,
other clients Turtle unless they ask otherwise) and names the representation in
``Content-Location``; ``/doc/{path}.{ttl,jsonld,rdf,nt,html}`` asks for one directly.
``/graph/...`` (one named graph per source file) are documents themselves (``/def/...`` is
:mod:`.definitions`'). Unknown IRIs are 404 in the negotiated format.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from ..artifact import DUMP_FORMATS
from ..queries import example_queries
from ..views.citation import cite_resource, cite_sources, dataset_citation
from ..views.lep import lep_profile
from ..views.programme import programme_matrix, timeline
from ..views.resource import describe_rdf, exists, resource_view
from ..vocab import prefixes
from .dataset import current_snapshot
from .dataset_description import schema_org_dataset
from .documents import check_path, negotiated_rdf, not_acceptable, not_found, split_extension
from .negotiation import Format
from .urls import iri_for_path, public_root

__all__ = ["bp"]

bp = Blueprint("pages", __name__)


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
    check_path(path)
    iri = iri_for_path(f"id/{path}")
    if not exists(current_snapshot().store, iri):
        return not_found(iri, negotiated_rdf())
    return Response(status=303, headers={"Location": public_root() + f"doc/{path}"})


@bp.route("/doc/<path:path>")
def document(path: str) -> Response:
    check_path(path)
    stem, explicit = split_extension(path)
    return _serve_resource(iri_for_path(f"id/{stem}"), f"doc/{stem}", explicit)


@bp.route("/graph/<path:path>")
def named_graph(path: str) -> Response:
    check_path(path)
    stem, explicit = split_extension(path)
    return _serve_resource(iri_for_path(f"graph/{stem}"), f"graph/{stem}", explicit)


def _serve_resource(iri: str, doc_path: str, explicit: Format | None) -> Response:
    fmt = explicit or negotiated_rdf()
    snapshot = current_snapshot()
    limit = snapshot.config.incoming_links_limit
    if not exists(snapshot.store, iri):
        return not_found(iri, fmt)
    if fmt is None:
        return not_acceptable()
    body: str | bytes
    if fmt.key == "html":
        view = resource_view(snapshot.store, iri, incoming_limit=limit)
        profile = lep_profile(snapshot.store, snapshot.base, iri)
        dataset = dataset_citation(
            snapshot.base, public_root(), str(snapshot.build_info.get("inputs_digest", ""))
        )
        body = render_template(
            "resource.html",
            view=view,
            doc_path=doc_path,
            iri=iri,
            profile=profile,
            sources=cite_sources(snapshot.store, snapshot.base, view.sources),
            citation=cite_resource(snapshot.store, iri, iri, dataset),
            dataset_citation=dataset,
            history=[r.version for r in snapshot.releases() if r.changed(iri)],
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
