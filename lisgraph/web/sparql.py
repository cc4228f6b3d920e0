"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint.

Queries arrive by GET, by POST of a form, or by POST of ``application/sparql-query``;
``default-graph-uri`` and ``named-graph-uri`` select the dataset; relative IRIs in a query resolve
against the endpoint's URL. Results are negotiated by ``Accept`` or chosen by ``format``. With no
query, the endpoint describes itself (SPARQL Service Description) to RDF clients and shows a query
page to browsers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, render_template, request

from ..errors import ProtocolError, QueryRefusedError
from ..queries import example_queries
from ..store.sandbox import Job
from ..views.ontology import ontology_terms
from ..vocab import prefixes
from .clients import client_address
from .dataset import current_snapshot
from .negotiation import FORMATS, Format, Kind, by_key, choose, negotiate
from .service_description import service_description
from .urls import public_root

__all__ = ["bp"]

bp = Blueprint("sparql", __name__)

_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
_READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted here."


@dataclass
class ProtocolRequest:
    """The parts of a SPARQL Protocol request."""

    query: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None


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
            raise QueryRefusedError(_READ_ONLY)
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
        raise QueryRefusedError(_READ_ONLY)
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
        format=_format_parameter([v for n, v in params if n in ("format", "output")]),
    )


def _format_parameter(values: list[str]) -> str | None:
    """The one format asked for by ``format``/``output`` parameters. Clients such as SPARQLWrapper
    repeat it under several spellings (``tsv`` and ``text/tab-separated-values``); spellings of
    one format are fine, different formats are a 400."""
    if not values:
        return None
    keys = {fmt.key if (fmt := by_key(v)) else v for v in values}
    if len(keys) > 1:
        raise ProtocolError(
            f"The format parameters ask for different formats: {', '.join(values)}."
        )
    return values[0]


def _choose_format(requested: str | None, kind: Kind, default: str) -> Format | None:
    fmt = negotiate(request.headers.get("Accept", ""), requested, kind, default)
    if fmt is None and requested:
        allowed = ", ".join(f.key for f in FORMATS if kind in f.kinds)
        raise ProtocolError(
            f"format={requested} is not available here; use one of: {allowed}.", 406
        )
    return fmt


def _not_acceptable(kind: str) -> Response:
    offered = ", ".join(f.media_type for f in FORMATS if kind in f.kinds)
    return Response(
        f"None of the media types in the Accept header can be produced. Available: {offered}.\n",
        status=406,
        mimetype="text/plain",
    )


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    parsed = _parse_request()
    if parsed.query is None:
        return _describe_service(parsed)
    if _UPDATE_START.match(parsed.query):
        raise QueryRefusedError(_READ_ONLY)
    if not parsed.query.strip():
        raise ProtocolError("The query is empty.")
    return _answer(parsed)


def _answer(parsed: ProtocolRequest) -> Response:
    assert parsed.query is not None

    results_fmt, graph_fmt = _acceptable_formats(parsed.format)
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
    outcome = snapshot.cache.get(key)
    cache_state = "hit" if outcome is not None else "miss"
    if outcome is None:
        outcome = snapshot.pool().run(job, client_address())
        snapshot.cache.put(key, outcome)
    if outcome.format is None:
        return _not_acceptable("rdf" if outcome.kind == "graph" else "results")
    if outcome.table is not None:
        response = _query_page(parsed.query, *outcome.table, ran=True)
    else:
        fmt = by_key(outcome.format)
        assert fmt is not None
        response = Response(outcome.body, content_type=fmt.content_type)
        response.vary.add("Accept")
    response.headers["X-Lisgraph-Cache"] = cache_state
    return response


def _job_format(fmt: Format | None) -> str | None:
    if fmt is None:
        return None
    return "table" if fmt.key == "html" else fmt.key


def _acceptable_formats(requested: str | None) -> tuple[Format | None, Format | None]:
    """The format to use for SELECT/ASK results and for CONSTRUCT/DESCRIBE results."""
    if requested:
        fmt = by_key(requested)
        if fmt is None:
            allowed = ", ".join(f.key for f in FORMATS)
            raise ProtocolError(
                f"format={requested} is not available here; use one of: {allowed}.", 406
            )
        return (fmt if "results" in fmt.kinds else None, fmt if "rdf" in fmt.kinds else None)
    accept = request.headers.get("Accept", "")
    return choose(accept, "results", "json"), choose(accept, "rdf", "turtle")


def _query_page(query: str, names: list[str], rows: list[list[str]], ran: bool) -> Response:
    html = render_template(
        "sparql.html",
        query=query,
        names=names,
        rows=rows,
        examples=example_queries(),
        ran=ran,
        editor=_editor_config(query),
    )
    return Response(html, content_type="text/html; charset=utf-8")


def _editor_config(query: str) -> dict[str, object] | None:
    """What the query editor (YASGUI, when the package was built with it) needs: where to send
    queries, the dataset's prefixes and ontology terms to complete, and the examples."""
    static = current_app.static_folder
    if static is None or not (Path(static) / "vendor" / "yasgui.min.js").is_file():
        return None
    snapshot = current_snapshot()
    namespace = snapshot.base + "def/lis#"
    terms = ontology_terms(snapshot.store, namespace)
    return {
        "endpoint": public_root() + "sparql",
        "base": snapshot.base,
        "root": public_root(),
        "query": query,
        "prefixes": prefixes(snapshot.base),
        "classes": [t.iri for t in terms if t.kind == "class"],
        "properties": [t.iri for t in terms if t.kind != "class"],
        "examples": [e.sparql for e in example_queries()],
    }


def _describe_service(parsed: ProtocolRequest) -> Response:
    fmt = _choose_format(parsed.format, "rdf", "turtle")
    if fmt is None:
        return _not_acceptable("rdf")
    if fmt.key == "html":
        return _query_page("", [], [], ran=False)
    graph = service_description()
    assert fmt.rdflib is not None  # every non-HTML RDF format has one
    response = Response(
        graph.serialize(format=fmt.rdflib, encoding="utf-8"), content_type=fmt.content_type
    )
    response.vary.add("Accept")
    return response
