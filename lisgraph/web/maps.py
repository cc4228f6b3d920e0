"""``/map``: England's LEP areas drawn from the graph's geometries (SVG made here, no tiles and
no other host), coloured by the latest stage of each LEP's strategy; each area links to its LEP.
It depends only on the build, so the page cache keeps it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template

from ..views.england_map import england_map
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["bp"]

bp = Blueprint("maps", __name__)


@bp.route("/map")
def map_page() -> Response:
    snapshot = current_snapshot()
    picture = england_map(snapshot.store, snapshot.base)
    html = render_template(
        "map.html",
        picture=picture,
        query_url=public_root() + "sparql?" + urlencode({"query": picture.query}),
    )
    return Response(html, content_type="text/html; charset=utf-8")

