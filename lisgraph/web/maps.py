"""``/map``: England's LEP areas drawn from the graph's geometries (SVG made here, no tiles and
no other host), coloured by the latest stage of each LEP's strategy, or with ``?date=YYYY-MM-DD``
by the stage it had reached that day, or with ``?colour=wave`` by its wave, ``?colour=sector:C``
by whether its strategy names a sector in SIC section C; each area links to its LEP.
It depends only on the build, so the page cache keeps it.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from ..errors import ProtocolError
from ..views.england_map import (
    Colouring,
    england_map,
    recoloured,
    sector_colouring,
    sic_sections,
    wave_colouring,
)
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
    sections = sic_sections(snapshot.store, snapshot.base)
    colour = request.args.get("colour") or "stage"
    colouring: Colouring | None = None
    if colour == "wave":
        colouring = wave_colouring(snapshot.store, snapshot.base)
    elif colour.startswith("sector:") and colour[7:] in dict(sections):
        colouring = sector_colouring(snapshot.store, snapshot.base, colour[7:])
    elif colour != "stage":
        choices = ", ".join(["stage", "wave", *(f"sector:{n}" for n, _ in sections)])
        raise ProtocolError(f"colour={colour!r} is not one of: {choices}.")
    if colouring is not None and on is not None:
        raise ProtocolError("date= steps through the stages; with colour= it means nothing.")
    # the outlines are drawn once per build; a day or a colouring only colours them again
    drawn = snapshot.once("map", lambda: england_map(snapshot.store, snapshot.base))
    picture = recoloured(drawn, snapshot.store, snapshot.base, on, colouring)
    html = render_template(
        "map.html",
        picture=picture,
        colour=colour,
        sections=sections,
        steps=STEPS,
        query_url=public_root() + "sparql?" + urlencode({"query": picture.query}),
        jsonld_about=[
            {"@id": a.lep, "@type": "GovernmentOrganization", "name": a.name} for a in picture.areas
        ],
    )
    return Response(html, content_type="text/html; charset=utf-8")
