"""What the pictures of the whole programme show, asked of any :class:`~lisgraph.store.Store`
through SPARQL only: which strategies address which foundations and Grand Challenges, and the
programme's timeline. Rendering is the templates' job.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store import Store
from ..vocab import prologue
from .labels import label_of, labelled

__all__ = ["Column", "Event", "Matrix", "programme_matrix", "timeline"]

# --- the foundations and Grand Challenges matrix ------------------------------------------------


@dataclass(frozen=True)
class Column:
    iri: str
    label: str
    group: str  # "foundation" or "challenge"


@dataclass
class Matrix:
    """Rows (strategies and others with priorities) by columns (foundations, then challenges):
    how many of the row's priorities serve the column (or 1 when the row addresses a challenge
    itself)."""

    columns: list[Column]
    rows: list[tuple[str, str]]  # (iri, label)
    cells: dict[tuple[str, str], int]

    def cell(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)


def programme_matrix(store: Store, base: str) -> Matrix:
    """Which strategies (and LEPs, documents) address which foundations and challenges, as far
    as the sources say. Every strategy has a row, so the gaps in the sources show too."""
    p = prologue(base)
    columns = [
        Column(r["c"].value, r["label"].value, r["group"].value)
        for r in store.query(
            p + "SELECT ?c ?label ?group WHERE { "
            "{ ?c a lis:Foundation BIND('foundation' AS ?group) } "
            "UNION { ?c a lis:GrandChallenge BIND('challenge' AS ?group) } "
            "?c skos:prefLabel ?label OPTIONAL { ?c skos:notation ?n } } ORDER BY ?group ?n ?label"
        ).rows()
    ]
    columns.sort(key=lambda c: c.group != "foundation")
    cells: dict[tuple[str, str], int] = {}
    labels: dict[str, str] = {}
    rows = store.query(
        p + "SELECT ?x ?x_label ?c (COUNT(DISTINCT ?via) AS ?n) WHERE { "
        "{ ?x lis:priority ?via . ?via lis:servesFoundation|lis:addressesChallenge ?c } "
        "UNION { ?x lis:addressesChallenge ?c FILTER NOT EXISTS { ?x a lis:Priority } "
        "FILTER NOT EXISTS { ?x a lis:Ambition } BIND(?x AS ?via) } "
        + labelled("x")
        + " } GROUP BY ?x ?x_label ?c"
    ).rows()
    for r in rows:
        x = r["x"].value
        cells[(x, r["c"].value)] = int(r["n"].value)
        labels[x] = label_of(r, "x")
    for r in store.query(
        p + "SELECT ?x ?x_label WHERE { ?x a lis:LocalIndustrialStrategy " + labelled("x") + " }"
    ).rows():
        labels.setdefault(r["x"].value, label_of(r, "x"))
    ordered = sorted(labels.items(), key=lambda item: item[1].lower())
    return Matrix(columns=columns, rows=ordered, cells=cells)


# --- the timeline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    date: str  # xsd:date, gYearMonth or gYear lexical form
    label: str
    iri: str
    kind: str  # "wave", "strategy", "national", "closure", "planned"
    level: int = 0  # how many earlier events sit at (nearly) the same place on the axis

    @property
    def year(self) -> float:
        """The date as a fractional year, for placing it on an axis."""
        parts = [int(x) for x in self.date.split("-")[:3]]
        year, month, day = (parts + [6 if len(parts) == 1 else 1, 15])[:3]
        return year + (month - 1) / 12 + (day - 1) / 365


def timeline(store: Store, base: str) -> list[Event]:
    """The programme's dated events: the national strategy, waves announced, strategies
    published, planned publications, and the winding-up of LEPs."""
    p = prologue(base)
    rows = store.query(
        p + "SELECT DISTINCT ?x ?x_label ?d ?kind WHERE { "
        "{ ?x a lis:NationalStrategy ; dcterms:issued ?d BIND('national' AS ?kind) } "
        "UNION { ?x a lis:Wave ; lis:announced ?d BIND('wave' AS ?kind) } "
        "UNION { ?x a lis:Wave ; lis:plannedPublication ?d BIND('planned' AS ?kind) } "
        "UNION { ?x a lis:LocalIndustrialStrategy ; dcterms:issued ?d BIND('strategy' AS ?kind) } "
        "UNION { ?x a lis:FunctionTransfer ; dcterms:date ?d BIND('closure' AS ?kind) } "
        "UNION { ?x a prov:Activity ; dcterms:date ?d BIND('closure' AS ?kind) } "
        + labelled("x")
        + " } ORDER BY ?d ?x_label"
    ).rows()
    events: list[Event] = []
    seen: set[tuple[str, str, str]] = set()
    for r in rows:
        iri = r["x"].value
        key = (iri, r["d"].value, r["kind"].value)
        if key in seen:  # one event per thing and date, under its first label
            continue
        seen.add(key)
        label = label_of(r, "x")
        if r["kind"].value == "wave":
            label = f"{label} announced"
        elif r["kind"].value == "planned":
            label = f"{label}: publication planned"
        event = Event(r["d"].value, label, iri, r["kind"].value)
        level = sum(1 for e in events if abs(e.year - event.year) < 0.2)
        events.append(Event(event.date, label, iri, event.kind, level))
    return events


# --- the ontology diagram ------------------------------------------------------------------------
