"""Where each LEP is: the ONS lookups of district to region and to combined authority, and the
shapes of districts and LEP areas, generated from the copies in ``data/reference/public-data/``.

Each file is one source and becomes one named graph derived from it (its description is in
``data/public-data-catalogue.ttl``):

- ``lad-to-region-2020.csv`` -> ``graph/ons-lad-region-2020``: each district ``lis:inRegion``
  its region (``id/region/{E12 code}``, a ``lis:Region``);
- ``lad-to-cauth-2020.csv`` -> ``graph/ons-lad-cauth-2020``: each district that has one
  ``lis:inCombinedAuthorityArea`` its combined authority's area
  (``id/combined-authority-area/{E47 code}``, a ``lis:CombinedAuthorityArea``);
- ``boundaries-lad20-buc-england.geojson`` -> ``graph/ons-lad20-buc``: each district
  ``geo:hasGeometry`` ``id/district/{code}/geometry``, whose ``geo:asWKT`` is the ONS shape;
- ``boundaries-lep20-derived-from-lad20-buc.geojson`` -> ``graph/lep20-boundaries-derived``:
  each LEP area's shape, which is **not** an ONS product: the pack's editors dissolved the
  district shapes by the one LEP the lookup gives each district, so overlapping LEP areas are
  not represented (every geometry says so in its ``rdfs:comment``).

A LEP area's region(s) are not in any file: rule ``ontology/rules/25-lep-area-regions.rq``
derives them from its districts' regions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import DataLoadError
from ..vocab import DCTERMS, GEO, ONS_GEOGRAPHY, PROV, RDF, RDFS, SKOS, lis_namespace
from .tables import read_columns

__all__ = ["PLACE_FILES", "place_files", "place_quads", "wkt"]

REGION_CSV = "lad-to-region-2020.csv"
CAUTH_CSV = "lad-to-cauth-2020.csv"
DISTRICT_SHAPES = "boundaries-lad20-buc-england.geojson"
LEP_SHAPES = "boundaries-lep20-derived-from-lad20-buc.geojson"
PLACE_FILES = (REGION_CSV, CAUTH_CSV, DISTRICT_SHAPES, LEP_SHAPES)

_RDF_TYPE = ox.NamedNode(RDF.type)
_PREF_LABEL = ox.NamedNode(SKOS.prefLabel)
_COMMENT = ox.NamedNode(RDFS.comment)
_SOURCE = ox.NamedNode(DCTERMS.source)
_DERIVED_FROM = ox.NamedNode(PROV.wasDerivedFrom)
_DISTRICT = re.compile(r"^E0[6789]\d{6}$")
_CODES = {"RGN20CD": re.compile(r"^E12\d{6}$"), "CAUTH20CD": re.compile(r"^E47\d{6}$")}

_DISTRICT_SHAPE_NOTE = (
    "The ONS 'Local Authority Districts (December 2020) UK BUC' shape (ultra generalised to "
    "500 m, clipped to the coastline), WGS84 longitude/latitude rounded to 5 decimals."
)
_LEP_SHAPE_NOTE = (
    "Derived by the editors of the public-data pack, not published by ONS: the ONS December "
    "2020 ultra-generalised district shapes dissolved by the one LEP that the ONS "
    "district-to-LEP lookup (April 2020) gives each district. Districts that were in two "
    "overlapping LEPs appear in one only, so treat the shape as approximate."
)


def _membership_quads(
    path: Path, base: str, code_column: str, name_column: str, kind: str, cls: str, link: str
) -> list[ox.Quad]:
    """District -> containing area (region or combined authority area), one graph."""
    stem = {REGION_CSV: "ons-lad-region-2020", CAUTH_CSV: "ons-lad-cauth-2020"}[path.name]
    graph = ox.NamedNode(f"{base}graph/{stem}")
    source = ox.NamedNode(f"{base}id/source/{stem}")
    quads = [ox.Quad(graph, _DERIVED_FROM, source, graph)]
    areas: dict[str, str] = {}
    for line_no, row in read_columns(path, ["LAD20CD", "LAD20NM", code_column, name_column]):
        where = f"{path}:{line_no}"
        district, code, name = row["LAD20CD"], row[code_column], row[name_column]
        if not _DISTRICT.match(district):
            raise DataLoadError(
                f"{where}: {district!r} is not a district GSS code.", str(path), line_no
            )
        if not _CODES[code_column].match(code) or not name:
            raise DataLoadError(
                f"{where}: {code!r} is not a {kind} GSS code, or its name is empty.",
                str(path),
                line_no,
            )
        if areas.setdefault(code, name) != name:
            raise DataLoadError(
                f"{where}: {code} is named {name!r} here but {areas[code]!r} earlier.",
                str(path),
                line_no,
            )
        subject = ox.NamedNode(f"{base}id/district/{district}")
        quads.append(
            ox.Quad(
                subject, ox.NamedNode(lis_namespace(base) + link), _area(base, kind, code), graph
            )
        )
        quads.append(ox.Quad(subject, _SOURCE, source, graph))
    for code, name in sorted(areas.items()):
        area = _area(base, kind, code)
        quads += [
            ox.Quad(area, _RDF_TYPE, ox.NamedNode(lis_namespace(base) + cls), graph),
            ox.Quad(area, _PREF_LABEL, ox.Literal(name, language="en"), graph),
            ox.Quad(area, ox.NamedNode(lis_namespace(base) + "gssCode"), ox.Literal(code), graph),
            ox.Quad(
                area,
                ox.NamedNode(lis_namespace(base) + "statisticalGeography"),
                ox.NamedNode(ONS_GEOGRAPHY + code),
                graph,
            ),
            ox.Quad(area, _SOURCE, source, graph),
        ]
    return quads


def _area(base: str, kind: str, code: str) -> ox.NamedNode:
    return ox.NamedNode(f"{base}id/{kind}/{code}")


def _ring(ring: list[list[str]]) -> str:
    return "(" + ",".join(f"{x} {y}" for x, y in ring) + ")"


def wkt(geometry: dict[str, Any]) -> str:
    """A GeoJSON Polygon or MultiPolygon as WKT (GeoSPARQL's default CRS, CRS84, so no CRS IRI).

    The coordinates are the file's own number tokens (read with ``parse_float=str``), so the
    text is exactly the file's precision and never in exponent notation. Written without the
    optional spaces (``MULTIPOLYGON(((x y,x y)))``), as Virtuoso writes a geometry back, so that
    a front-end over Virtuoso serves the same literal as the build."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        coordinates, kind = [coordinates], "MultiPolygon"
    if kind != "MultiPolygon" or not isinstance(coordinates, list):
        raise ValueError(f"a {kind} is not a polygon")
    polygons = ",".join("(" + ",".join(_ring(r) for r in polygon) + ")" for polygon in coordinates)
    return f"MULTIPOLYGON({polygons})"


def _shape_quads(path: Path, base: str, code_key: str, name_key: str, kind: str) -> list[ox.Quad]:
    derived = path.name == LEP_SHAPES
    stem = "lep20-boundaries-derived" if derived else "ons-lad20-buc"
    graph = ox.NamedNode(f"{base}graph/{stem}")
    source = ox.NamedNode(f"{base}id/source/{stem}")
    note = ox.Literal(_LEP_SHAPE_NOTE if derived else _DISTRICT_SHAPE_NOTE, language="en")
    try:
        collection = json.loads(path.read_text(encoding="utf-8"), parse_float=str, parse_int=str)
    except (OSError, ValueError) as exc:
        raise DataLoadError(f"Cannot read {path} as GeoJSON: {exc}.", str(path)) from exc
    quads = [ox.Quad(graph, _DERIVED_FROM, source, graph)]
    seen: set[str] = set()
    for number, feature in enumerate(collection.get("features", []), start=1):
        properties = feature.get("properties") or {}
        code, name = properties.get(code_key, ""), properties.get(name_key, "")
        if not code or code in seen:
            raise DataLoadError(
                f"{path}: feature {number} has no {code_key}, or repeats {code!r}.", str(path)
            )
        seen.add(code)
        try:
            text = wkt(feature.get("geometry") or {})
        except ValueError as exc:
            raise DataLoadError(f"{path}: feature {number} ({code}): {exc}.", str(path)) from exc
        area = _area(base, kind, code)
        shape = ox.NamedNode(f"{area.value}/geometry")
        what = "district" if kind == "district" else "LEP area"
        quads += [
            ox.Quad(area, ox.NamedNode(GEO + "hasGeometry"), shape, graph),
            ox.Quad(area, _SOURCE, source, graph),
            ox.Quad(shape, _RDF_TYPE, ox.NamedNode(GEO + "Geometry"), graph),
            ox.Quad(
                shape, _PREF_LABEL, ox.Literal(f"Shape of the {what} {name}", language="en"), graph
            ),
            ox.Quad(
                shape,
                ox.NamedNode(GEO + "asWKT"),
                ox.Literal(text, datatype=ox.NamedNode(GEO + "wktLiteral")),
                graph,
            ),
            ox.Quad(shape, _COMMENT, note, graph),
            ox.Quad(shape, _SOURCE, source, graph),
        ]
    if not seen:
        raise DataLoadError(f"{path}: no features.", str(path))
    return quads


def place_files(directory: Path) -> list[Path]:
    """The files :func:`place_quads` reads, in a fixed order (for the build's input digest)."""
    return [directory / name for name in PLACE_FILES]


def place_quads(directory: Path, base: str) -> list[ox.Quad]:
    """The four place graphs from ``directory`` (``data/reference/public-data/``).

    Raises DataLoadError naming the file (and line) for a missing file, wrong columns, a
    malformed GSS code, a name used two ways, or a shape that is not a polygon.
    """
    quads = _membership_quads(
        directory / REGION_CSV, base, "RGN20CD", "RGN20NM", "region", "Region", "inRegion"
    )
    quads += _membership_quads(
        directory / CAUTH_CSV,
        base,
        "CAUTH20CD",
        "CAUTH20NM",
        "combined-authority-area",
        "CombinedAuthorityArea",
        "inCombinedAuthorityArea",
    )
    quads += _shape_quads(directory / DISTRICT_SHAPES, base, "LAD20CD", "LAD20NM", "district")
    quads += _shape_quads(directory / LEP_SHAPES, base, "LEP20CD", "LEP20NM", "lep-area")
    return quads
