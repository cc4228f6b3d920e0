"""``/map``: England's LEP areas drawn from the graph's geometries (SVG made here, no tiles and
no other host), coloured by the latest stage of each LEP's strategy, or with ``?date=YYYY-MM-DD``
by the stage it had reached that day; each area links to its LEP.
It depends only on the build, so the page cache keeps it.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from ..errors import ProtocolError
from ..views.england_map import england_map
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["bp"]

bp = Blueprint("maps", __name__)

#: The days the map steps through: each half year of the programme, and the Hansard statement.
STEPS = tuple(
    sorted(
        [f"{year}-{month}" for year in range(2017, 2025) for month in ("01-01", "07-01")]
        + ["2019-07-31"]
    )
)


@bp.route("/map")
def map_page() -> Response:
    snapshot = current_snapshot()
    on = request.args.get("date") or None
    if on is not None:
        try:
            on = dt.date.fromisoformat(on).isoformat()
        except ValueError:
            raise ProtocolError(f"date={on!r} is not a day (YYYY-MM-DD).") from None
    picture = england_map(snapshot.store, snapshot.base, on=on)
    html = render_template(
        "map.html",
        picture=picture,
        steps=STEPS,
        query_url=public_root() + "sparql?" + urlencode({"query": picture.query}),
        jsonld_about=[
            {"@id": a.lep, "@type": "GovernmentOrganization", "name": a.name}
            for a in picture.areas
        ],
    )
    return Response(html, content_type="text/html; charset=utf-8")

