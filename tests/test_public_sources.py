"""The public-sources pack: every row is stated, each in its source's graph; the editors'
inferences sit in their own graph; a malformed pack file is reported by file and line."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest

from lisgraph.builder.public_sources import EDITORS_GRAPH, PACK_FILES, public_source_quads
from lisgraph.errors import DataLoadError
from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE, PROJECT_DIR

PACK = PROJECT_DIR / "data" / "reference" / "public-sources"
LIS = f"{BASE}def/lis#"


def _rows(name: str) -> list[dict[str, str]]:
    with (PACK / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(query))


def test_every_publication_row_is_one_record_in_its_sources_graph() -> None:
    rows = _rows("lis-publications.csv")
    assert len(rows) == 118
    store = ox.Store()
    store.extend(public_source_quads(PACK, BASE))
    records = _select(store, f"SELECT ?g ?r WHERE {{ GRAPH ?g {{ ?r a <{LIS}StatusRecord> }} }}")
    found = [(str(row["g"].value), str(row["r"].value)) for row in records]
    assert len(found) == len(rows) == len({r for _, r in found})
    assert all(g.startswith(f"{BASE}graph/source-") for g, _ in found)


def test_every_priority_row_is_stated() -> None:
    rows = _rows("priorities.csv")
    assert len(rows) == 111
    store = ox.Store()
    store.extend(public_source_quads(PACK, BASE))
    labels = {
        str(row["l"].value)
        for row in _select(
            store,
            f"SELECT ?l WHERE {{ GRAPH ?g {{ ?d <{LIS}priority>|<{LIS}sectorStatement>|"
            f"<{LIS}target> ?p . ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}",
        )
    }
    assert {row["priority_or_sector_text"] for row in rows} <= labels


def test_sector_rows_are_sectors_split_one_per_sector_and_coded() -> None:
    """D4 and section 4: a sector row is a sector statement in its source's graph (its words as
    they are), naming one lis:Sector per sector it lists; each sector's SIC 2007 section(s) are
    the editors' coding, in the editors' graph."""
    sector_rows = {int(r["row"]) for r in _rows("sectors.csv")}
    priorities = _rows("priorities.csv")
    kinds = {priorities[n - 2]["kind"] for n in sector_rows}
    assert all("sector" in k for k in kinds)
    assert sector_rows == {n for n, r in enumerate(priorities, start=2) if "sector" in r["kind"]}
    store = ox.Store()
    store.extend(public_source_quads(PACK, BASE))
    named = store.query(
        f"SELECT ?g ?sector WHERE {{ GRAPH ?g {{ ?s a <{LIS}SectorStatement> ; "
        f"<{LIS}namesSector> ?sector }} }}"
    )
    assert isinstance(named, ox.QuerySolutions)
    found = [(str(r["g"].value), str(r["sector"].value)) for r in named]
    assert found and all(g.startswith(f"{BASE}graph/source-") for g, _ in found)
    coded = store.query(
        f"SELECT ?sector WHERE {{ GRAPH <{BASE}{EDITORS_GRAPH}> "
        f"{{ ?sector <{LIS}sicSection> ?c }} }}"
    )
    assert isinstance(coded, ox.QuerySolutions)
    assert {s for _, s in found} <= {str(r["sector"].value) for r in coded}


def test_inferred_dates_are_the_editors_not_the_sources() -> None:
    store = ox.Store()
    store.extend(public_source_quads(PACK, BASE))
    # Cumbria's "29 March" (year inferred as 2019) is dated only in the editors' graph.
    rows = list(
        _select(
            store,
            "SELECT ?g WHERE { GRAPH ?g { ?r <http://purl.org/dc/terms/date> "
            '"2019-03-29"^^<http://www.w3.org/2001/XMLSchema#date> } }',
        )
    )
    assert [str(r["g"].value) for r in rows] == [BASE + EDITORS_GRAPH]


def test_every_lep_has_a_sourced_event(store: EmbeddedStore) -> None:
    result = store.query(
        f"SELECT (COUNT(DISTINCT ?lep) AS ?n) WHERE {{ ?lep a <{LIS}LocalEnterprisePartnership> . "
        "?doc <http://purl.org/dc/terms/creator> ?lep ; "
        f"<{LIS}statusRecord>/<http://purl.org/dc/terms/source> ?source }}"
    )
    assert result.table()[1] == [["38"]]


def _pack_copy(tmp_path: Path) -> Path:
    for name in PACK_FILES:
        shutil.copy(PACK / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize(
    ("file", "find", "replace", "words"),
    [
        (
            "lis-publications.csv",
            ",published,2019-05-16,",
            ",launched,2019-05-16,",
            "unknown status",
        ),
        ("lis-publications.csv", ",published,2019-05-16,", ",published,16/05/2019,", "not an ISO"),
        ("priorities.csv", "https://www.gov.uk/", "https://example.org/", "not described"),
        ("documents.csv", "West Midlands Local Industrial Strategy,", "WM LIS,", "is not in"),
    ],
)
def test_malformed_pack_names_file_and_line(
    tmp_path: Path, file: str, find: str, replace: str, words: str
) -> None:
    pack = _pack_copy(tmp_path)
    path = pack / file
    text = path.read_text(encoding="utf-8")
    assert find in text
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")
    with pytest.raises(DataLoadError) as caught:
        public_source_quads(pack, BASE)
    assert caught.value.line is not None and caught.value.line > 1
    assert f":{caught.value.line}:" in str(caught.value) and words in str(caught.value)


def test_gatwick_360_has_its_eight_priorities_once(store: EmbeddedStore) -> None:
    """D6: seed 002's eight subjects are alternative labels of the pack's eight titled
    priorities, not eight more priorities."""
    rows = store.query(
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?p (COUNT(?alt) AS ?n) WHERE { "
        f"<{BASE}id/document/gatwick-360> lis:priority ?p OPTIONAL {{ ?p skos:altLabel ?alt }} }} "
        "GROUP BY ?p"
    ).rows()
    assert len(rows) == 8
    assert all(int(r["n"].value) == 1 for r in rows)


def test_every_lead_body_is_stated_in_its_sources_graph() -> None:
    """D8: the lead_body column, in the row's words, on the row's record in its source's graph."""
    rows = _rows("lis-publications.csv")
    store = ox.Store()
    store.extend(public_source_quads(PACK, BASE))
    found = {
        (str(row["g"].value), str(row["l"].value))
        for row in store.query(  # type: ignore[union-attr]
            f"SELECT ?g ?l WHERE {{ GRAPH ?g {{ ?r <{LIS}leadBody> ?l }} }}"
        )
    }
    wanted = {r["lead_body"] for r in rows if r["lead_body"]}
    assert wanted and {label for _, label in found} == wanted
    assert all(g.startswith(f"{BASE}graph/source-") for g, _ in found)


def test_draft_items_hang_off_their_drafts_not_the_final_strategies(store: EmbeddedStore) -> None:
    """D2, D3: the West Midlands consultation document's commitments and the Oxfordshire working
    draft's action headings are the drafts', which inform the strategies; the Black Country's
    October 2018 draft is the Black Country LEP's own document."""
    query = (
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?doc (COUNT(DISTINCT ?p) AS ?n) WHERE { ?doc lis:priority ?p ; "
        "lis:informs ?strategy . ?strategy a lis:LocalIndustrialStrategy } GROUP BY ?doc"
    )
    counts = {
        r["doc"].value.rsplit("/", 1)[1]: int(r["n"].value) for r in store.query(query).rows()
    }
    assert counts["west-midlands-lis-consultation-document-2018"] == 8
    assert counts["oxfordshire-industrial-strategy-working-draft-2018"] == 4
    creators = store.query(
        "SELECT ?c WHERE { <" + BASE + "id/document/black-country-lis-draft-2018> "
        "<http://purl.org/dc/terms/creator> ?c }"
    ).rows()
    assert [r["c"].value for r in creators] == [BASE + "id/lep/E37000001"]


def test_dorsets_targets_are_targets(store: EmbeddedStore) -> None:
    """D3: the five 'target to 2030' rows are lis:Target (value and measure the editors'
    reading, date 2030 from the row), not priorities."""
    rows = store.query(
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "SELECT ?t ?value ?date WHERE { <" + BASE + "id/strategy/dorset-lis> lis:target ?t . "
        "?t a lis:Target ; lis:targetValue ?value ; lis:targetDate ?date "
        "FILTER NOT EXISTS { ?t a lis:Priority } }"
    ).rows()
    assert len(rows) == 5
    assert {r["date"].value for r in rows} == {"2030"}
