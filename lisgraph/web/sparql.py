"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint.

Queries arrive by GET, by POST of a form, or by POST of ``application/sparql-query``;
``default-graph-uri`` and ``named-graph-uri`` select the dataset; relative IRIs in a query resolve
against the endpoint's URL. The format is chosen by :func:`negotiation.negotiate`: a
``format``/``output``/``results`` value that names a format of the query's form, else ``Accept``.
With no query, the endpoint describes itself (SPARQL Service Description) to RDF clients and
shows a query page to browsers; a Graph Store read sent here (``?graph=IRI``, ``?default``, or a
dataset format asked first) gets the graph or the dataset, as ``/data`` answers it.

The query page's editor completes from ``/editor/terms.json`` (the classes and properties the
data uses) and ``/editor/names.json`` (named things, from the build's search index).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import parse_qsl

from flask import Blueprint, Response, render_template, request
from werkzeug.wsgi import wrap_file

from ..errors import ProtocolError, QueryRefusedError
from ..queries import example_queries
from ..search_index import CANDIDATES, Results, search
from ..store.policy import READ_ONLY, check_query
from ..store.sandbox import Job, Outcome
from ..views.ontology import data_terms, ontology_terms
from ..vocab import PROV, SKOS, lis_namespace, prefixes
from .clients import client_address
from .dataset import current_snapshot
from .documents import not_acceptable
from .named_graphs import graph_store_response
from .negotiation import Format, Kind, by_key, negotiate, offered
from .ready_responses import SHAREABLE
from .service_description import service_description
from .static_files import asset_url, static_files
from .urls import public_root

__all__ = ["bp"]

bp = Blueprint("sparql", __name__)


@dataclass
class ProtocolRequest:
    """The parts of a SPARQL Protocol request."""

    query: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)  # format/output values, in request order
    graph_store: list[tuple[str, str]] = field(default_factory=list)  # graph=/default (GSP)


def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict"
        )
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"The {where} is not valid UTF-8 once percent-decoded.") from exc
    except ValueError as exc:
        raise ProtocolError(f"The {where} is malformed: {exc}.") from exc


def _parse_request() -> ProtocolRequest:
    """Read the protocol parameters from the current request. Raises ProtocolError."""
    params = _decode_params(request.query_string, "query string")
    body_query: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/x-www-form-urlencoded":
            params += _decode_params(request.get_data(), "request body")
        elif mimetype == "application/sparql-query":
            try:
                body_query = request.get_data().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ProtocolError("The request body is not valid UTF-8.") from exc
        elif mimetype == "application/sparql-update":
            raise QueryRefusedError(READ_ONLY)
        elif not mimetype:
            raise ProtocolError(
                "A POST to the SPARQL endpoint needs a Content-Type: "
                "application/x-www-form-urlencoded (with query=...) or application/sparql-query.",
                415,
            )
        else:
            raise ProtocolError(
                f"Content-Type {mimetype} is not accepted: send application/x-www-form-urlencoded "
                "(with query=...) or application/sparql-query.",
                415,
            )
    names = [name for name, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise QueryRefusedError(READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    if body_query is not None:
        if queries:
            raise ProtocolError("Send the query either in the body or as a parameter, not both.")
        queries = [body_query]
    if len(queries) > 1:
        raise ProtocolError(
            f"Exactly one query parameter is allowed; this request has {len(queries)}."
        )
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=[v for n, v in params if n == "default-graph-uri"],
        named_graphs=[v for n, v in params if n == "named-graph-uri"],
        formats=_format_parameter([v for n, v in params if n in ("format", "output", "results")]),
        graph_store=[(n, v) for n, v in params if n in ("graph", "default")],
    )


def _format_parameter(values: list[str]) -> list[str]:
    """The ``format``/``output``/``results`` values, in order, without empty ones. Clients repeat
    the one format under several names (SPARQLWrapper sends ``format=xml&output=xml&results=xml``,
    and a media type beside ``tsv``); what a name means depends on the query form, so the choice
    is made per form by :func:`negotiation.negotiate`, and never fails while Accept can be met."""
    return [value for value in values if value.strip()]


def _choose_format(requested: list[str], kind: Kind, default: str) -> Format | None:
    return negotiate(request.headers.get("Accept", ""), requested, kind, default)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    parsed = _parse_request()
    if parsed.query is None:
        return _describe_service(parsed)
    if not parsed.query.strip():
        raise ProtocolError("The query is empty.")
    # refused before it takes a place in the queue (the store checks again, for other callers)
    check_query(parsed.query, current_snapshot().limits.max_query_length)
    return _answer(parsed)


def _answer(parsed: ProtocolRequest) -> Response:
    assert parsed.query is not None

    results_fmt, graph_fmt = _acceptable_formats(parsed.formats)
    job = Job(
        query=parsed.query,
        base_iri=request.base_url,
        default_graphs=tuple(parsed.default_graphs),
        named_graphs=tuple(parsed.named_graphs),
        results_format=_job_format(results_fmt),
        graph_format=_job_format(graph_fmt),
        prefixes=prefixes(current_snapshot().base),
    )
    snapshot = current_snapshot()
    key = (
        job.query,
        job.base_iri,
        job.default_graphs,
        job.named_graphs,
        job.results_format,
        job.graph_format,
    )
    client = client_address()
    outcome, cache_state = snapshot.cache.answer(key, lambda: snapshot.pool().run(job, client))
    if outcome.file is not None:
        try:
            return _stream(outcome)
        except BaseException:
            outcome.close()
            raise
    if outcome.format is None:
        if outcome.kind == "graph":
            return not_acceptable(
                "The answer to a CONSTRUCT or DESCRIBE query", offered("rdf"), parsed.formats
            )
        return not_acceptable(
            "The answer to a SELECT or ASK query", offered("results"), parsed.formats
        )
    if outcome.table is not None:
        response = _query_page(parsed.query, *outcome.table, ran=True)
    else:
        fmt = by_key(outcome.format)
        assert fmt is not None
        response = Response(outcome.body, content_type=fmt.content_type)
        response.vary.add("Accept")
    response.headers["X-Lisgraph-Cache"] = cache_state
    if cache_state == "hit":  # the worker may send it again as it is sent, for the same head
        request.environ[SHAREABLE] = (snapshot.ready, None)
    return response


def _stream(outcome: Outcome) -> Response:
    """A spooled answer, sent from its file as the client reads it (by sendfile under
    gunicorn); the file is closed, and so removed, when the response is, however it ends."""
    assert outcome.file is not None and outcome.format is not None
    fmt = by_key(outcome.format)
    assert fmt is not None
    response = Response(
        wrap_file(request.environ, outcome.file),
        content_type=fmt.content_type,
        direct_passthrough=True,
    )
    response.content_length = outcome.size
    response.vary.add("Accept")
    if request.method in ("GET", "HEAD"):  # as the ETag hook does for answers held in memory
        response.cache_control.public = True
        response.cache_control.max_age = current_snapshot().config.cache_max_age
    response.headers["X-Lisgraph-Cache"] = "miss"
    return response


def _job_format(fmt: Format | None) -> str | None:
    if fmt is None:
        return None
    return "table" if fmt.key == "html" else fmt.key


def _acceptable_formats(requested: list[str]) -> tuple[Format | None, Format | None]:
    """The format to use for SELECT/ASK results and for CONSTRUCT/DESCRIBE results (one rule
    for both, :func:`negotiation.negotiate`; None: nothing acceptable, answered 406)."""
    return (
        _choose_format(requested, "results", "json"),
        _choose_format(requested, "rdf", "turtle"),
    )


#: The bundled scripts the result views (bar chart, timeline, network) draw with.
#: The scripts the result views load when first drawn (not with the page: review E15).
_VIEW_SCRIPTS = {"chart": "vendor/chart.umd.min.js", "cytoscape": "vendor/cytoscape.min.js"}


def sources_example(base: str) -> str:
    """The documented pattern for the source of each row's facts (one named graph per source)."""
    return (
        f"PREFIX skos: <{SKOS}>\nPREFIX prov: <{PROV}>\nPREFIX lis: <{lis_namespace(base)}>\n"
        "# Each LEP's name, and the source that states it\n"
        "SELECT ?lep ?name ?source WHERE {\n"
        "  GRAPH ?g { ?lep a lis:LocalEnterprisePartnership ; skos:prefLabel ?name }\n"
        "  ?g prov:wasDerivedFrom ?source\n"
        "} ORDER BY ?name ?source"
    )


def _query_page(query: str, names: list[str], rows: list[list[str]], ran: bool) -> Response:
    html = render_template(
        "sparql.html",
        query=query,
        names=names,
        rows=rows,
        examples=example_queries(),
        ran=ran,
        editor=_editor_config(query),
        sources_example=sources_example(current_snapshot().base),
    )
    return Response(html, content_type="text/html; charset=utf-8")


def _editor_config(query: str) -> dict[str, object] | None:
    """What the query editor (YASGUI, when the package was built with it) needs: where to send
    queries, the dataset's prefixes and ontology terms to complete, and the examples."""
    files = static_files()
    if not files.has("vendor/yasgui.min.js"):
        return None
    snapshot = current_snapshot()
    namespace = lis_namespace(snapshot.base)
    terms = ontology_terms(snapshot.store, namespace)
    return {
        "endpoint": public_root() + "sparql",
        "base": snapshot.base,
        "root": public_root(),
        "query": query,
        "prefixes": prefixes(snapshot.base),
        "classes": [t.iri for t in terms if t.kind == "class"],
        "properties": [t.iri for t in terms if t.kind != "class"],
        # the classes and properties the data uses, with labels and counts (fetched once)
        "terms": public_root() + "editor/terms.json",
        # named things (LEPs, strategies, districts...) by name, from the search index
        "names": public_root() + "editor/names.json",
        # the Sources view sizes its lookups under the endpoint's limit (review E3)
        "maxQueryLength": snapshot.limits.max_query_length,
        "examples": [e.sparql for e in example_queries()],
        # the chart, timeline and network views load the bundled Chart.js and Cytoscape from
        # these (content-hashed) URLs when one is first drawn; a view whose script is not
        # bundled is not offered
        "viewScripts": {
            key: asset_url(name) for key, name in _VIEW_SCRIPTS.items() if files.has(name)
        },
    }


def _describe_service(parsed: ProtocolRequest) -> Response:
    if parsed.graph_store:
        # A Graph Store Protocol client (Jena's RDFConnection.fetch) given this URL: answer with
        # the graph, never with the service description in its place.
        return graph_store_response(parsed.graph_store, parsed.formats)
    fmt = _choose_format(parsed.formats, "rdf", "turtle")
    if fmt is None:
        return not_acceptable("The service description", offered("rdf"), parsed.formats)
    # Whatever RDF type is asked, the description (about 50 KB), never the whole dataset:
    # Comunica asks for N-Quads first and reads this on every federated query. The dataset is
    # at /data (Jena's fetchDataset: point its Graph Store at /data); N-Quads and TriG here are
    # the description in the default graph.
    if fmt.key == "html":
        return _query_page("", [], [], ran=False)
    graph = service_description()
    assert fmt.rdflib is not None  # every non-HTML RDF format has one
    response = Response(
        graph.serialize(format=fmt.rdflib, encoding="utf-8"), content_type=fmt.content_type
    )
    response.vary.add("Accept")
    return response


@bp.route("/editor/terms.json")
def editor_terms() -> Response:
    """The classes and properties the query editor completes: every class with instances and
    every property the data uses, and the ontology's terms, each with its label, description
    and how often the data uses it, most used first. It depends only on the build, so the page
    cache keeps it (the query page itself is not cached)."""
    snapshot = current_snapshot()
    terms = data_terms(snapshot.store, lis_namespace(snapshot.base))
    body = json.dumps(
        {
            "terms": [
                {
                    "iri": t.iri,
                    "kind": t.kind,
                    "label": t.label,
                    "comment": t.comment,
                    "count": t.count,
                }
                for t in terms
            ]
        },
        ensure_ascii=False,
    )
    return Response(body, content_type="application/json; charset=utf-8")


#: Named things the editor completes: the shortest and longest text looked up, the most
#: answers, and how many answers each build keeps ready (one small JSON each).
NAMES_MIN_CHARS = 2
NAMES_MAX_CHARS = 100
NAMES_MAX_LIMIT = 20
NAMES_KEPT = 1024


def _names_answer(index: Path, text: str, namespace: str, limit: int) -> bytes:
    """The named things matching ``text`` (under ``namespace`` when one is given), as JSON."""
    try:
        # under a namespace: look at the index's candidates, keep those under it
        results = search(index, text, CANDIDATES if namespace else limit)
    except FileNotFoundError:  # a build without an index (a mirror of an older one)
        results = Results(query=text)
    hits = [h for h in results.hits if h.iri.startswith(namespace)][:limit]
    return json.dumps(
        {
            "query": text,
            "names": [
                {
                    "iri": h.iri,
                    "label": h.label,
                    "class": h.class_iri,
                    "classLabel": h.class_label,
                    "matched": h.matched,
                }
                for h in hits
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")


@bp.route("/editor/names.json")
def editor_names() -> Response:
    """The named things (LEPs, strategies, districts...) whose name, code or IRI's last segment
    starts with ``q`` (or has words starting with its words), best first, from the build's
    search index: what the query editor completes a bare word or a prefixed name's local part
    with. ``ns`` keeps only IRIs under that namespace (the editor sends the IRI a typed
    prefix stands for). ``q`` of fewer than 2 or more than 100 characters is refused (400), at
    most 20 answers; each build keeps its last 1,024 answers ready."""
    text = request.args.get("q", "").strip()
    namespace = request.args.get("ns", "")
    if not NAMES_MIN_CHARS <= len(text) <= NAMES_MAX_CHARS:
        raise ProtocolError(
            f"q must be {NAMES_MIN_CHARS} to {NAMES_MAX_CHARS} characters, not {len(text)}."
        )
    if len(namespace) > NAMES_MAX_CHARS * 4:
        raise ProtocolError(f"ns is longer than {NAMES_MAX_CHARS * 4} characters.")
    try:
        limit = min(int(request.args.get("limit", 10)), NAMES_MAX_LIMIT)
    except ValueError:
        raise ProtocolError("limit must be a whole number.") from None
    snapshot = current_snapshot()
    answer = snapshot.once(
        "editor names",
        lambda: lru_cache(maxsize=NAMES_KEPT)(partial(_names_answer, snapshot.build.search_index)),
    )
    return Response(
        answer(text, namespace, max(limit, 1)), content_type="application/json; charset=utf-8"
    )
