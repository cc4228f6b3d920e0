"""Linked-data pages: the landing page, and a document for every IRI.

``/id/{path}`` answers 303 to ``/doc/{path}``; ``/doc/{path}`` is negotiated (browsers get HTML,
other clients Turtle unless they ask otherwise) and names the representation in
``Content-Location``; ``/doc/{path}.{ttl,jsonld,rdf,nt,html}`` asks for one directly.
``/graph/...`` (one named graph per source file) are documents themselves and answer with the
graph's own triples (``/def/...`` is :mod:`.definitions`'). ``/id/``, ``/doc/``, ``/id/{kind}/``
and ``/graph/`` are index pages. Unknown IRIs are 404 in the negotiated format, with suggestions.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import NotFound

from ..artifact import DUMP_FORMATS
from ..queries import example_queries
from ..views.citation import cite_resource, cite_sources, dataset_citation
from ..views.compare import LepRecord, compare_leps
from ..views.compare_strategies import StrategyRecord, compare_strategies
from ..views.england_map import england_map
from ..views.graphs import class_counts, graph_summaries
from ..views.index import kinds_of_things, leps_with_areas, suggestions, things_of_kind
from ..views.lep import lep_profile
from ..views.listing import list_kind
from ..views.programme import (
    authored,
    programme_events,
    programme_matrix,
    programme_picture,
    stated_events,
)
from ..views.resource import describe_rdf, exists, resource_view
from ..vocab import lis_namespace
from .dataset import current_snapshot
from .documents import (
    check_path,
    document_response,
    negotiated_rdf,
    not_acceptable,
    not_found,
    split_extension,
)
from .named_graphs import graph_document, serialize_triples
from .negotiation import Format
from .schema_org_dataset import schema_org_dataset
from .static_files import static_files
from .structured_data import resource_jsonld
from .urls import iri_for_path, local_url, public_root

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
        leps=leps_with_areas(snapshot.store, snapshot.base),
        programme=programme_picture(snapshot.store, snapshot.base),
        england=snapshot.once(
            "landing map", lambda: england_map(snapshot.store, snapshot.base, 360, 1.0)
        ),
    )


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site's icon (SVG, which browsers accept at this address too)."""
    icon = static_files().get("favicon.svg")
    if icon is None:
        raise NotFound()
    return Response(icon.body, mimetype=icon.mimetype)


@bp.route("/id/")
@bp.route("/doc/")
def things_index() -> str:
    """What is described here: things by kind (their IRI's path) and by class, with counts."""
    snapshot = current_snapshot()
    kinds = kinds_of_things(snapshot.store, snapshot.base)
    return render_template(
        "index.html",
        title="Things described in lisgraph",
        intro=f"{sum(k.count for k in kinds)} things, by the kind of IRI they have "
        "and by class. Each IRI answers 303 to its document.",
        sections=[
            (
                "By kind of IRI",
                [(f"{public_root()}id/{k.segment}/", f"id/{k.segment}/", k.count) for k in kinds],
            ),
            (
                "By class",
                [(local_url(c.iri), c.label, c.count) for c in class_counts(snapshot.store)],
            ),
        ],
    )


def _kind_index(segment: str) -> Response:
    snapshot = current_snapshot()
    listing = _class_page(segment)
    if listing is not None:
        return listing
    things = things_of_kind(snapshot.store, snapshot.base, segment)
    if not things:
        iri = iri_for_path(f"id/{segment}/")
        return not_found(iri, negotiated_rdf(), _suggest(iri))
    html = render_template(
        "index.html",
        title=f"Things under id/{segment}/",
        intro=f"{len(things)} things. Back to <a href='{public_root()}id/'>every kind</a>.",
        sections=[("", [(local_url(iri), label, None) for iri, label in things])],
    )
    return Response(html, content_type="text/html; charset=utf-8")


def _class_page(segment: str) -> Response | None:
    """The class page of a kind that has one: sortable, faceted and paged (``?sort=``,
    ``?order=desc``, ``?page=``, one parameter per facet)."""
    snapshot = current_snapshot()
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    listing = list_kind(
        snapshot.store,
        snapshot.base,
        segment,
        sort=request.args.get("sort", "label"),
        descending=request.args.get("order") == "desc",
        page=page,
        chosen={key: value for key, value in request.args.items()},
    )
    if listing is None:
        return None
    html = render_template("listing.html", listing=listing, segment=segment)
    return Response(html, content_type="text/html; charset=utf-8")


def _suggest(iri: str) -> list[tuple[str, str]]:
    snapshot = current_snapshot()
    found = suggestions(snapshot.build.search_index, snapshot.base, iri)
    return [(local_url(i), label) for i, label in found]


@bp.route("/id/<path:path>")
def thing(path: str) -> Response:
    if path.endswith("/") and path.count("/") == 1:
        return _kind_index(path[:-1])
    check_path(path)
    iri = iri_for_path(f"id/{path}")
    if not exists(current_snapshot().store, iri):
        return not_found(iri, negotiated_rdf(), _suggest(iri))
    response = Response(status=303, headers={"Location": public_root() + f"doc/{path}"})
    response.headers["Link"] = f'<{public_root()}doc/{path}>; rel="describedby"'
    return response


@bp.route("/doc/<path:path>")
def document(path: str) -> Response:
    if path.endswith("/") and path.count("/") == 1:
        return _kind_index(path[:-1])
    check_path(path)
    stem, explicit = split_extension(path)
    return _serve_resource(iri_for_path(f"id/{stem}"), f"doc/{stem}", explicit)


@bp.route("/graph/")
def graphs_index() -> str:
    """Every named graph (one per source file), with its source and size."""
    graphs = graph_summaries(current_snapshot().store)
    return render_template(
        "index.html",
        title="Named graphs",
        intro=f"{len(graphs)} named graphs, one per source file. Each holds what one source says; "
        "its IRI answers with its triples. The SPARQL endpoint's default graph is their merge.",
        sections=[("", [(local_url(g.iri), g.title, g.triples) for g in graphs])],
        count_label="triples",
    )


@bp.route("/graph/<path:path>")
def named_graph(path: str) -> Response:
    check_path(path)
    stem, explicit = split_extension(path)
    return graph_document(
        iri_for_path(f"graph/{stem}"), f"graph/{stem}", explicit, explicit or negotiated_rdf()
    )


def _serve_resource(iri: str, doc_path: str, explicit: Format | None) -> Response:
    fmt = explicit or negotiated_rdf()
    snapshot = current_snapshot()
    limit = snapshot.config.incoming_links_limit
    if not exists(snapshot.store, iri):
        return not_found(iri, fmt, _suggest(iri))
    if fmt is None:
        return not_acceptable()
    body: str | bytes
    if fmt.key == "html":
        view = resource_view(snapshot.store, iri, incoming_limit=limit)
        profile = lep_profile(snapshot.store, snapshot.base, iri)
        life = programme_events(snapshot.store, snapshot.base, lep=iri) if profile else []
        whole = snapshot.once(
            "programme matrix", lambda: programme_matrix(snapshot.store, snapshot.base)
        )
        matrix = whole.only(iri, *authored(snapshot.store, snapshot.base, iri))
        dataset = dataset_citation(
            snapshot.base, public_root(), str(snapshot.build_info.get("inputs_digest", ""))
        )
        lep_summary: LepRecord | None = None
        strategy_summary: StrategyRecord | None = None
        columns = matrix.columns if matrix else []
        here: list[str] = []
        if profile:
            leps = compare_leps(snapshot.store, snapshot.base, [iri])
            lep_summary = next(iter(leps.records), None)
            columns, here = leps.columns, [iri]
        elif f"{lis_namespace(snapshot.base)}LocalIndustrialStrategy" in view.types:
            found = compare_strategies(snapshot.store, snapshot.base, [iri])
            strategy_summary = next(iter(found.records), None)
            columns = found.columns
            here = [a.iri for a in strategy_summary.authors] if strategy_summary else []
        body = render_template(
            "resource.html",
            jsonld=resource_jsonld(iri, public_root() + doc_path, limit),
            lep_summary=lep_summary,
            strategy_summary=strategy_summary,
            summary_columns=columns,
            here=here,
            view=view,
            doc_path=doc_path,
            iri=iri,
            profile=profile,
            life=life[0] if life else None,
            life_stated=stated_events(life[0]) if life else [],
            locator=snapshot.once(
                "locator map", lambda: england_map(snapshot.store, snapshot.base, 200, 1.5)
            )
            if here
            else None,
            matrix=matrix,
            sources=cite_sources(snapshot.store, snapshot.base, view.sources),
            citation=cite_resource(snapshot.store, iri, iri, dataset),
            dataset_citation=dataset,
            history=[r.version for r in snapshot.releases() if r.changed(iri)],
        )
    else:
        body = serialize_triples(describe_rdf(snapshot.store, iri, incoming_limit=limit), fmt)
    return document_response(body, fmt, doc_path, negotiated=explicit is None)
