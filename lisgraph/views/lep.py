"""What a LEP's page lists beyond its own statements: its districts, strategies, priorities by
foundation, projects and statistics."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import sparql_text
from ..store import Store
from ..vocab import prologue
from .labels import label_of, labelled

__all__ = ["LepProfile", "lep_profile"]


@dataclass
class LepProfile:
    """What a LEP's page lists beyond its own statements."""

    districts: list[tuple[str, str]] = field(default_factory=list)
    strategies: list[tuple[str, str, str]] = field(default_factory=list)  # iri, label, issued
    priorities: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # by foundation
    projects: list[tuple[str, str, str]] = field(default_factory=list)  # iri, label, class label
    statistics: list[dict[str, str]] = field(default_factory=list)


def lep_profile(store: Store, base: str, lep: str) -> LepProfile | None:
    """The profile of ``lep`` if it is a Local Enterprise Partnership, else None."""
    p = prologue(base)
    node = sparql_text.iri(lep)
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
        + labelled("s")
        + " } ORDER BY ?s_label"
    ).rows()
    profile.strategies = [
        (
            r["s"].value,
            label_of(r, "s"),
            r["issued"].value if "issued" in r else "",
        )
        for r in strategies
    ]
    profile.priorities = _priorities(store, p, node, of_lep)
    profile.projects = _projects(store, p, node)
    profile.statistics = _statistics(store, p, node)
    return profile


def _priorities(store: Store, p: str, node: str, of_lep: str) -> dict[str, list[tuple[str, str]]]:
    """The LEP's priorities and its strategies', grouped by the foundation each serves."""
    priorities = store.query(
        p + "SELECT DISTINCT ?p ?p_label ?f ?fl ?n WHERE { "
        f"{{ {node} lis:priority ?p }} "
        "UNION { ?s a lis:LocalIndustrialStrategy ; lis:priority ?p . " + of_lep + "} "
        "OPTIONAL { ?p lis:servesFoundation ?f . ?f skos:prefLabel ?fl "
        "  OPTIONAL { ?f skos:notation ?n } } "
        "OPTIONAL { ?p lis:listPosition ?pos } " + labelled("p") + " } ORDER BY ?n ?pos ?p_label"
    ).rows()
    grouped: dict[str, list[tuple[str, str]]] = {}
    for r in sorted(priorities, key=lambda r: "fl" not in r):  # untied ones last
        group = r["fl"].value if "fl" in r else "Not tied to one foundation"
        item = (
            r["p"].value,
            label_of(r, "p"),
        )
        if item not in grouped.setdefault(group, []):
            grouped[group].append(item)
    return grouped


def _projects(store: Store, p: str, node: str) -> list[tuple[str, str, str]]:
    """Projects, investments, deals and programmes linked to the LEP or its area."""
    projects = store.query(
        p + "SELECT DISTINCT ?x ?x_label ?cl WHERE { "
        "VALUES ?type { lis:Project lis:Investment lis:GrowthDeal lis:FundingProgramme "
        "  lis:Programme } ?x a ?type . ?type rdfs:label ?cl . "
        f"{{ ?x ?p1 {node} }} UNION {{ {node} ?p2 ?x }} "
        f"UNION {{ {node} lis:area ?area . ?x ?p3 ?area }} "
        + labelled("x")
        + " } ORDER BY ?cl ?x_label"
    ).rows()
    return [
        (
            r["x"].value,
            label_of(r, "x"),
            r["cl"].value,
        )
        for r in projects
    ]


def _statistics(store: Store, p: str, node: str) -> list[dict[str, str]]:
    """Statistics about the LEP's area, with value, unit and period where stated."""
    stats = store.query(
        p + "SELECT ?s ?s_label ?value ?unit ?period WHERE { "
        f"{node} lis:area ?area . ?s a lis:Statistic ; lis:refArea ?area . "
        "OPTIONAL { ?s lis:value ?value } "
        "OPTIONAL { ?s lis:unit ?u . ?u skos:prefLabel|rdfs:label ?unit } "
        "OPTIONAL { ?s lis:refPeriod ?period } " + labelled("s") + " } ORDER BY ?s_label"
    ).rows()
    return [
        {
            "iri": r["s"].value,
            "label": label_of(r, "s"),
            "value": r["value"].value if "value" in r else "",
            "unit": r["unit"].value if "unit" in r else "",
            "period": r["period"].value if "period" in r else "",
        }
        for r in stats
    ]
