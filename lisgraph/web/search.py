"""``/search?q=...``: find resources by name, alternative name, code (GSS, notation) or IRI.

Answered from the build's search index (:mod:`lisgraph.search_index`), so a search costs an index
lookup, not a SPARQL scan. HTML for people (a search box on every page leads here), JSON for
scripts (``Accept: application/json`` or ``format=json``): hits best first (exact name, then
names starting with the query, then names containing its words), grouped by class with counts.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..errors import ProtocolError
from ..search_index import Results, search
from .dataset import current_snapshot
from .urls import local_url

__all__ = ["bp", "find"]

bp = Blueprint("search", __name__)

#: The most hits one answer lists, and the longest query read.
MAX_LIMIT = 200
MAX_QUERY = 200


def find(text: str, limit: int = 50, class_iri: str | None = None) -> Results:
    """The hits for ``text`` in the current build's index (none when it has no index)."""
    try:
        return search(current_snapshot().build.search_index, text, limit, class_iri)
    except FileNotFoundError:
        return Results(query=text)


def _wants_json() -> bool:
    if request.args.get("format") in ("json", "application/json"):
        return True
    accept = parse_accept_header(request.headers.get("Accept", ""), MIMEAccept)
    return accept.best_match(["text/html", "application/json"]) == "application/json"


def _as_json(results: Results) -> dict[str, Any]:
    return {
        "query": results.query,
        "total": results.total,
        # true when more names matched than were looked at: total and counts are lower bounds
        "capped": results.capped,
        "classes": [
            {"class": iri, "label": label, "count": count} for iri, label, count in results.by_class
        ],
        "results": [
            {
                "iri": hit.iri,
                "url": local_url(hit.iri),
                "label": hit.label,
                "class": hit.class_iri,
                "classLabel": hit.class_label,
                "matched": hit.matched,
                "match": ("exact", "prefix", "word")[hit.rank],
            }
            for hit in results.hits
        ],
    }


@bp.route("/search")
def search_page() -> Response | str:
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        raise ProtocolError(f"The search text is longer than {MAX_QUERY} characters.")
    try:
        limit = min(int(request.args.get("limit", 50)), MAX_LIMIT)
    except ValueError:
        raise ProtocolError("limit must be a whole number.") from None
    results = find(text, max(limit, 1), request.args.get("class") or None)
    if _wants_json():
        response = jsonify(_as_json(results))
        response.vary.add("Accept")
        return response
    page = render_template("search.html", results=results, q=text)
    response = Response(page, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response
