"""What the pictures of the whole programme show, asked of any :class:`~lisgraph.store.Store`
through SPARQL only: which strategies address which foundations and Grand Challenges, and the
programme's timeline. Rendering is the templates' job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import sparql_text
from ..store import Store
from ..vocab import prologue
from .labels import label_of, labelled

__all__ = [
    "KINDS",
    "Column",
    "Matrix",
    "ProgrammeEvent",
    "ProgrammeMark",
    "ProgrammePicture",
    "ProgrammeRow",
    "authored",
    "programme_columns",
    "programme_events",
    "programme_marks",
    "programme_matrix",
    "programme_picture",
    "stated_events",
]

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

    def only(self, *rows: str) -> Matrix | None:
        """The matrix of the given rows alone (in the matrix's order), keeping only those the
        sources link to something; None when none is. A LEP page passes the LEP and what it
        authored, since priorities belong to the strategy, not the LEP (review E1)."""
        wanted = [r for r in rows if any(self.cell(r, c.iri) for c in self.columns)]
        if not wanted:
            return None
        return Matrix(
            columns=self.columns,
            rows=[(iri, label) for iri, label in self.rows if iri in wanted],
            cells={key: n for key, n in self.cells.items() if key[0] in wanted},
        )

    def cell(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)


def authored(store: Store, base: str, iri: str) -> list[str]:
    """What ``iri`` authored (``dcterms:creator``): a LEP's strategies and documents."""
    rows = store.query(
        prologue(base) + f"SELECT DISTINCT ?w WHERE {{ ?w dcterms:creator <{iri}> }} ORDER BY ?w"
    ).rows()
    return [r["w"].value for r in rows]


def programme_columns(store: Store, base: str) -> list[Column]:
    """The matrix's columns: the foundations of productivity, then the Grand Challenges."""
    columns = [
        Column(r["c"].value, r["label"].value, r["group"].value)
        for r in store.query(
            prologue(base) + "SELECT ?c ?label ?group WHERE { "
            "{ ?c a lis:Foundation BIND('foundation' AS ?group) } "
            "UNION { ?c a lis:GrandChallenge BIND('challenge' AS ?group) } "
            "?c skos:prefLabel ?label OPTIONAL { ?c skos:notation ?n } } ORDER BY ?group ?n ?label"
        ).rows()
    ]
    columns.sort(key=lambda c: c.group != "foundation")
    return columns


def programme_matrix(store: Store, base: str) -> Matrix:
    """Which strategies (and LEPs, documents) address which foundations and challenges, as far
    as the sources say. Every strategy has a row, so the gaps in the sources show too."""
    p = prologue(base)
    columns = programme_columns(store, base)
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


# --- the whole programme: every LEP's strategy as dated events ----------------------------------

#: Status kinds in the order of a strategy's life (the status IRI's last segment).
KINDS = (
    "announced",
    "consultation",
    "in-development",
    "evidence-base",
    "prospectus",
    "draft",
    "submitted",
    "locally-approved",
    "published",
    "unknown",
)


@dataclass(frozen=True)
class ProgrammeEvent:
    """One dated event of a LEP's strategy, as one source states it."""

    iri: str
    kind: str  # a member of KINDS
    kind_label: str
    date: str  # at the source's precision: YYYY, YYYY-MM or YYYY-MM-DD
    date_from: str  # the first and last day the date can mean (xsd:date)
    date_to: str
    source: str
    source_label: str
    strategy: str


@dataclass
class ProgrammeRow:
    """A LEP and the dated events of its strategy (or strategies), in date order."""

    iri: str
    label: str
    events: list[ProgrammeEvent] = field(default_factory=list)
    undated: list[ProgrammeEvent] = field(default_factory=list)  # events no source dates


def _year_fraction(day: str) -> float:
    year, month, date = (int(part) for part in day.split("-"))
    return year + ((month - 1) + (date - 1) / 31) / 12


@dataclass
class ProgrammeMark:
    """Where an event (or several sources stating the same event) is drawn on its row."""

    start: float  # in years, e.g. 2019.38
    end: float
    lane: int
    events: list[ProgrammeEvent]

    @property
    def kind(self) -> str:
        return self.events[0].kind

    @property
    def is_span(self) -> bool:
        """A date of year or month precision is drawn as the span it can mean."""
        return len(self.events[0].date) < 10


def programme_events(store: Store, base: str, lep: str | None = None) -> list[ProgrammeRow]:
    """Every LEP (so those with no event show as such), every status record of a strategy it
    wrote and the announcement of its wave, each with its source; LEPs sorted by name, events by
    date (undated ones apart). With ``lep``, that LEP's row only."""
    p = prologue(base)
    only = f"VALUES ?lep {{ {sparql_text.iri(lep)} }} " if lep else ""
    leps = store.query(
        p + f"SELECT ?lep ?name WHERE {{ {only}?lep a lis:LocalEnterprisePartnership ; "
        "skos:prefLabel ?name FILTER(LANG(?name) = 'en' || LANG(?name) = '') }"
    ).rows()
    rows: dict[str, ProgrammeRow] = {}
    for r in leps:
        rows.setdefault(r["lep"].value, ProgrammeRow(r["lep"].value, r["name"].value))
    events = store.query(
        p + "SELECT DISTINCT ?lep ?event ?status ?statusLabel ?date ?from ?to ?source ?strategy "
        f"?source_label WHERE {{ {only}{{ ?strategy a lis:LocalIndustrialStrategy . "
        "{ ?strategy dcterms:creator ?lep ; lis:statusRecord ?event } "
        # a draft of the strategy that is a document of its own (its authors' events)
        "UNION { ?draft lis:informs ?strategy ; dcterms:creator ?lep ; lis:statusRecord ?event "
        "FILTER NOT EXISTS { ?draft a lis:LocalIndustrialStrategy } } "
        "?event lis:status ?status ; "
        "dcterms:source ?source . ?status skos:prefLabel ?statusLabel "
        "OPTIONAL { ?event dcterms:date ?date ; lis:dateFrom ?from ; lis:dateTo ?to } } "
        # a wave's announcement, dated by the source whose graph states the date
        "UNION { ?event lis:waveMember ?lep ; skos:prefLabel ?wave ; lis:dateFrom ?from ; "
        "lis:dateTo ?to . GRAPH ?g { ?event lis:announced ?date } "
        "?g prov:wasDerivedFrom ?source . BIND('announced-wave' AS ?status) "
        'BIND(CONCAT("announced (", STR(?wave), ")") AS ?statusLabel) } '
        f"{labelled('source')} }}"
    ).rows()
    seen: set[tuple[str, str]] = set()
    for r in events:
        lep = r["lep"].value
        if lep not in rows or (lep, r["event"].value) in seen:
            continue
        seen.add((lep, r["event"].value))
        status = r["status"].value
        kind = "announced" if status == "announced-wave" else status.rsplit("/", 1)[-1]
        dated = "date" in r
        event = ProgrammeEvent(
            iri=r["event"].value,
            kind=kind if kind in KINDS else "unknown",
            kind_label=r["statusLabel"].value,
            date=r["date"].value if dated else "",
            date_from=r["from"].value if dated else "",
            date_to=r["to"].value if dated else "",
            source=r["source"].value,
            source_label=label_of(r, "source"),
            strategy=r["strategy"].value if "strategy" in r else "",
        )
        (rows[lep].events if dated else rows[lep].undated).append(event)
    for row in rows.values():
        row.events.sort(key=lambda e: (e.date_from, e.date_to, KINDS.index(e.kind), e.iri))
        row.undated.sort(key=lambda e: (KINDS.index(e.kind), e.iri))
    return sorted(rows.values(), key=lambda row: row.label.lower())


def stated_events(row: ProgrammeRow) -> list[list[ProgrammeEvent]]:
    """The row's events, dated then undated, with the sources that state the same stage on the
    same date (or both undated) together: one entry per stage and date, each the events of its
    sources in the order met (review E16: one line, not one per source)."""
    grouped: dict[tuple[str, str], list[ProgrammeEvent]] = {}
    for event in row.events + row.undated:
        grouped.setdefault((event.kind_label, event.date), []).append(event)
    return list(grouped.values())


def programme_marks(row: ProgrammeRow, gap: float = 0.12) -> list[ProgrammeMark]:
    """The row's events as marks: sources stating the same kind of event on the same date share
    one mark; marks that would touch go to the next lane down, so none covers another."""
    grouped: dict[tuple[str, str], list[ProgrammeEvent]] = {}
    for event in row.events:
        grouped.setdefault((event.kind, event.date), []).append(event)
    marks: list[ProgrammeMark] = []
    lane_ends: list[float] = []
    for events in grouped.values():
        start = _year_fraction(events[0].date_from)
        end = _year_fraction(events[0].date_to) + 1 / 365
        lane = next((i for i, last in enumerate(lane_ends) if last + gap <= start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(end)
        lane_ends[lane] = max(end, start + gap)
        marks.append(ProgrammeMark(start, end, lane, events))
    return marks


@dataclass
class ProgrammePicture:
    """The whole programme: one row per LEP with its marks, and the years the axis spans."""

    rows: list[tuple[ProgrammeRow, list[ProgrammeMark]]]
    first_year: int
    last_year: int  # the axis ends on 1 January of this year

    @property
    def kinds(self) -> list[str]:
        """The kinds of event drawn, in the order of a strategy's life (for the legend)."""
        drawn = {mark.kind for _, marks in self.rows for mark in marks}
        return [kind for kind in KINDS if kind in drawn]


def programme_picture(store: Store, base: str) -> ProgrammePicture:
    """Every LEP's strategy as dated events, laid out for drawing."""
    rows = [(row, programme_marks(row)) for row in programme_events(store, base)]
    starts = [mark.start for _, marks in rows for mark in marks]
    ends = [mark.end for _, marks in rows for mark in marks]
    first = int(min(starts)) if starts else 2017
    last = int(max(ends)) + 1 if ends else 2025
    return ProgrammePicture(rows, first, last)
