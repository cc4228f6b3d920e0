"""What the pictures and profile pages show, asked of any :class:`~lisgraph.store.Store` through
SPARQL only: which strategies address which foundations and Grand Challenges, the programme's
timeline, the ontology as a diagram, and a LEP's profile. Rendering is the templates' job.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..store import Store, Term
from .resource import fallback_label

__all__ = [
    "Diagram",
    "Event",
    "LepProfile",
    "Matrix",
    "lep_profile",
    "ontology_diagram",
    "programme_matrix",
    "timeline",
]

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"


def _label(var: str) -> str:
    """Graph patterns binding ?{var}_label to ?{var}'s name, title or label, if it has one."""
    return (
        f"OPTIONAL {{ ?{var} <{SKOS}prefLabel> ?{var}_pl }} "
        f"OPTIONAL {{ ?{var} <{DCT}title> ?{var}_t }} "
        f"OPTIONAL {{ ?{var} <{RDFS}label> ?{var}_l }} "
        f"BIND(COALESCE(?{var}_pl, ?{var}_t, ?{var}_l) AS ?{var}_label)"
    )


def _name(row: dict[str, Term], var: str) -> str:
    """The label :func:`_label` bound for ?{var}, or one made from its IRI."""
    label = row.get(f"{var}_label")
    return label.value if label is not None else fallback_label(row[var].value)


def _prologue(base: str) -> str:
    return (
        f"PREFIX lis: <{base}def/lis#> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> "
        f"PREFIX dcterms: <{DCT}> PREFIX org: <{ORG}> PREFIX prov: <{PROV}> "
    )


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
    p = _prologue(base)
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
        + _label("x")
        + " } GROUP BY ?x ?x_label ?c"
    ).rows()
    for r in rows:
        x = r["x"].value
        cells[(x, r["c"].value)] = int(r["n"].value)
        labels[x] = _name(r, "x")
    for r in store.query(
        p + "SELECT ?x ?x_label WHERE { ?x a lis:LocalIndustrialStrategy " + _label("x") + " }"
    ).rows():
        labels.setdefault(r["x"].value, _name(r, "x"))
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
    p = _prologue(base)
    rows = store.query(
        p + "SELECT DISTINCT ?x ?x_label ?d ?kind WHERE { "
        "{ ?x a lis:NationalStrategy ; dcterms:issued ?d BIND('national' AS ?kind) } "
        "UNION { ?x a lis:Wave ; lis:announced ?d BIND('wave' AS ?kind) } "
        "UNION { ?x a lis:Wave ; lis:plannedPublication ?d BIND('planned' AS ?kind) } "
        "UNION { ?x a lis:LocalIndustrialStrategy ; dcterms:issued ?d BIND('strategy' AS ?kind) } "
        "UNION { ?x a lis:FunctionTransfer ; dcterms:date ?d BIND('closure' AS ?kind) } "
        "UNION { ?x a prov:Activity ; dcterms:date ?d BIND('closure' AS ?kind) } "
        + _label("x")
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
        label = _name(r, "x")
        if r["kind"].value == "wave":
            label = f"{label} announced"
        elif r["kind"].value == "planned":
            label = f"{label}: publication planned"
        event = Event(r["d"].value, label, iri, r["kind"].value)
        level = sum(1 for e in events if abs(e.year - event.year) < 0.2)
        events.append(Event(event.date, label, iri, event.kind, level))
    return events


# --- the ontology diagram ------------------------------------------------------------------------


@dataclass
class Diagram:
    """The ontology's classes, by module, and the object properties between them."""

    modules: list[tuple[str, list[tuple[str, str]]]]  # (module label, [(class iri, label)])
    edges: list[tuple[str, str, str, str]]  # (domain, range, property iri, property label)
    subclass: list[tuple[str, str]]  # (class, superclass), both in the ontology


def ontology_diagram(store: Store, base: str) -> Diagram:
    namespace = f"{base}def/lis#"
    p = _prologue(base) + f"PREFIX owl: <{OWL}> "
    classes = store.query(
        p + "SELECT ?c ?label ?module WHERE { ?c a owl:Class ; rdfs:label ?label ; "
        f'rdfs:isDefinedBy ?module FILTER(STRSTARTS(STR(?c), "{namespace}")) }} '
        "ORDER BY ?module ?label"
    ).rows()
    by_module: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in classes:
        by_module[r["module"].value].append((r["c"].value, r["label"].value))
    known = {iri for members in by_module.values() for iri, _ in members}
    edges = [
        (r["d"].value, r["r"].value, r["p"].value, r["label"].value)
        for r in store.query(
            p + "SELECT ?d ?r ?p ?label WHERE { ?p a owl:ObjectProperty ; rdfs:label ?label ; "
            "rdfs:domain ?d ; rdfs:range ?r } ORDER BY ?label"
        ).rows()
        if r["d"].value in known and r["r"].value in known
    ]
    subclass = [
        (r["c"].value, r["s"].value)
        for r in store.query(p + "SELECT ?c ?s WHERE { ?c rdfs:subClassOf ?s }").rows()
        if r["c"].value in known and r["s"].value in known
    ]
    modules = [
        (module.rsplit("/", 1)[-1].replace("lis", "core"), members)
        for module, members in sorted(by_module.items())
    ]
    return Diagram(modules=modules, edges=edges, subclass=subclass)


# --- a LEP's profile -----------------------------------------------------------------------------


@dataclass
class LepProfile:
    """What a LEP's page lists beyond its own statements."""

    districts: list[tuple[str, str]] = field(default_factory=list)
    strategies: list[tuple[str, str, str]] = field(default_factory=list)  # iri, label, issued
    priorities: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # by foundation
    projects: list[tuple[str, str, str]] = field(default_factory=list)  # iri, label, class label
    statistics: list[dict[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.districts or self.strategies or self.projects or self.statistics)


def lep_profile(store: Store, base: str, lep: str) -> LepProfile | None:
    """The profile of ``lep`` if it is a Local Enterprise Partnership, else None."""
    p = _prologue(base)
    node = f"<{lep}>"
    if not store.query(p + f"ASK {{ {node} a lis:LocalEnterprisePartnership }}").raw:
        return None
    profile = LepProfile()
    profile.districts = [
        (r["d"].value, r["name"].value)
        for r in store.query(
            p + f"SELECT ?d ?name WHERE {{ {node} lis:area ?area . ?d lis:inLEPArea ?area ; "
            "skos:prefLabel ?name } ORDER BY ?name"
        ).rows()
    ]
    # A strategy is the LEP's when the LEP wrote it or it covers the LEP's area.
    of_lep = (
        f"{{ ?s dcterms:creator {node} }} "
        f"UNION {{ {node} lis:area ?area . ?s lis:coversArea ?area }} "
    )
    strategies = store.query(
        p
        + "SELECT DISTINCT ?s ?s_label ?issued WHERE { ?s a lis:LocalIndustrialStrategy . "
        + of_lep
        + "OPTIONAL { ?s dcterms:issued ?issued } "
        + _label("s")
        + " } ORDER BY ?s_label"
    ).rows()
    profile.strategies = [
        (
            r["s"].value,
            _name(r, "s"),
            r["issued"].value if "issued" in r else "",
        )
        for r in strategies
    ]
    priorities = store.query(
        p + "SELECT DISTINCT ?p ?p_label ?f ?fl ?n WHERE { "
        f"{{ {node} lis:priority ?p }} "
        "UNION { ?s a lis:LocalIndustrialStrategy ; lis:priority ?p . " + of_lep + "} "
        "OPTIONAL { ?p lis:servesFoundation ?f . ?f skos:prefLabel ?fl "
        "  OPTIONAL { ?f skos:notation ?n } } "
        "OPTIONAL { ?p lis:listPosition ?pos } " + _label("p") + " } ORDER BY ?n ?pos ?p_label"
    ).rows()
    grouped: dict[str, list[tuple[str, str]]] = {}
    for r in sorted(priorities, key=lambda r: "fl" not in r):  # untied ones last
        group = r["fl"].value if "fl" in r else "Not tied to one foundation"
        item = (
            r["p"].value,
            _name(r, "p"),
        )
        if item not in grouped.setdefault(group, []):
            grouped[group].append(item)
    profile.priorities = grouped
    projects = store.query(
        p + "SELECT DISTINCT ?x ?x_label ?cl WHERE { "
        "VALUES ?type { lis:Project lis:Investment lis:GrowthDeal lis:FundingProgramme "
        "  lis:Programme } ?x a ?type . ?type rdfs:label ?cl . "
        f"{{ ?x ?p1 {node} }} UNION {{ {node} ?p2 ?x }} "
        f"UNION {{ {node} lis:area ?area . ?x ?p3 ?area }} "
        + _label("x")
        + " } ORDER BY ?cl ?x_label"
    ).rows()
    profile.projects = [
        (
            r["x"].value,
            _name(r, "x"),
            r["cl"].value,
        )
        for r in projects
    ]
    stats = store.query(
        p + "SELECT ?s ?s_label ?value ?unit ?period WHERE { "
        f"{node} lis:area ?area . ?s a lis:Statistic ; lis:refArea ?area . "
        "OPTIONAL { ?s lis:value ?value } "
        "OPTIONAL { ?s lis:unit ?u . ?u skos:prefLabel|rdfs:label ?unit } "
        "OPTIONAL { ?s lis:refPeriod ?period } " + _label("s") + " } ORDER BY ?s_label"
    ).rows()
    profile.statistics = [
        {
            "iri": r["s"].value,
            "label": _name(r, "s"),
            "value": r["value"].value if "value" in r else "",
            "unit": r["unit"].value if "unit" in r else "",
            "period": r["period"].value if "period" in r else "",
        }
        for r in stats
    ]
    return profile
