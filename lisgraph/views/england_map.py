"""A map of England drawn from the graph: each LEP area's GeoSPARQL WKT geometry as an SVG path,
coloured by the furthest stage its LEP's strategy reached (the derived ``lis:latestStatus``).

No tiles and no other host: WKT (POLYGON, MULTIPOLYGON) is parsed here, projected simply
(equirectangular, longitudes scaled by the cosine of the middle latitude, which keeps England's
shape within a few per cent) and thinned to whole tenths of a pixel, dropping points that do not
move the outline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from .. import sparql_text
from ..store import Store
from ..vocab import GEO, prologue
from .compare import KINDS_LABEL, stage_kind
from .programme import KINDS, programme_events

__all__ = [
    "Colouring",
    "MapArea",
    "MapPicture",
    "england_map",
    "parse_wkt",
    "recoloured",
    "sector_colouring",
    "sic_sections",
    "svg_path",
    "wave_colouring",
]

Ring = list[tuple[float, float]]
Polygon = list[Ring]

_NUMBER = r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
_NUMBER_PAIR = re.compile(_NUMBER + r"\s+" + _NUMBER)


def parse_wkt(text: str) -> list[Polygon]:
    """The polygons of a WKT POLYGON or MULTIPOLYGON (a leading ``<crs>`` IRI, as GeoSPARQL
    allows, is skipped): each a list of rings of (x, y). Raises ValueError for other types."""
    body = text.strip()
    if body.startswith("<"):
        body = body[body.index(">") + 1 :].strip()
    kind = body.split("(", 1)[0].strip().upper()
    if kind not in ("POLYGON", "MULTIPOLYGON"):
        raise ValueError(f"Only POLYGON and MULTIPOLYGON are drawn, not {kind or body[:20]!r}.")
    inner = body[body.index("(") :]
    polygons: list[Polygon] = []
    depth = 0
    current: Polygon = []
    ring_start = 0
    ring_depth = 2 if kind == "POLYGON" else 3
    for i, char in enumerate(inner):
        if char == "(":
            depth += 1
            if depth == ring_depth:
                ring_start = i + 1
        elif char == ")":
            if depth == ring_depth:
                ring = [(float(x), float(y)) for x, y in _NUMBER_PAIR.findall(inner[ring_start:i])]
                current.append(ring)
            if depth == ring_depth - 1:
                polygons.append(current)
                current = []
            depth -= 1
    return polygons


@dataclass(frozen=True)
class MapArea:
    """One LEP area as drawn: its LEP, name, stage and outline."""

    lep: str
    area: str
    name: str
    kind: str  # a member of programme.KINDS, or "none" when no strategy is known
    stage: str  # the stage in words, with its date when there is one
    path: str  # SVG path data


@dataclass
class MapPicture:
    """The map: the areas in name order, its size in pixels, and the kinds drawn (legend)."""

    areas: list[MapArea]
    width: int
    height: int
    query: str
    on: str | None = None  # the day the stages are as of (None: the latest known)
    legend: list[tuple[str, str]] | None = None  # (class, words) when coloured by other than stage

    @property
    def kinds(self) -> list[tuple[str, str]]:
        drawn = {a.kind for a in self.areas}
        if self.legend is not None:
            return [(kind, words) for kind, words in self.legend if kind in drawn]
        listed = [(k, KINDS_LABEL[k]) for k in KINDS if k in drawn]
        none = "no strategy known" if self.on is None else "nothing dated yet"
        return listed + ([("none", none)] if "none" in drawn else [])


def _simplified(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points that keep the line within ``tolerance`` of the original."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                distance = abs(dy * (x - x1) - dx * (y - y1)) / length
            else:
                distance = math.hypot(x - x1, y - y1)
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def svg_path(polygons: list[Polygon], project: Projection, tolerance: float = 0.4) -> str:
    """Path data for ``polygons`` (even-odd holes), each ring closed, simplified to within
    ``tolerance`` pixels and rounded to tenths of a pixel."""
    parts: list[str] = []
    for polygon in polygons:
        for ring in polygon:
            points = _simplified([project(lon, lat) for lon, lat in ring], tolerance)
            xs, ys = [x for x, _ in points], [y for _, y in points]
            if len(points) < 4 or max(max(xs) - min(xs), max(ys) - min(ys)) < tolerance * 2:
                continue  # fewer than 3 corners, or an island too small to see
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points[:-1]) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class Projection:
    """Equirectangular with cos(middle latitude) scaling, fitted to ``width`` pixels."""

    west: float
    north: float
    scale: float  # pixels per degree of latitude
    cos0: float

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.west) * self.cos0 * self.scale, (self.north - lat) * self.scale)


def _stages_on(store: Store, base: str, day: str) -> dict[str, tuple[int, str, str]]:
    """Each LEP's furthest stage among the events the sources date as over by ``day``
    (YYYY-MM-DD; an event dated only by month or year counts once its last day is past):
    LEP -> (stage number, kind, words). Undated events cannot be placed and are left out."""
    ranks = {
        stage_kind(r["s"].value): int(r["n"].value)
        for r in store.query(
            prologue(base) + "SELECT ?s ?n WHERE { ?x lis:status ?s . ?s skos:notation ?n }"
        ).rows()
    }
    # LEP -> (rank, first day, precision, kind, words): the furthest stage, then the latest
    # start, then the most precise date (as the latest-status rule orders records)
    best: dict[str, tuple[int, str, int, str, str]] = {}
    for row in programme_events(store, base):
        for event in row.events:
            if event.date_to > day:
                continue
            candidate = (
                ranks.get(event.kind, 1),
                event.date_from,
                len(event.date),
                event.kind,
                f"{event.kind_label}, {event.date}",
            )
            if row.iri not in best or candidate[:3] > best[row.iri][:3]:
                best[row.iri] = candidate
    return {lep: (rank, kind, words) for lep, (rank, _, _, kind, words) in best.items()}


#: What a map can be coloured by besides the stage: each LEP's class and words, and the legend.
Colouring = tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]


def wave_colouring(store: Store, base: str) -> Colouring:
    """Each LEP by the wave of the programme it was in (``lis:waveMember``)."""
    rows = store.query(
        prologue(base) + "SELECT DISTINCT ?lep ?n ?label WHERE { "
        "?wave lis:waveMember ?lep ; lis:waveNumber ?n ; skos:prefLabel ?label } ORDER BY ?n"
    ).rows()
    groups = {r["lep"].value: (f"wave-{r['n'].value}", r["label"].value) for r in rows}
    legend = list(dict.fromkeys((f"wave-{r['n'].value}", r["label"].value) for r in rows))
    return groups, [*legend, ("none", "no wave stated")]


def sic_sections(store: Store, base: str) -> list[tuple[str, str]]:
    """The SIC 2007 sections some strategy's (or LEP's) sector specialisms are in: (notation,
    label), by notation."""
    rows = store.query(
        prologue(base) + "SELECT DISTINCT ?n ?label WHERE { ?x lis:sectorSpecialism ?sector . "
        "?sector lis:sicSection ?sic . ?sic skos:notation ?n ; skos:prefLabel ?label } ORDER BY ?n"
    ).rows()
    return [(r["n"].value, r["label"].value) for r in rows]


def sector_colouring(store: Store, base: str, section: str) -> Colouring:
    """Each LEP whose strategy (or the LEP itself) names a sector specialism in SIC section
    ``section``, with those sectors; the others as not stating one."""
    rows = store.query(
        prologue(base) + "SELECT DISTINCT ?lep ?sector_label ?label WHERE { "
        "{ ?lep a lis:LocalEnterprisePartnership . ?x dcterms:creator ?lep } "
        "UNION { ?lep a lis:LocalEnterprisePartnership BIND(?lep AS ?x) } "
        "?x lis:sectorSpecialism ?sector . ?sector lis:sicSection ?sic ; "
        "skos:prefLabel|rdfs:label ?sector_label . "
        f"?sic skos:notation {sparql_text.string(section)} ; skos:prefLabel ?label }} "
        "ORDER BY ?lep ?sector_label"
    ).rows()
    named: dict[str, list[str]] = {}
    label = section
    for r in rows:
        label = r["label"].value
        names = named.setdefault(r["lep"].value, [])
        if r["sector_label"].value not in names:
            names.append(r["sector_label"].value)
    groups = {lep: ("sector-yes", ", ".join(names)) for lep, names in named.items()}
    legend = [("sector-yes", f"a sector in SIC {section} ({label})"), ("none", "none stated")]
    return groups, legend


def england_map(
    store: Store,
    base: str,
    width: int = 560,
    tolerance: float = 0.4,
    on: str | None = None,
    colouring: Colouring | None = None,
) -> MapPicture:
    """Every LEP area with a geometry, projected to ``width`` pixels wide and simplified to
    within ``tolerance`` pixels (islands smaller than that are left out), coloured by its
    strategy's latest stage, or with ``on`` (YYYY-MM-DD) by the stage it had reached that day,
    or by ``colouring`` (:func:`wave_colouring`, :func:`sector_colouring`)."""
    query = (
        prologue(base) + f"PREFIX geo: <{GEO}> "
        "SELECT ?lep ?name ?area ?wkt ?status ?status_label ?stage ?date WHERE { "
        "?lep a lis:LocalEnterprisePartnership ; skos:prefLabel ?name ; lis:area ?area . "
        "?area geo:hasGeometry/geo:asWKT ?wkt . "
        "OPTIONAL { ?strategy a lis:LocalIndustrialStrategy ; dcterms:creator ?lep ; "
        "lis:latestStatus ?status . ?status skos:prefLabel ?status_label ; "
        "skos:notation ?stage OPTIONAL { ?strategy lis:latestStatusDate ?date } } } "
        "ORDER BY ?name"
    )
    rows = store.query(query).rows()
    shapes: dict[str, tuple[str, str, list[Polygon]]] = {}
    stages: dict[str, tuple[int, str, str]] = {}
    for r in rows:
        lep = r["lep"].value
        if lep not in shapes:
            shapes[lep] = (r["name"].value, r["area"].value, parse_wkt(r["wkt"].value))
        if "status" in r:
            rank = int(r["stage"].value)
            words = r["status_label"].value + (f", {r['date'].value}" if "date" in r else "")
            if rank > stages.get(lep, (0, "", ""))[0]:
                stages[lep] = (rank, stage_kind(r["status"].value), words)
    nothing = "no strategy known"
    points = [
        point
        for _, _, polygons in shapes.values()
        for polygon in polygons
        for ring in polygon
        for point in ring
    ]
    if not points:
        empty = MapPicture([], width, 0, query)
        return recoloured(empty, store, base, on, colouring) if on or colouring else empty
    west = min(p[0] for p in points)
    east = max(p[0] for p in points)
    south = min(p[1] for p in points)
    north = max(p[1] for p in points)
    cos0 = math.cos(math.radians((north + south) / 2))
    scale = (width - 2) / ((east - west) * cos0)
    project = Projection(west - 1 / scale, north + 1 / scale, scale, cos0)
    height = math.ceil((north - south) * scale) + 2
    areas = [
        MapArea(
            lep=lep,
            area=area,
            name=name,
            kind=stages[lep][1] if lep in stages else "none",
            stage=stages[lep][2] if lep in stages else nothing,
            path=svg_path(polygons, project, tolerance),
        )
        for lep, (name, area, polygons) in shapes.items()
    ]
    drawn = MapPicture(areas, width, height, query)
    return recoloured(drawn, store, base, on, colouring) if on or colouring else drawn


def recoloured(
    drawn: MapPicture,
    store: Store,
    base: str,
    on: str | None = None,
    colouring: Colouring | None = None,
) -> MapPicture:
    """``drawn`` (a map by the latest stages) coloured instead by the stage each LEP had
    reached on ``on`` (YYYY-MM-DD), or by ``colouring``: the outlines are the same, so a map
    drawn once per build serves every day and colouring (parsing and thinning the WKT is most
    of a map's cost)."""
    if colouring is not None:
        colours, legend = colouring
        nothing = dict(legend).get("none", "not stated")
    else:
        legend = None
        on_day = _stages_on(store, base, on) if on is not None else None
        if on_day is None:
            return drawn
        colours = {lep: (kind, words) for lep, (_, kind, words) in on_day.items()}
        nothing = "nothing dated yet"
    areas = [
        replace(a, kind=colours[a.lep][0], stage=colours[a.lep][1])
        if a.lep in colours
        else replace(a, kind="none", stage=nothing)
        for a in drawn.areas
    ]
    return MapPicture(areas, drawn.width, drawn.height, drawn.query, on, legend)
