"""Strategies side by side: one record per Local Industrial Strategy (its authors, wave, latest
stage with date, source and lead body, every stage the sources record, the date published, its
priorities in the source's order, its priorities by foundation and Grand Challenge, its sectors
by SIC section), each value with the source whose named graph states it, and the SPARQL behind
each panel. The LEP comparison (:mod:`.compare`) lends its values, rows and panels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import sparql_text
from ..store import Store, Term
from ..vocab import prologue
from .compare import (
    KINDS_LABEL,
    Panel,
    Row,
    TableColumn,
    Value,
    cited,
    column_rows,
    merge_value,
    sector_values,
    sorted_rows,
    stage_kind,
    stated,
)
from .labels import label_of, labelled
from .programme import Column, programme_columns

__all__ = [
    "STRATEGY_COLUMNS",
    "StrategyComparison",
    "StrategyRecord",
    "compare_strategies",
    "sorted_strategies",
    "strategies_side_by_side",
    "strategy_row",
]


@dataclass
class StrategyRecord:
    """What the comparison knows of one strategy (``code`` is its IRI's last segment)."""

    iri: str
    code: str
    name: str
    authors: list[Value] = field(default_factory=list)
    waves: list[Value] = field(default_factory=list)
    issued: list[Value] = field(default_factory=list)
    areas: list[Value] = field(default_factory=list)
    stages: list[Value] = field(default_factory=list)
    stage_kind: str = ""
    stage_date: str = ""
    stage_rank: int = 0
    lead_bodies: list[Value] = field(default_factory=list)
    life: list[Value] = field(default_factory=list)
    priorities: list[Value] = field(default_factory=list)  # in the source's order
    by_column: dict[str, int] = field(default_factory=dict)
    sectors: list[Value] = field(default_factory=list)


@dataclass
class StrategyComparison:
    records: list[StrategyRecord]
    columns: list[Column]
    panels: list[Panel]


def _values(strategies: list[str]) -> str:
    if not strategies:
        return ""
    return "VALUES ?strategy { " + " ".join(sparql_text.iri(s) for s in strategies) + " } "


def _source() -> str:
    """Bind ?source (and its label) to the source of the named graph ?g."""
    return "OPTIONAL { ?g prov:wasDerivedFrom ?gs } BIND(COALESCE(?gs, ?g) AS ?source) " + labelled(
        "source"
    )


def _queries(base: str, strategies: list[str]) -> dict[str, str]:
    """The panels' queries, standalone (prefixes and the chosen strategies included)."""
    p = prologue(base)
    strategy = (
        _values(strategies)
        + "?strategy a lis:LocalIndustrialStrategy . "
        + labelled("strategy")
        + " "
    )
    return {
        "programme": p
        + "SELECT DISTINCT ?strategy ?strategy_label ?field ?value ?value_label ?source "
        "?source_label WHERE { " + strategy + "{ GRAPH ?g { ?strategy dcterms:creator ?value } "
        "BIND('author' AS ?field) } "
        "UNION { GRAPH ?g { ?strategy lis:wave ?value } BIND('wave' AS ?field) } "
        "UNION { GRAPH ?g { ?strategy dcterms:issued ?value } BIND('issued' AS ?field) } "
        "UNION { GRAPH ?g { ?strategy lis:coversArea ?value } BIND('area' AS ?field) } "
        + labelled("value")
        + " "
        + _source()
        + " } ORDER BY ?strategy_label ?field ?value_label ?source",
        "stages": p
        + "SELECT DISTINCT ?strategy ?strategy_label ?record ?status ?status_label ?stage ?date "
        "?latest ?leadBody ?source ?source_label WHERE { "
        + strategy
        + "{ ?strategy lis:statusRecord ?record } "
        # a draft that is a document of its own, informing the strategy
        "UNION { ?draft lis:informs ?strategy ; lis:statusRecord ?record "
        "FILTER NOT EXISTS { ?draft a lis:LocalIndustrialStrategy } } "
        "?record lis:status ?status ; dcterms:source ?source . "
        "?status skos:prefLabel ?status_label ; skos:notation ?stage "
        "OPTIONAL { ?record dcterms:date ?date } OPTIONAL { ?record lis:leadBody ?leadBody } "
        "BIND(EXISTS { ?strategy lis:latestStatusRecord ?record } AS ?latest) "
        + labelled("source")
        + " } ORDER BY ?strategy_label ?date ?stage ?source",
        "priorities": p
        + "SELECT DISTINCT ?strategy ?strategy_label ?priority ?priority_label ?position ?source "
        "?source_label WHERE { " + strategy + "GRAPH ?g { ?strategy lis:priority ?priority } "
        "OPTIONAL { ?priority lis:listPosition ?position } "
        + labelled("priority")
        + " "
        + _source()
        + " } ORDER BY ?strategy_label ?position ?priority_label",
        "columns": p
        + "SELECT ?strategy ?strategy_label ?c ?c_label (COUNT(DISTINCT ?via) AS ?n) WHERE { "
        + strategy
        # the programme matrix's rule: its priorities' ties, and a challenge it addresses itself
        + "{ ?strategy lis:priority ?via . ?via lis:servesFoundation|lis:addressesChallenge ?c } "
        "UNION { ?strategy lis:addressesChallenge ?c BIND(?strategy AS ?via) } "
        "?c skos:prefLabel ?c_label } "
        "GROUP BY ?strategy ?strategy_label ?c ?c_label ORDER BY ?strategy_label",
        "sectors": p
        + "SELECT DISTINCT ?strategy ?strategy_label ?section ?section_label ?sector ?sector_label "
        "?source ?source_label WHERE { "
        + strategy
        + "GRAPH ?g { ?strategy lis:sectorSpecialism ?sector } ?sector lis:sicSection ?sic . "
        "?sic skos:notation ?section ; skos:prefLabel ?section_label "
        + labelled("sector")
        + " "
        + _source()
        + " } ORDER BY ?strategy_label ?section ?sector_label",
    }


PANEL_TITLES = {
    "programme": "Programme: authors, wave, areas covered, date published",
    "stages": "Stages: the latest, its lead body, and every stage the sources record",
    "priorities": "Priorities, and the foundations and Grand Challenges they serve",
    "sectors": "Sectors by SIC 2007 section",
}


def compare_strategies(
    store: Store, base: str, strategies: list[str] | None = None
) -> StrategyComparison:
    """Every strategy in ``strategies`` (IRIs; every strategy when empty or None) that is one,
    in name order. Unknown IRIs are left out (the caller says which)."""
    chosen = list(strategies or [])
    queries = _queries(base, chosen)
    records: dict[str, StrategyRecord] = {}

    def record(row: dict[str, Term]) -> StrategyRecord:
        iri = row["strategy"].value
        if iri not in records:
            records[iri] = StrategyRecord(iri, iri.rsplit("/", 1)[-1], label_of(row, "strategy"))
        return records[iri]

    def source(row: dict[str, Term]) -> tuple[tuple[str, str], ...]:
        return cited(row["source"].value, label_of(row, "source")) if "source" in row else ()

    fields = {"author": "authors", "wave": "waves", "issued": "issued", "area": "areas"}
    for r in store.query(queries["programme"]).rows():
        rec = record(r)
        value = r["value"]
        text = label_of(r, "value") if value.kind == "iri" else value.value
        iri = value.value if value.kind == "iri" else ""
        merge_value(getattr(rec, fields[r["field"].value]), Value(text, iri, source(r)))
    for r in store.query(queries["stages"]).rows():
        rec = record(r)
        date = r["date"].value if "date" in r else ""
        label = r["status_label"].value
        merge_value(rec.life, Value(f"{label}, {date or 'undated'}", r["record"].value, source(r)))
        if r["latest"].value != "true":
            continue
        stage = f"{label}, {date}" if date else label
        merge_value(rec.stages, Value(stage, r["record"].value, source(r)))
        if "leadBody" in r:
            merge_value(rec.lead_bodies, Value(r["leadBody"].value, r["record"].value, source(r)))
        rank = int(r["stage"].value)
        if rank > rec.stage_rank:
            rec.stage_kind = stage_kind(r["status"].value)
            rec.stage_rank, rec.stage_date = rank, date
    for rec in records.values():  # dated stages first, then the undated, as on LEP pages
        rec.life.sort(key=lambda v: v.text.endswith(", undated"))
    for r in store.query(queries["priorities"]).rows():
        merge_value(
            record(r).priorities,
            Value(label_of(r, "priority"), r["priority"].value, source(r)),
        )
    for r in store.query(queries["columns"]).rows():
        record(r).by_column[r["c"].value] = int(r["n"].value)
    for iri, sector in sector_values(
        store.query(queries["sectors"]).rows(), lambda r: record(r).iri, source
    ):
        records[iri].sectors.append(sector)
    panels = [Panel(key, title, queries[key]) for key, title in PANEL_TITLES.items()]
    return StrategyComparison(
        records=sorted(records.values(), key=lambda rec: rec.name.lower()),
        columns=programme_columns(store, base),
        panels=panels,
    )


def strategies_side_by_side(comparison: StrategyComparison) -> list[Row]:
    """The comparison as rows of fields, one cell per strategy (in the comparison's order)."""
    recs = comparison.records

    rows = [
        Row("authors", "Author(s)", "programme", [r.authors for r in recs]),
        Row("wave", "Wave", "programme", [r.waves for r in recs]),
        Row("areas", "Areas it covers (beyond its authors')", "programme", [r.areas for r in recs]),
        Row("issued", "Published", "programme", [r.issued for r in recs]),
        Row("stage", "Latest stage, date and source", "stages", [r.stages for r in recs]),
        Row("lead", "Lead body (at that stage)", "stages", [r.lead_bodies for r in recs]),
        Row("life", "Every stage the sources record", "stages", [r.life for r in recs]),
        Row("count", "Priorities (all)", "priorities", [stated(len(r.priorities)) for r in recs]),
        Row(
            "priorities",
            "Priorities, in the source's order",
            "priorities",
            [r.priorities for r in recs],
        ),
        *column_rows(comparison.columns, [r.by_column for r in recs]),
    ]
    rows.append(Row("sectors", "Sectors (SIC 2007 section)", "sectors", [r.sectors for r in recs]))
    return rows


#: The columns of the every-strategy table, each sortable.
STRATEGY_COLUMNS = (
    TableColumn("name", "Strategy"),
    TableColumn("authors", "Author(s)"),
    TableColumn("wave", "Wave"),
    TableColumn("stage", "Latest stage"),
    TableColumn("date", "Date"),
    TableColumn("priorities", "Priorities", True),
    TableColumn("foundations", "Foundation links", True),
    TableColumn("challenges", "Grand Challenge links", True),
    TableColumn("sectors", "SIC sections"),
)


def strategy_row(record: StrategyRecord, columns: list[Column]) -> dict[str, str | int]:
    """``record`` as one row of the every-strategy table; a count of what no source held here
    lists is "" (not stated), not 0."""
    groups = {c.iri: c.group for c in columns}

    def linked(group: str) -> int | str:
        return sum(n for c, n in record.by_column.items() if groups.get(c) == group) or ""

    return {
        "name": record.name,
        "authors": ", ".join(v.text for v in record.authors),
        "wave": ", ".join(v.text for v in record.waves),
        "stage": KINDS_LABEL.get(record.stage_kind, record.stage_kind),
        "date": record.stage_date,
        "priorities": len(record.priorities) or "",
        "foundations": linked("foundation"),
        "challenges": linked("challenge"),
        "sectors": " ".join(v.text.split(" ", 1)[0] for v in record.sectors),
    }


def sorted_strategies(
    comparison: StrategyComparison, sort: str = "name", descending: bool = False
) -> list[tuple[StrategyRecord, dict[str, str | int]]]:
    """Every strategy with its table row, sorted as :func:`.compare.sorted_rows` says."""
    rows = [(r, strategy_row(r, comparison.columns)) for r in comparison.records]
    return sorted_rows(rows, STRATEGY_COLUMNS, sort, descending)
