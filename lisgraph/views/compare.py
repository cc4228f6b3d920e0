"""LEPs side by side: one record per LEP (wave, regions, its strategy's latest stage with date,
source and lead body, priorities by foundation and Grand Challenge, sectors by SIC section,
funding, districts), each value with the page of its source, and the SPARQL behind each panel.

The priorities count by the programme matrix's rule (:func:`.programme.programme_matrix`): a LEP's
count in a column is the sum over the LEP and what it wrote, as LEP pages count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from .. import sparql_text
from ..store import Store, Term
from ..vocab import prologue
from .labels import label_of, labelled
from .programme import (
    KINDS,
    Column,
    ProgrammeRow,
    programme_columns,
    programme_events,
    stated_events,
)

__all__ = [
    "ALL_COLUMNS",
    "KINDS_LABEL",
    "NOT_STATED",
    "Comparison",
    "LepRecord",
    "Panel",
    "Row",
    "TableColumn",
    "Value",
    "compare_leps",
    "cited",
    "life_values",
    "merge_value",
    "side_by_side",
    "sorted_rows",
    "sorted_table",
    "stage_kind",
    "table_row",
]


#: What a cell says where the sources held here state nothing (a count of 0 would be a claim
#: no source makes).
NOT_STATED = "not stated"


@dataclass(frozen=True)
class Value:
    """One value of a cell: its text, the page of the thing it names (if any) and the sources
    that state it, each (source IRI, its label), in the order met."""

    text: str
    iri: str = ""
    sources: tuple[tuple[str, str], ...] = ()


def cited(source: str, label: str = "") -> tuple[tuple[str, str], ...]:
    return ((source, label),) if source else ()


@dataclass
class LepRecord:
    """What the comparison knows of one LEP."""

    iri: str
    code: str
    name: str
    waves: list[Value] = field(default_factory=list)
    regions: list[Value] = field(default_factory=list)
    strategies: list[Value] = field(default_factory=list)
    stages: list[Value] = field(default_factory=list)  # latest stage, date and source
    stage_kind: str = ""  # a member of programme.KINDS, the furthest stage of its strategies
    stage_date: str = ""
    stage_rank: int = 0  # the status's skos:notation (1 announced ... 10 published)
    lead_bodies: list[Value] = field(default_factory=list)
    life: list[Value] = field(default_factory=list)  # every dated stage (chosen LEPs only)
    priorities: int = 0  # 0: the sources held here list none
    by_column: dict[str, int] = field(default_factory=dict)  # column IRI -> count
    sectors: list[Value] = field(default_factory=list)  # one per SIC section
    funding: list[Value] = field(default_factory=list)
    districts: int = 0
    districts_source: str = ""


@dataclass(frozen=True)
class Panel:
    """A group of rows and the SPARQL query that gives them (to open in the editor)."""

    key: str
    title: str
    query: str


@dataclass
class Comparison:
    """The LEPs asked for (every LEP when none is), in name order, the priority columns, and
    the panels' queries."""

    records: list[LepRecord]
    columns: list[Column]
    panels: list[Panel]


def stage_kind(status_iri: str) -> str:
    """The programme kind (CSS class, legend) of a status IRI: ``.../status/draft`` -> draft."""
    kind = status_iri.rsplit("/", 1)[-1]
    return kind if kind in KINDS else "unknown"


def _values(leps: list[str]) -> str:
    if not leps:
        return ""
    return "VALUES ?lep { " + " ".join(sparql_text.iri(lep) for lep in leps) + " } "


def _queries(base: str, leps: list[str]) -> dict[str, str]:
    """The panels' queries, standalone (prefixes and the chosen LEPs included)."""
    p = prologue(base)
    v = _values(leps)
    lep = (
        "?lep a lis:LocalEnterprisePartnership ; skos:prefLabel ?name ; "
        "lis:area/lis:gssCode ?code . "
    )
    own = (
        "{ ?x dcterms:creator ?lep } "
        "UNION { ?lep a lis:LocalEnterprisePartnership BIND(?lep AS ?x) } "
    )
    return {
        "programme": p + "SELECT DISTINCT ?lep ?code ?name ?wave ?wave_label ?waveSource ?strategy "
        "?strategy_label ?status ?status_label ?stage ?date ?record ?leadBody ?source "
        "?source_label WHERE { "
        + v
        + lep
        + "OPTIONAL { GRAPH ?wg { ?wave lis:waveMember ?lep } ?wave skos:prefLabel ?wave_label "
        "OPTIONAL { ?wg prov:wasDerivedFrom ?waveSource } } "
        "OPTIONAL { ?strategy a lis:LocalIndustrialStrategy ; dcterms:creator ?lep ; "
        "lis:latestStatus ?status ; lis:latestStatusRecord ?record . "
        "?status skos:prefLabel ?status_label ; skos:notation ?stage "
        "OPTIONAL { ?strategy lis:latestStatusDate ?date } "
        "OPTIONAL { ?record lis:leadBody ?leadBody } "
        "OPTIONAL { ?record dcterms:source ?source "
        + labelled("source")
        + " } "
        + labelled("strategy")
        + " } } ORDER BY ?name ?strategy ?source",
        "place": p
        + "SELECT DISTINCT ?lep ?code ?name ?region ?region_label ?regionSource ?districts "
        "?districtSource WHERE { " + v + lep + "?lep lis:area ?area . "
        "OPTIONAL { GRAPH ?rg { ?area lis:inRegion ?region } ?region skos:prefLabel ?region_label "
        "OPTIONAL { ?rg prov:wasDerivedFrom ?rs } BIND(COALESCE(?rs, ?rg) AS ?regionSource) } "
        "OPTIONAL { SELECT ?area (COUNT(DISTINCT ?d) AS ?districts) "
        "(SAMPLE(COALESCE(?ds, ?dg)) AS ?districtSource) WHERE { "
        "GRAPH ?dg { ?d lis:inLEPArea ?area } OPTIONAL { ?dg prov:wasDerivedFrom ?ds } } "
        "GROUP BY ?area } } ORDER BY ?name ?region_label",
        # the matrix's rule (programme_matrix), per LEP: its own and its documents' rows
        "priorities": p
        + "SELECT ?lep ?code ?name ?x ?c ?c_label (COUNT(DISTINCT ?via) AS ?n) WHERE { "
        + v
        + lep
        + own
        + "{ ?x lis:priority ?via . ?via lis:servesFoundation|lis:addressesChallenge ?c } "
        "UNION { ?x lis:addressesChallenge ?c FILTER NOT EXISTS { ?x a lis:Priority } "
        "FILTER NOT EXISTS { ?x a lis:Ambition } BIND(?x AS ?via) } "
        "?c skos:prefLabel ?c_label } GROUP BY ?lep ?code ?name ?x ?c ?c_label ORDER BY ?name",
        "priority_totals": p
        + "SELECT ?lep ?code ?name (COUNT(DISTINCT ?priority) AS ?priorities) WHERE { "
        + v
        + lep
        + "OPTIONAL { ?x dcterms:creator ?lep ; lis:priority ?priority } } "
        "GROUP BY ?lep ?code ?name ORDER BY ?name",
        "sectors": p
        + "SELECT DISTINCT ?lep ?code ?name ?section ?section_label ?sector ?sector_label ?source "
        "WHERE { " + v + lep + own + "GRAPH ?g { ?x lis:sectorSpecialism ?sector } "
        "?sector lis:sicSection ?sic . ?sic skos:notation ?section ; skos:prefLabel ?section_label "
        "OPTIONAL { ?g prov:wasDerivedFrom ?gs } BIND(COALESCE(?gs, ?g) AS ?source) "
        + labelled("sector")
        + " } ORDER BY ?name ?section ?sector_label",
        "funding": p
        + "SELECT DISTINCT ?lep ?code ?name ?allocation ?fund_label ?round ?amount ?date ?source "
        "?source_label WHERE { "
        + v
        + lep
        + "?allocation a lis:FundingAllocation ; lis:recipient ?lep ; lis:amount ?amount ; "
        "lis:fund/skos:prefLabel ?fund_label ; dcterms:source ?source "
        "OPTIONAL { ?allocation lis:fundingRound ?round } "
        "OPTIONAL { ?allocation dcterms:date ?date } "
        + labelled("source")
        + " } ORDER BY ?name ?date ?fund_label ?allocation ?source",
    }


PANEL_TITLES = {
    "programme": "Programme: wave, strategy, latest stage, lead body",
    "place": "Place: regions and districts",
    "priorities": "Priorities by foundation and Grand Challenge",
    "sectors": "Sectors by SIC 2007 section",
    "funding": "Funding",
}


def _money(amount: str) -> str:
    value = float(amount)
    if value >= 1e9:
        return f"£{value / 1e9:.3g}bn"
    if value >= 1e6:
        return f"£{value / 1e6:.3g}m"
    return f"£{value:,.0f}"


def merge_value(values: list[Value], value: Value) -> None:
    """Add ``value``; when one with its text is there, add its sources to that one (so a stage
    that four sources date alike is one value with four sources)."""
    for i, old in enumerate(values):
        if old.text == value.text:
            more = tuple(s for s in value.sources if s not in old.sources)
            values[i] = Value(old.text, old.iri, old.sources + more)
            return
    values.append(value)


class _Records(dict[str, LepRecord]):
    """The LEPs' records by IRI, each made when a row first names it."""

    def of(self, row: dict[str, Term]) -> LepRecord:
        iri = row["lep"].value
        if iri not in self:
            self[iri] = LepRecord(iri, row["code"].value, row["name"].value)
        return self[iri]


def compare_leps(store: Store, base: str, leps: list[str] | None = None) -> Comparison:
    """Every LEP in ``leps`` (IRIs; every LEP when empty or None) that is one, in name order.
    Unknown IRIs are left out (the caller says which)."""
    chosen = list(leps or [])
    queries = _queries(base, chosen)
    records = _Records()
    _read_programme(records, store.query(queries["programme"]).rows())
    _read_places(records, store.query(queries["place"]).rows())
    _read_priorities(
        records,
        store.query(queries["priorities"]).rows(),
        store.query(queries["priority_totals"]).rows(),
    )
    _read_sectors(records, store.query(queries["sectors"]).rows())
    _read_funding(records, store.query(queries["funding"]).rows())
    for lep in chosen if len(chosen) <= 12 else []:
        for row in programme_events(store, base, lep=lep):
            if lep in records:
                records[lep].life = life_values(row)
    panels = [Panel(key, title, queries[key]) for key, title in PANEL_TITLES.items()]
    return Comparison(
        records=sorted(records.values(), key=lambda rec: rec.name.lower()),
        columns=programme_columns(store, base),
        panels=panels,
    )


def _read_programme(records: _Records, rows: list[dict[str, Term]]) -> None:
    """Waves, strategies, stages (each with its date and source) and lead bodies; the stage
    furthest along is the LEP's."""
    best_stage: dict[str, int] = {}
    for r in rows:
        rec = records.of(r)
        if "wave" in r:
            merge_value(
                rec.waves,
                Value(
                    r["wave_label"].value,
                    r["wave"].value,
                    cited(r["waveSource"].value if "waveSource" in r else ""),
                ),
            )
        if "strategy" not in r:
            continue
        merge_value(rec.strategies, Value(label_of(r, "strategy"), r["strategy"].value))
        date = r["date"].value if "date" in r else ""
        source = r["source"].value if "source" in r else ""
        source_label = label_of(r, "source") if source else ""
        stage = f"{r['status_label'].value}, {date}" if date else r["status_label"].value
        merge_value(rec.stages, Value(stage, r["record"].value, cited(source, source_label)))
        if "leadBody" in r:
            merge_value(
                rec.lead_bodies,
                Value(r["leadBody"].value, r["record"].value, cited(source, source_label)),
            )
        rank = int(r["stage"].value)
        if rank > best_stage.get(rec.iri, 0):
            best_stage[rec.iri] = rank
            rec.stage_kind = stage_kind(r["status"].value)
            rec.stage_rank = rank
            rec.stage_date = date


def _read_places(records: _Records, rows: list[dict[str, Term]]) -> None:
    """Regions and the number of districts."""
    for r in rows:
        rec = records.of(r)
        if "region" in r:
            merge_value(
                rec.regions,
                Value(r["region_label"].value, r["region"].value, cited(r["regionSource"].value)),
            )
        if "districts" in r:
            rec.districts = int(r["districts"].value)
            rec.districts_source = r["districtSource"].value


def _read_priorities(
    records: _Records, by_column: list[dict[str, Term]], totals: list[dict[str, Term]]
) -> None:
    """Priorities per column of the matrix, and in all."""
    # the query counts by the matrix's rule, per LEP and what it wrote: summed per column
    for r in by_column:
        rec = records.of(r)
        column = r["c"].value
        rec.by_column[column] = rec.by_column.get(column, 0) + int(r["n"].value)
    for r in totals:
        records.of(r).priorities = int(r["priorities"].value)


def _read_sectors(records: _Records, rows: list[dict[str, Term]]) -> None:
    """Sectors by SIC section, each section once with the LEP's own names for it."""
    for iri, value in sector_values(
        rows, lambda r: records.of(r).iri, lambda r: cited(r["source"].value)
    ):
        records[iri].sectors.append(value)


def _read_funding(records: _Records, rows: list[dict[str, Term]]) -> None:
    """Each allocation once, cited to the source that states it."""
    for r in rows:
        rec = records.of(r)
        parts = [_money(r["amount"].value), r["fund_label"].value]
        if "round" in r:
            parts.append(r["round"].value)
        if "date" in r:
            parts.append(r["date"].value)
        if r["source"].value.endswith("/lisgraph-editors") or any(
            v.iri == r["allocation"].value for v in rec.funding
        ):
            continue  # the editors' graph dates a row; the source that states it is cited
        rec.funding.append(
            Value(
                ", ".join([" ".join(parts[:2]), *parts[2:]]),
                r["allocation"].value,
                cited(r["source"].value, label_of(r, "source")),
            )
        )


def life_values(row: ProgrammeRow) -> list[Value]:
    """A LEP's dated stages, then its undated ones: one value per stage and date, with every
    source that states it."""
    values = []
    for events in stated_events(row):
        first = events[0]
        text = f"{first.kind_label}, {first.date or 'undated'}"
        sources = tuple(dict.fromkeys((e.source, e.source_label) for e in events))
        values.append(Value(text, first.iri, sources))
    return values


# --- the two tables: LEPs in columns, and every LEP in rows -------------------------------------


@dataclass
class Row:
    """A row of the side-by-side table: one field, a cell (its values) per LEP."""

    key: str
    label: str
    panel: str
    cells: list[list[Value]]

    @property
    def differs(self) -> bool:
        """True when the LEPs' values are not all the same."""
        return len({tuple(v.text for v in cell) for cell in self.cells}) > 1


def stated(n: int) -> list[Value]:
    """A count of what the sources list: "not stated" for none listed."""
    return [Value(str(n) if n else NOT_STATED)]


def column_rows(columns: list[Column], counts: list[dict[str, int]]) -> list[Row]:
    """One row per column of the programme matrix (each foundation and Grand Challenge): the
    priorities each compared thing has under it, ``counts`` giving each one's by column IRI."""
    rows = []
    for column in columns:
        kind = "Foundation" if column.group == "foundation" else "Grand Challenge"
        rows.append(
            Row(
                f"c:{column.iri}",
                f"{kind}: {column.label}",
                "priorities",
                [stated(c.get(column.iri, 0)) for c in counts],
            )
        )
    return rows


def sector_values(
    rows: list[dict[str, Term]],
    owner: Callable[[dict[str, Term]], str],
    source: Callable[[dict[str, Term]], tuple[tuple[str, str], ...]],
) -> list[tuple[str, Value]]:
    """Sectors by SIC section, sorted by owner (the IRI ``owner`` gives a row) and section: one
    value per owner and section, naming the section and the owner's own sector names under it,
    linked to the first sector met and cited to its source."""
    names: dict[tuple[str, str], list[str]] = {}
    first: dict[tuple[str, str], Value] = {}
    for r in rows:
        key = (owner(r), f"{r['section'].value} {r['section_label'].value}")
        listed = names.setdefault(key, [])
        if label_of(r, "sector") not in listed:
            listed.append(label_of(r, "sector"))
        first.setdefault(key, Value("", r["sector"].value, source(r)))
    found = []
    for (iri, text), listed in sorted(names.items()):
        head = first[iri, text]
        found.append((iri, Value(f"{text} ({', '.join(listed)})", head.iri, head.sources)))
    return found


def side_by_side(comparison: Comparison) -> list[Row]:
    """The comparison as rows of fields, one cell per LEP (in the comparison's order)."""
    recs = comparison.records

    def count(n: int, source: str = "") -> list[Value]:
        return [Value(str(n), "", cited(source))]

    rows = [
        Row("wave", "Wave", "programme", [r.waves for r in recs]),
        Row("strategy", "Strategy", "programme", [r.strategies for r in recs]),
        Row("stage", "Latest stage, date and source", "programme", [r.stages for r in recs]),
        Row("lead", "Lead body (at that stage)", "programme", [r.lead_bodies for r in recs]),
        Row("life", "Every stage the sources record", "programme", [r.life for r in recs]),
        Row("regions", "Region(s)", "place", [r.regions for r in recs]),
        Row(
            "districts",
            "Districts (April 2020)",
            "place",
            [count(r.districts, r.districts_source) for r in recs],
        ),
        Row("priorities", "Priorities (all)", "priorities", [stated(r.priorities) for r in recs]),
        *column_rows(comparison.columns, [r.by_column for r in recs]),
    ]
    rows.append(Row("sectors", "Sectors (SIC 2007 section)", "sectors", [r.sectors for r in recs]))
    rows.append(Row("funding", "Funding", "funding", [r.funding for r in recs]))
    return rows


@dataclass(frozen=True)
class TableColumn:
    key: str
    label: str
    numeric: bool = False


#: The columns of the every-LEP table, each sortable.
ALL_COLUMNS = (
    TableColumn("name", "LEP"),
    TableColumn("code", "Code"),
    TableColumn("wave", "Wave"),
    TableColumn("regions", "Region(s)"),
    TableColumn("stage", "Latest stage"),
    TableColumn("date", "Date"),
    TableColumn("priorities", "Priorities", True),
    TableColumn("foundations", "Foundation links", True),
    TableColumn("challenges", "Grand Challenge links", True),
    TableColumn("sectors", "SIC sections"),
    TableColumn("funding", "Funding rows", True),
    TableColumn("districts", "Districts", True),
)


def table_row(record: LepRecord, columns: list[Column]) -> dict[str, str | int]:
    """``record`` as one row of the every-LEP table (text or numbers, by column key); a count
    of what no source held here lists is "" (not stated), not 0."""
    groups = {c.iri: c.group for c in columns}

    def linked(group: str) -> int:
        return sum(n for c, n in record.by_column.items() if groups.get(c) == group)

    def stated(n: int) -> int | str:
        return n or ""

    return {
        "name": record.name,
        "code": record.code,
        "wave": ", ".join(v.text for v in record.waves),
        "regions": ", ".join(v.text for v in record.regions),
        "stage": KINDS_LABEL.get(record.stage_kind, record.stage_kind),
        "date": record.stage_date,
        "priorities": stated(record.priorities),
        "foundations": stated(linked("foundation")),
        "challenges": stated(linked("challenge")),
        "sectors": " ".join(v.text.split(" ", 1)[0] for v in record.sectors),
        "funding": stated(len(record.funding)),
        "districts": record.districts,
    }


#: The words of each stage kind (the status scheme's labels).
KINDS_LABEL = {
    "announced": "announced",
    "consultation": "consultation",
    "in-development": "in development",
    "evidence-base": "evidence base",
    "prospectus": "prospectus",
    "draft": "draft",
    "submitted": "submitted to government",
    "locally-approved": "locally approved",
    "published": "published",
    "unknown": "document, status not stated",
}


class Ranked(Protocol):
    """A record a table sorts: its name, and how far its strategy got."""

    name: str
    stage_rank: int


R = TypeVar("R", bound=Ranked)


def sorted_rows(
    rows: list[tuple[R, dict[str, str | int]]],
    columns: tuple[TableColumn, ...],
    sort: str = "name",
    descending: bool = False,
) -> list[tuple[R, dict[str, str | int]]]:
    """``rows`` (record, table row) sorted by column ``sort`` (the name when unknown), then by
    name; empty values (not stated) last. By stage is by how far the strategy got (the status's
    ``skos:notation``), not alphabetically."""
    key = sort if any(c.key == sort for c in columns) else "name"
    numeric = next(c.numeric for c in columns if c.key == key)
    present = sorted((x for x in rows if x[1][key] != ""), key=lambda x: x[0].name.lower())
    empty = [x for x in rows if x[1][key] == ""]
    if key == "stage":
        present.sort(key=lambda x: x[0].stage_rank, reverse=descending)
    else:
        present.sort(
            key=lambda x: x[1][key] if numeric else str(x[1][key]).lower(), reverse=descending
        )
    return present + empty


def sorted_table(
    comparison: Comparison, sort: str = "name", descending: bool = False
) -> list[tuple[LepRecord, dict[str, str | int]]]:
    """Every LEP with its table row, sorted as :func:`sorted_rows` says."""
    rows = [(r, table_row(r, comparison.columns)) for r in comparison.records]
    return sorted_rows(rows, ALL_COLUMNS, sort, descending)
