"""The lisgraph web app: SPARQL 1.1 Protocol endpoint, linked-data pages, dumps and portal
metadata, one blueprint per surface.

Dereferencing policy: a thing's IRI ``/id/...`` answers 303 See Other to its document
``/doc/...``, which is content-negotiated (HTML, Turtle, JSON-LD, RDF/XML, N-Triples) and names
the representation served in ``Content-Location`` (``/doc/....ttl`` and so on, which can also be
asked for directly). Ontology and graph IRIs (``/def/...``, ``/graph/...``) are documents and are
served directly. IRIs under the canonical base IRI are answered under whatever URL the server is
reached at, and every link on pages and in metadata points back at this server.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from flask_cors import CORS

from ..config import DEFAULTS
from ..errors import QueryError, QueryLimitError, QueryRefusedError, StoreError
from . import dataset, downloads, http_cache, metadata, operations, pages, sparql
from .urls import register_template_helpers

__all__ = ["create_app"]

log = logging.getLogger(__name__)

APP_DEFAULTS: dict[str, Any] = {
    **DEFAULTS,
    # Build the dataset at start-up when there is no build, or it was made from other inputs.
    "AUTO_BUILD": True,
    # The URL users reach the server at (https://lisgraph.example.org/); None: from each request.
    "PUBLIC_URL": None,
    # Request bodies larger than this are refused with 413.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "INCOMING_LINKS_LIMIT": 500,
    # Limits on visitors' SPARQL queries (lisgraph.store.sandbox): seconds, rows, characters, MB.
    "QUERY_TIMEOUT": 30.0,
    "MAX_RESULT_ROWS": 100_000,
    "MAX_QUERY_LENGTH": 100_000,
    "QUERY_MEMORY_MB": 4096,
    # Seconds clients and proxies may reuse a page or result (it can change only with a build).
    "CACHE_MAX_AGE": 300,
    # Identical queries answered from memory, per worker and per build: at most this many
    # answers (0 turns the cache off) and megabytes in all; one answer may take a quarter.
    "QUERY_CACHE_ENTRIES": 512,
    "QUERY_CACHE_MB": 64,
    # A remote SPARQL endpoint to serve from instead of the embedded store (lisgraph.store.remote),
    # the union graph 'lisgraph publish' wrote there (None: BASE_IRI + graph/lisgraph), how often
    # to ask it for a new build, and where to keep the dumps made from it (None: a temp dir).
    "STORE": None,
    "STORE_GRAPH": None,
    "STORE_POLL_SECONDS": 10.0,
    "MIRROR_DIR": None,
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then LISGRAPH_* environment variables, then ``config``.

    Loads (or builds) the dataset; raises DataLoadError or NotConformingError when the data
    cannot be published, so a server never starts on half the data.
    """
    app = Flask(__name__)
    app.config.from_mapping(APP_DEFAULTS)
    app.config.from_prefixed_env("LISGRAPH")
    if config:
        app.config.update(config)
    dataset.init_app(app)
    CORS(
        app,
        resources={r"/*": {"origins": "*"}},
        send_wildcard=True,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        expose_headers=["Content-Location", "ETag", "Last-Modified", "Content-Disposition"],
    )
    register_template_helpers(app)
    for blueprint in (sparql.bp, pages.bp, downloads.bp, metadata.bp, operations.bp):
        app.register_blueprint(blueprint)
    http_cache.init_conditional_responses(app)
    operations.init_access_log(app)
    _register_error_handlers(app)
    return app


def _text(message: str, status: int) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(QueryRefusedError)
    def refused(exc: QueryRefusedError) -> Response:
        return _text(str(exc), 403)

    @app.errorhandler(QueryError)
    def bad_query(exc: QueryError) -> Response:
        return _text(str(exc), 400)

    @app.errorhandler(QueryLimitError)
    def over_limit(exc: QueryLimitError) -> Response:
        return _text(str(exc), 503)

    @app.errorhandler(StoreError)
    def store_failed(exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        return _text("The store failed to answer; the error has been logged.", 500)
