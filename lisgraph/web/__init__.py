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

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_cors import CORS

from ..config import DEFAULTS, ServerConfig, from_environment
from . import (
    assets,
    change_feed,
    compare,
    compression,
    dataset,
    definitions,
    downloads,
    errors,
    fragments,
    graph_store,
    http_cache,
    maps,
    metadata,
    operations,
    page_cache,
    pages,
    releases,
    request_guards,
    search,
    sparql,
    structured_data,
    warming,
)
from .static_files import init_static_files
from .urls import register_template_helpers

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then ``LISGRAPH_*`` environment variables, then ``config``.

    Opens the last build (or the remote store) the configuration names; never builds. Raises
    BuildNotFoundError when there is nothing to serve, ConfigError for an unusable setting.
    """
    app = Flask(__name__, static_folder=None)  # the files are served by .assets
    app.config.from_mapping(DEFAULTS)
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    server_config = ServerConfig.from_mapping(app.config)
    app.config["MAX_CONTENT_LENGTH"] = server_config.max_content_length  # Flask enforces it
    request_guards.init_request_guards(app, server_config)  # first: before any other hook
    # Its after_request hook runs last (Flask runs them in reverse): it logs what is sent.
    operations.init_access_log(app)
    dataset.init_app(app, server_config)
    downloads.init_app(app, server_config)
    CORS(
        app,
        resources={r"/*": {"origins": "*"}},
        send_wildcard=True,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        expose_headers=[
            "Content-Location",
            "ETag",
            "Last-Modified",
            "Content-Disposition",
            "Link",
            "X-Lisgraph-Cache",
        ],
    )
    register_template_helpers(app)
    init_static_files(app)
    structured_data.init_app(app)
    for blueprint in (
        sparql.bp,
        pages.bp,
        compare.bp,
        maps.bp,
        definitions.bp,
        search.bp,
        releases.bp,
        change_feed.bp,
        downloads.bp,
        graph_store.bp,
        fragments.bp,
        metadata.bp,
        operations.bp,
        assets.bp,
    ):
        app.register_blueprint(blueprint)
    http_cache.init_conditional_responses(app)
    compression.init_compression(app)  # after: runs before the ETag is made
    page_cache.init_app(app)  # last: keeps a page before it is compressed or given an ETag
    errors.init_error_handlers(app)
    warming.init_app(app)  # started by gunicorn's worker hook only
    return app
