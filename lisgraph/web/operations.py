"""For operators: ``/health``, and one structured (JSON) access-log line per request.

The access log goes to the ``lisgraph.access`` logger: time, the worker's pid, client, method,
path, status, bytes, duration in milliseconds and, for SPARQL requests, a short hash of the query
text (enough to find repeated or slow queries without writing visitors' queries to the log).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from .dataset import current_snapshot

__all__ = ["access_log", "bp", "init_access_log", "log_access", "query_hash"]

bp = Blueprint("operations", __name__)
access_log = logging.getLogger("lisgraph.access")


@bp.route("/health")
def health() -> Response:
    """200 with what is served while the store answers; 503 otherwise."""
    snapshot = current_snapshot()
    try:
        ok = bool(snapshot.store.query("ASK { ?s ?p ?o }").raw)
    except Exception:
        logging.getLogger(__name__).exception("health check failed")
        ok = False
    body: dict[str, Any] = {
        "status": "ok" if ok else "failing",
        "triples": snapshot.build_info.get("triples"),
        "build": snapshot.build_info.get("inputs_digest"),
    }
    response = Response(
        json.dumps(body) + "\n", status=200 if ok else 503, mimetype="application/json"
    )
    response.cache_control.no_store = True
    return response


def query_hash(text: str) -> str:
    """The short hash of a query's text the access log shows."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]


def _query_hash() -> str | None:
    """A short hash of the request's query, if there is one. Never fails: the access log must
    not turn a refused request (say, an oversized body) into a server error."""
    if request.path != "/sparql":
        return None
    try:
        text = request.args.get("query")
        if text is None and request.mimetype == "application/x-www-form-urlencoded":
            text = request.form.get("query")
        if text is None and request.mimetype == "application/sparql-query":
            text = request.get_data(as_text=True)
    except HTTPException:  # the body was refused (too large, unreadable)
        return None
    return query_hash(text) if text else None


def log_access(
    *,
    remote: str | None,
    method: str,
    path: str,
    status: int,
    size: int | None,
    ms: float,
    query: str | None,
    agent: str,
) -> None:
    """Write one access-log line (the app's requests, and those the worker answers itself)."""
    record = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "pid": os.getpid(),  # which worker answered
        "remote": remote,
        "method": method,
        "path": path,
        "status": status,
        "bytes": size,
        "ms": round(ms, 2),
        "query": query,
        "agent": agent[:200],
    }
    access_log.info(json.dumps(record))


def init_access_log(app: Flask) -> None:
    """Log every request to ``lisgraph.access`` as one JSON object."""

    @app.before_request
    def _start() -> None:
        g.lisgraph_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if access_log.isEnabledFor(logging.INFO):
            started = g.get("lisgraph_started", time.perf_counter())
            log_access(
                remote=request.remote_addr,
                method=request.method,
                path=request.path,
                status=response.status_code,
                size=response.calculate_content_length(),
                ms=(time.perf_counter() - started) * 1000,
                query=_query_hash(),
                agent=request.user_agent.string,
            )
        return response
