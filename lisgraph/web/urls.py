"""Mapping between canonical IRIs and this server's URLs, and the template helpers using it."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from markupsafe import Markup

from .dataset import current_snapshot
from .formatting import dated, human_date, human_number, money, readable

__all__ = [
    "CHANGE_FEED_PATH",
    "iri_for_path",
    "local_url",
    "public_root",
    "register_template_helpers",
]

#: Where the change feed's root node is, under the URL root (:mod:`.change_feed`); the
#: catalogue and VoID link it.
CHANGE_FEED_PATH = "changes/"


def public_root() -> str:
    """The URL this server is reached at, ending with '/'."""
    configured = current_snapshot().config.public_url
    root = str(configured) if configured else request.url_root
    return root if root.endswith("/") else root + "/"


def iri_for_path(path: str) -> str:
    """The canonical IRI of the thing at ``path`` on this server (path without leading '/')."""
    return current_snapshot().base + path


def local_url(iri: str) -> str:
    """Where a browser finds ``iri``: a URL on this server if it is under the base IRI."""
    base = current_snapshot().base
    if iri.startswith(base):
        return public_root() + iri[len(base) :]
    return iri


_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
}


def _json_script(value: Any) -> Markup:
    # Safe inside <script type="application/json">: with no '<', '>' or '&' left, no text from
    # the data can close the element or open a comment (the same escapes as Django's json_script);
    # and no "'" either, now that every page's JSON-LD holds the data's own IRIs and text.
    text = json.dumps(value, ensure_ascii=False, indent=1).translate(_SCRIPT_ESCAPES)
    return Markup(text)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["local"] = local_url
    app.jinja_env.filters["json_script"] = _json_script
    app.jinja_env.filters["human_date"] = human_date
    app.jinja_env.filters["dated"] = dated
    app.jinja_env.filters["human_number"] = human_number
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["readable"] = readable
    app.jinja_env.globals["public_root"] = public_root
