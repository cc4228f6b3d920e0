"""The public-sources pack: every row is stated, each in its source's graph; the editors'
inferences sit in their own graph; a malformed pack file is reported by file and line."""

from __future__ import annotations

import csv
import re
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
        ("lis-publications.csv", ",Cumbria LEP,", ",Cumbria LEP Board,", "is not in lead-bodies"),
        ("lead-bodies.csv", "Cumbria LEP,lep/E37000007", "Cumbria LEP,lep/E37000009", "row's LEPs"),
        ("lead-bodies.csv", "Cumbria LEP,lep/E37000007", "Cumbria LEP,council/x", "not an organ"),
        ("lead-bodies.csv", "Humber LEP,lep/E37000049,,,", "Humber LEP,,,,", "needs a note"),
        ("organisations.csv", ",CombinedAuthority,Tees", ",Council,Tees", "a class of"),
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


def _lead_links(store: ox.Store) -> dict[str, dict[str, set[str]]]:
    """Each record's lead body words and the organisations it links, by property, per graph."""
    links: dict[str, dict[str, set[str]]] = {}
    for row in _select(
        store,
        f"SELECT ?g ?r ?words ?p ?org WHERE {{ GRAPH ?g {{ ?r <{LIS}leadBody> ?words "
        f"OPTIONAL {{ ?r ?p ?org "
        f"FILTER (?p IN (<{LIS}ledBy>, <{LIS}ledWith>, <{LIS}agreedWith>)) }} "
        "} }",
    ):
        entry = links.setdefault(
            str(row["r"].value),
            {"words": {str(row["words"].value)}, "graph": {str(row["g"].value)}},
        )
        if row["p"] is not None:
            term = str(row["p"].value).rsplit("#", 1)[1]
            entry.setdefault(term, set()).add(str(row["org"].value).removeprefix(f"{BASE}id/"))
    return links


def test_lead_bodies_name_organisations_in_their_sources_graph(store: EmbeddedStore) -> None:
    """The organisations each lead body's words name are linked from the row's record, in the
    source's graph: government where the words say 'with government' (co-author) or 'agreed with
    government' (not a co-author), a combined authority where they name one, and a LEP only if it
    is one of the row's LEPs. Checked against the words, not against lead-bodies.csv."""
    rows = _rows("lis-publications.csv")
    pack = ox.Store()
    pack.extend(public_source_quads(PACK, BASE))
    links = _lead_links(pack)
    assert len(links) == sum(1 for r in rows if r["lead_body"]) == 118
    combined = {  # the whole build's: the seeds have three
        r["o"].value.removeprefix(f"{BASE}id/")
        for r in store.query(f"SELECT ?o WHERE {{ ?o a <{LIS}CombinedAuthority> }}").rows()
    }
    assert len(combined) == 8
    for record, entry in links.items():
        (words,) = entry["words"]
        assert all(g.startswith(f"{BASE}graph/source-") for g in entry["graph"]), record
        named = entry.get("ledBy", set()) | entry.get("ledWith", set())
        if words.endswith("(annual report)"):  # names the source, not who led
            assert not named, record
            continue
        assert entry.get("ledBy"), f"{record} ({words!r}) names no lead"
        if re.search(r"(?<!agreed )with government", words):
            assert "organisation/hm-government" in entry["ledWith"], record
        if "agreed with government" in words:
            assert entry["agreedWith"] == {"organisation/hm-government"}, record
            assert "organisation/hm-government" not in named, record
        else:
            assert "agreedWith" not in entry, record
        # ("CPCA Business Board" is the LEP, the Board of the CPCA: checked by hand below)
        names_ca = re.search(r"Combined Authority|CPCA(?! Business Board)|GMCA|WMCA", words)
        assert bool(names_ca) == bool(named & combined), f"{record}: {words!r} -> {named}"
    # a few read by hand from the rows' words
    by_words = {next(iter(e["words"])): e for e in links.values()}
    london = by_words["Mayor of London / GLA with the London Economic Action Partnership (LEAP)"]
    assert london["ledBy"] == {"organisation/greater-london-authority"}
    assert london["ledWith"] == {"lep/E37000051"}
    assert by_words["CPCA Business Board"]["ledBy"] == {"lep/E37000047"}
    heart = by_words["Heart of the South West LEP and Heart of the South West Joint Committee"]
    assert heart["ledBy"] == {"lep/E37000016", "organisation/hotsw-joint-committee"}
    assert by_words["HM Government with WMCA"] == {
        "words": {"HM Government with WMCA"},
        "graph": by_words["HM Government with WMCA"]["graph"],
        "ledBy": {"organisation/hm-government"},
        "ledWith": {"combined-authority/west-midlands"},
    }
    leeds = by_words[
        "Leeds City Region Enterprise Partnership with West Yorkshire Combined Authority"
    ]
    assert leeds["ledBy"] == {"lep/E37000050"}
    assert leeds["ledWith"] == {"combined-authority/west-yorkshire"}


def test_new_lead_organisations_are_described_where_named() -> None:
    """An organisation the seeds do not have is typed in the graph of each source that names it,
    and named there only if the words spell its name; otherwise the name is the editors'."""
    store = ox.Store()
    store.extend(public_source_quads(PACK, BASE))
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    found = {
        (str(r["o"].value).removeprefix(f"{BASE}id/"), str(r["g"].value).removeprefix(BASE))
        for r in _select(
            store,
            f"SELECT ?o ?g WHERE {{ GRAPH ?g {{ ?o <{label}> ?name }} "
            "FILTER (STRSTARTS(STR(?o), STR(<" + BASE + "id/combined-authority/>)) "
            "|| ?o = <" + BASE + "id/organisation/greater-london-authority>) }",
        )
    }
    where: dict[str, set[str]] = {}
    for org, graph in found:
        where.setdefault(org, set()).add(graph.split("/")[1].split("-")[0])
    # "Tees Valley Combined Authority (with its integrated LEP)": the name is the source's
    assert where["combined-authority/tees-valley"] == {"source"}
    # "Sheffield City Region LEP and Mayoral Combined Authority", "Mayor of London / GLA": the
    # full names are the editors'
    assert where["combined-authority/sheffield-city-region"] == {"public"}
    assert where["organisation/greater-london-authority"] == {"public"}
    assert EDITORS_GRAPH in {g for o, g in found if o == "combined-authority/sheffield-city-region"}


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


def test_a_deadline_or_article_date_bounds_the_event_but_does_not_date_it(
    store: EmbeddedStore,
) -> None:
    """D9: rows 9, 72 and 97 give a consultation's deadline or the date of an article reporting a
    consultation still open; the record holds it as lis:notLaterThan, never as its date."""
    rows = _rows("lis-publications.csv")
    bounded = {
        line: row
        for line, row in enumerate(rows, start=2)
        if re.search(r"^Consultation deadline|open until", row["date_note"])
    }
    assert sorted(bounded) == [9, 72, 97]
    found = {
        (r["address"].value, r["by"].value)
        for r in store.query(
            "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
            "PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT ?address ?by WHERE { GRAPH ?g { ?r lis:notLaterThan ?by ; "
            "dcterms:source ?s } ?s lis:address ?address ; ^prov:wasDerivedFrom ?g "
            "FILTER NOT EXISTS { ?r dcterms:date ?d } }".replace(
                "SELECT", "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT"
            )
        ).rows()
    }
    assert found == {(row["source_url"], row["date"]) for row in bounded.values()}


def test_smarter_faster_together_is_one_document_informing_the_strategy(
    store: EmbeddedStore,
) -> None:
    """D9: both spellings of Smarter, Faster, Together name one document: its prospectus record
    (November 2018) and its four priorities are the document's, which informs the South East
    strategy; the strategy itself has no prospectus."""
    prefix = (
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
    )
    sft = f"<{BASE}id/document/smarter-faster-together>"
    strategy = f"<{BASE}id/strategy/south-east-lis>"
    rows = store.query(
        prefix + "SELECT ?status ?date (COUNT(DISTINCT ?p) AS ?n) WHERE { "
        f"{sft} lis:informs {strategy} ; lis:statusRecord ?r ; lis:priority ?p . "
        "?r lis:status ?status ; dcterms:date ?date } GROUP BY ?status ?date"
    ).rows()
    assert [(r["status"].value, r["date"].value, r["n"].value) for r in rows] == [
        (f"{BASE}id/status/prospectus", "2018-11", "4")
    ]
    assert not bool(
        store.query(
            prefix
            + f"ASK {{ {strategy} lis:statusRecord/lis:status <{BASE}id/status/prospectus> }}"
        ).raw
    )


def test_no_secondary_source_names_itself_as_what_it_copies(store: EmbeddedStore) -> None:
    """D9: lis:secondaryOf says what a copy or report copies, never only the copy's own title
    (a title that says what it is a copy of may be repeated)."""
    rows = store.query(
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?s WHERE { ?s lis:secondaryOf ?of ; dcterms:title ?title "
        "FILTER (STR(?of) = STR(?title) && !CONTAINS(STR(?title), ' copy of ')) }"
    ).rows()
    assert rows == []
    (of,) = store.query(
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> SELECT ?of WHERE { "
        f"<{BASE}id/source/sustainabilitywestmidlands-org-uk-94c299> lis:secondaryOf ?of }}"
    ).rows()
    assert "West Midlands Local Industrial Strategy" in of["of"].value


def test_seed_003s_probable_address_is_the_packs_pointer_not_a_certainty(
    store: EmbeddedStore,
) -> None:
    """D9: the pack says seed 003 is 'probably' the South East LEP's page (matched text): a
    pointer in the pack's graph, with its words, and no lis:address on the seed."""
    seed = f"<{BASE}id/source/south-east-lep-our-strategy>"
    rows = store.query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?g ?page WHERE {{ GRAPH ?g {{ {seed} rdfs:seeAlso ?page }} }}"
    ).rows()
    assert [(r["g"].value, r["page"].value) for r in rows] == [
        (
            f"{BASE}graph/sources-public-sources-pack",
            f"{BASE}id/source/southeastlep-com-19322c",
        )
    ]
    assert not bool(
        store.query(f"ASK {{ {seed} <https://w3id.org/lisgraph/def/lis#address> ?a }}").raw
    )


def test_the_lead_body_tables_name_exactly_the_packs_wordings_and_organisations() -> None:
    """lead-bodies.csv has one line per lead_body wording of the pack (no stale line), and every
    organisation of organisations.csv is named by one of them."""
    wordings = {r["lead_body"] for r in _rows("lis-publications.csv") if r["lead_body"]}
    table = _rows("lead-bodies.csv")
    assert len(table) == len({r["lead_body"] for r in table}) == len(wordings) == 50
    assert {r["lead_body"] for r in table} == wordings
    named = {
        ref
        for r in table
        for column in ("led_by", "led_with", "agreed_with")
        for ref in r[column].split(";")
        if ref
    }
    assert {r["ref"] for r in _rows("organisations.csv")} <= named
