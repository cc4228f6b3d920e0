"""Money per LEP: every row of the public-data pack's lep-funding.csv, and of the editors'
lep-funding-found.csv beside it, is one observation in the graph of the source that states it,
with its fund, amount, currency, round and date; no total the sources do not give is stated."""

from __future__ import annotations

import csv
from decimal import Decimal

from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE, PROJECT_DIR

PACK = PROJECT_DIR / "data" / "reference" / "public-data"
PREFIXES = (
    "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
)


def _rows(
    names: tuple[str, ...] = ("lep-funding.csv", "lep-funding-found.csv"),
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in names:
        with (PACK / name).open(encoding="utf-8", newline="") as handle:
            rows += csv.DictReader(handle)
    return rows


def _select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return [
        {k: v.value for k, v in row.items() if v is not None}
        for row in store.query(PREFIXES + query).rows()
    ]


def test_every_row_is_one_observation_of_its_source(store: EmbeddedStore) -> None:
    rows = _rows()
    assert len(_rows(("lep-funding.csv",))) == 35 and len(rows) == 35 + 16
    got = _select(
        store,
        "SELECT ?a ?address ?fund ?round ?amount ?currency ?words ?g ?derived WHERE { "
        "GRAPH ?g { ?a a lis:FundingAllocation ; lis:fund ?f ; lis:fundingRound ?round ; "
        "lis:amount ?amount ; lis:currency ?currency ; lis:sourceWords ?words ; "
        "dcterms:source ?s } ?s lis:address ?address . ?f skos:prefLabel ?fund . "
        "?g prov:wasDerivedFrom ?derived }",
    )
    assert len(got) == len({r["a"] for r in got}) == 51
    assert all(r["derived"].endswith(r["g"].rsplit("/source-", 1)[1]) for r in got)
    observed = sorted(
        (r["address"], r["fund"], r["round"], Decimal(r["amount"]), r["currency"], r["words"])
        for r in got
    )
    expected = sorted(
        (
            r["source_url"],
            r["fund"],
            r["round_or_scope"],
            Decimal(r["amount_gbp"]),
            "GBP",
            r["source_words"],
        )
        for r in rows
    )
    assert observed == expected


def test_recipients_are_the_rows_leps_or_the_authority_they_name(store: EmbeddedStore) -> None:
    got = _select(
        store,
        "SELECT ?round ?amount ?recipient WHERE { ?a a lis:FundingAllocation ; "
        "lis:fundingRound ?round ; lis:amount ?amount ; lis:recipient ?recipient }",
    )
    by_recipient = {(r["recipient"].removeprefix(BASE), Decimal(r["amount"])) for r in got}
    for row in _rows():
        if "(to the " in row["round_or_scope"]:
            continue
        for code in row["lep_gss_code"].split(";"):
            assert (f"id/lep/{code}", Decimal(row["amount_gbp"])) in by_recipient
    assert ("id/combined-authority/west-midlands", Decimal(66000000)) in by_recipient
    assert ("id/organisation/greater-london-authority", Decimal(22100000)) in by_recipient
    assert ("id/combined-authority/west-yorkshire", Decimal(52600000)) in by_recipient


def test_worked_out_dates_are_the_editors(store: EmbeddedStore) -> None:
    got = _select(
        store,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a a lis:FundingAllocation ; "
        "dcterms:date ?d } } GROUP BY ?g",
    )
    editors = sum(int(r["n"]) for r in got if r["g"] == f"{BASE}graph/public-data-editors")
    assert editors == 0  # the type is in the source's graph; the editors state only the date
    worked_out = _select(
        store,
        "SELECT ?a WHERE { GRAPH <" + BASE + "graph/public-data-editors> { ?a dcterms:date ?d } }",
    )
    notes = [r["date_note"] for r in _rows() if r["date"]]
    inferred = [n for n in notes if "inferred" in n or "year from the" in n or "HoC Library" in n]
    assert len(worked_out) == len(inferred) > 0


def test_no_total_is_stated(store: EmbeddedStore) -> None:
    """Amounts stay per source and per round: the graph states exactly the rows' amounts."""
    amounts = sorted(
        Decimal(r["amount"])
        for r in _select(
            store, "SELECT ?a ?amount WHERE { ?a a lis:FundingAllocation ; lis:amount ?amount }"
        )
    )
    assert amounts == sorted(Decimal(r["amount_gbp"]) for r in _rows())


def test_the_editors_finds_are_their_sources_own_claims_described_by_the_editors(
    store: EmbeddedStore,
) -> None:
    """Issue 23, section 3: the Getting Building Fund rows found after the pack are stated in the
    graph of the source that states each (its address and words), and the sources' descriptions
    are the editors' (graph/public-data-editors), never the pack's catalogue."""
    found = _rows(("lep-funding-found.csv",))
    assert len(found) == 16
    described = _select(
        store,
        "SELECT ?address ?g ?by WHERE { GRAPH ?g { ?s lis:address ?address ; "
        "dcterms:source ?by } }",
    )
    where: dict[str, set[tuple[str, str]]] = {}
    for r in described:
        where.setdefault(r["address"], set()).add(
            (r["g"].removeprefix(BASE), r["by"].removeprefix(BASE))
        )
    for row in found:
        assert where[row["source_url"]] == {
            ("graph/public-data-editors", "id/source/lisgraph-editors")
        }, row["source_url"]
    # read by hand from the sources' words
    got = _select(
        store,
        "SELECT ?amount ?address ?lep WHERE { ?a a lis:FundingAllocation ; lis:fund "
        f"<{BASE}id/programme/getting-building-fund> ; lis:amount ?amount ; "
        "dcterms:source/lis:address ?address ; lis:recipient|lis:coversArea/^lis:area ?lep }",
    )
    by_lep = {(r["lep"].removeprefix(f"{BASE}id/"), Decimal(r["amount"])) for r in got}
    assert ("lep/E37000016", Decimal("35400000")) in by_lep  # HotSW "£35.4m"
    assert ("lep/E37000049", Decimal("13400000")) in by_lep  # Humber "£13.4m allocation"
    assert ("lep/E37000006", Decimal("8100000")) in by_lep  # Warwickshire's separate £8.1m
    assert ("lep/E37000050", Decimal("52600000")) in by_lep  # through the WYCA
    with_gbf = {lep for lep, _ in by_lep if lep.startswith("lep/")}
    assert len(with_gbf) == 23  # 8 from the pack (6 rows), 15 more found
