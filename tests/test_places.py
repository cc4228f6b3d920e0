"""Where each LEP is: regions, combined authorities and shapes, each in its source's graph.

Expectations come from the public-data pack's files and README (the counts per region are the
README's), never from the build.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from lisgraph.builder.places import PLACE_FILES, place_quads, wkt
from lisgraph.errors import DataLoadError
from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE, PROJECT_DIR

PACK = PROJECT_DIR / "data" / "reference" / "public-data"
PREFIXES = (
    "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
    "PREFIX geo: <http://www.opengis.net/ont/geosparql#> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
)
#: The pack README: "9 regions E12000001-E12000009 (NE 12, NW 39, Y&H 21, EM 40, WM 30,
#: EoE 45, London 33, SE 64, SW 30)".
DISTRICTS_PER_REGION = {
    "North East": 12,
    "North West": 39,
    "Yorkshire and The Humber": 21,
    "East Midlands": 40,
    "West Midlands": 30,
    "East of England": 45,
    "London": 33,
    "South East": 64,
    "South West": 30,
}


def _rows(name: str) -> list[dict[str, str]]:
    with (PACK / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return [
        {k: v.value for k, v in row.items() if v is not None}
        for row in store.query(PREFIXES + query).rows()
    ]


def test_every_district_has_its_region(store: EmbeddedStore) -> None:
    rows = _select(
        store,
        "SELECT ?name (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?g { ?d lis:inRegion ?r } "
        "?d a lis:LocalAuthorityDistrict . ?r skos:prefLabel ?name } GROUP BY ?name",
    )
    assert {r["name"]: int(r["n"]) for r in rows} == DISTRICTS_PER_REGION
    assert sum(DISTRICTS_PER_REGION.values()) == 314


def test_each_lep_area_is_in_the_regions_of_its_districts(store: EmbeddedStore) -> None:
    region = {r["LAD20CD"]: r["RGN20CD"] for r in _rows("lad-to-region-2020.csv")}
    lookup = PROJECT_DIR / "data" / "reference" / "lad-to-lep-2020.csv"
    with lookup.open(encoding="utf-8", newline="") as handle:
        expected: dict[str, set[str]] = {}
        for row in csv.DictReader(handle):
            expected.setdefault(row["LEP20CD"], set()).add(region[row["LAD20CD"]])
    rows = _select(
        store,
        "SELECT ?code ?rcode WHERE { ?a a lis:LEPArea ; lis:gssCode ?code ; "
        "lis:inRegion/lis:gssCode ?rcode }",
    )
    got: dict[str, set[str]] = {}
    for r in rows:
        got.setdefault(r["code"], set()).add(r["rcode"])
    assert len(expected) == 38
    assert got == expected
    assert sum(len(v) > 1 for v in got.values()) >= 1  # some LEP areas span regions


def test_districts_in_a_combined_authority(store: EmbeddedStore) -> None:
    expected = {(r["LAD20CD"], r["CAUTH20CD"]) for r in _rows("lad-to-cauth-2020.csv")}
    assert len(expected) == 53
    rows = _select(
        store,
        "SELECT ?d ?c WHERE { ?x lis:inCombinedAuthorityArea ?ca ; lis:gssCode ?d . "
        "?ca lis:gssCode ?c }",
    )
    assert {(r["d"], r["c"]) for r in rows} == expected


def test_every_district_and_lep_area_has_a_shape(store: EmbeddedStore) -> None:
    rows = _select(
        store,
        "SELECT ?class (COUNT(DISTINCT ?a) AS ?all) (COUNT(DISTINCT ?s) AS ?shaped) WHERE { "
        "VALUES ?class { lis:LEPArea lis:LocalAuthorityDistrict } ?a a ?class "
        "OPTIONAL { ?a geo:hasGeometry ?s . ?s geo:asWKT ?w } } GROUP BY ?class",
    )
    counts = {r["class"].rsplit("#", 1)[1]: (int(r["all"]), int(r["shaped"])) for r in rows}
    assert counts == {"LEPArea": (38, 38), "LocalAuthorityDistrict": (314, 314)}


def test_lep_shapes_say_they_are_derived(store: EmbeddedStore) -> None:
    rows = _select(
        store,
        "SELECT ?g ?src ?note WHERE { ?a a lis:LEPArea ; geo:hasGeometry ?s . "
        "GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#comment> ?note } "
        "?g prov:wasDerivedFrom ?src }",
    )
    assert len(rows) == 38
    assert {r["g"] for r in rows} == {f"{BASE}graph/lep20-boundaries-derived"}
    assert {r["src"] for r in rows} == {f"{BASE}id/source/lep20-boundaries-derived"}
    assert all(r["note"].startswith("Derived by the editors") for r in rows)


def test_each_place_graph_is_derived_from_one_source(store: EmbeddedStore) -> None:
    graphs = (
        "ons-lad-region-2020",
        "ons-lad-cauth-2020",
        "ons-lad20-buc",
        "lep20-boundaries-derived",
    )
    for name in graphs:
        rows = _select(store, f"SELECT ?s WHERE {{ <{BASE}graph/{name}> prov:wasDerivedFrom ?s }}")
        assert [r["s"] for r in rows] == [f"{BASE}id/source/{name}"]


def test_wkt_keeps_the_file_numbers() -> None:
    shape = {
        "type": "Polygon",
        "coordinates": [[["-0.00001", "51.5"], ["0.1", "51.5"], ["0.1", "51.6"]]],
    }
    assert wkt(shape) == "MULTIPOLYGON(((-0.00001 51.5,0.1 51.5,0.1 51.6)))"
    with pytest.raises(ValueError):
        wkt({"type": "Point", "coordinates": ["0", "0"]})


def test_a_malformed_lookup_names_file_and_line(tmp_path: Path) -> None:
    for name in PLACE_FILES:
        shutil.copyfile(PACK / name, tmp_path / name)
    path = tmp_path / "lad-to-region-2020.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("E12", "X12", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataLoadError, match=r"lad-to-region-2020\.csv:4: "):
        place_quads(tmp_path, BASE)
