"""The class pages (``/id/lep/``, ``/id/district/``, ``/id/strategy/``): every thing of a kind
with the facts people compare it by, sortable, filtered by facets and paged.

One grouped SPARQL query per kind gives a row per thing (values of a column that has several
are joined); facets, sorting and paging are done on those rows. The pages are kept per build by
the web app's page cache, so the query runs once per build and URL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..store import Store
from ..vocab import prologue

__all__ = ["LISTINGS", "Column", "KindListing", "Listing", "list_kind"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False
    link: str | None = None  # the key of the column holding the IRI this column's value names


@dataclass(frozen=True)
class KindListing:
    """What a class page of one kind shows: its columns, the facets, the query's body."""

    title: str
    columns: tuple[Column, ...]
    facets: tuple[str, ...]
    where: str  # binds ?item and one variable per column key (and ?{key}_iri for links)


_SEP = " | "

LISTINGS: dict[str, KindListing] = {
    "lep": KindListing(
        "Local Enterprise Partnerships",
        (
            Column("label", "Name", link="item"),
            Column("code", "GSS code"),
            Column("districts", "Districts", numeric=True),
            Column("wave", "Wave"),
            Column("status", "Strategy's latest status"),
        ),
        ("wave", "status"),
        "?item a lis:LocalEnterprisePartnership ; skos:prefLabel ?label . "
        "OPTIONAL { ?item lis:area ?area . ?area lis:gssCode ?code } "
        "OPTIONAL { { SELECT ?item (COUNT(DISTINCT ?d) AS ?districts) WHERE { "
        "?item lis:area ?a2 . ?d lis:inLEPArea ?a2 } GROUP BY ?item } } "
        "OPTIONAL { ?w lis:waveMember ?item ; skos:prefLabel ?wave } "
        "OPTIONAL { ?s dcterms:creator ?item ; lis:latestStatus ?st . "
        "?st skos:prefLabel ?status }",
    ),
    "district": KindListing(
        "Local authority districts",
        (
            Column("label", "Name", link="item"),
            Column("code", "GSS code"),
            Column("lep", "LEP (April 2020)", link="lep_iri"),
        ),
        ("lep",),
        "?item a lis:LocalAuthorityDistrict ; skos:prefLabel ?label . "
        "OPTIONAL { ?item lis:gssCode ?code } "
        "OPTIONAL { ?item lis:inLEPArea ?a . ?lep_iri lis:area ?a ; skos:prefLabel ?lep }",
    ),
    "strategy": KindListing(
        "Local Industrial Strategies",
        (
            Column("label", "Strategy", link="item"),
            Column("authors", "Authors"),
            Column("wave", "Wave"),
            Column("status", "Latest status"),
            Column("date", "Date of that status"),
        ),
        ("wave", "status"),
        "?item a lis:LocalIndustrialStrategy . "
        "OPTIONAL { ?item dcterms:title ?title } OPTIONAL { ?item rdfs:label ?rlabel } "
        "BIND(COALESCE(?title, ?rlabel, STR(?item)) AS ?label) "
        "OPTIONAL { ?item dcterms:creator ?c . ?c skos:prefLabel ?authors } "
        "OPTIONAL { ?item lis:wave ?w . ?w skos:prefLabel ?wave } "
        "OPTIONAL { ?item lis:latestStatus ?st . ?st skos:prefLabel ?status } "
        "OPTIONAL { ?item lis:latestStatusDate ?date }",
    ),
}


@dataclass
class Listing:
    """One page of a class page: its rows, the facets with counts, and where the page is."""

    kind: KindListing
    rows: list[dict[str, str]]
    total: int
    page: int
    pages: int
    sort: str
    descending: bool
    chosen: dict[str, str] = field(default_factory=dict)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _rows(store: Store, base: str, kind: KindListing) -> list[dict[str, str]]:
    keys = [c.key for c in kind.columns if c.key != "label"]
    links = [c.link for c in kind.columns if c.link and c.link != "item"]
    picks = " ".join(
        f"(GROUP_CONCAT(DISTINCT STR(?{k}); separator='{_SEP}') AS ?{k}_all)" for k in keys
    )
    iris = " ".join(f"(SAMPLE(STR(?{k})) AS ?{k}_one)" for k in links)
    query = (
        prologue(base) + f"SELECT ?item (SAMPLE(STR(?label)) AS ?label_one) {picks} {iris} "
        f"WHERE {{ {kind.where} }} GROUP BY ?item"
    )
    rows = []
    for r in store.query(query).rows():
        row = {"item": r["item"].value, "label": r["label_one"].value if "label_one" in r else ""}
        for k in keys:
            row[k] = r[f"{k}_all"].value if f"{k}_all" in r else ""
        for k in links:
            row[k] = r[f"{k}_one"].value if f"{k}_one" in r else ""
        rows.append(row)
    return rows


def _sort_key(column: Column, row: dict[str, str]) -> tuple[int, float | str]:
    value = row.get(column.key, "")
    if not value:
        return (1, "")  # things the sources say nothing of come last
    if column.numeric:
        try:
            return (0, float(value))
        except ValueError:
            return (0, math.inf)
    return (0, value.lower())


def list_kind(
    store: Store,
    base: str,
    segment: str,
    *,
    sort: str = "label",
    descending: bool = False,
    page: int = 1,
    size: int = 50,
    chosen: dict[str, str] | None = None,
) -> Listing | None:
    """Page ``page`` of the things of kind ``segment`` (None when it has no class page),
    filtered by ``chosen`` facet values and sorted by column ``sort``."""
    kind = LISTINGS.get(segment)
    if kind is None:
        return None
    rows = _rows(store, base, kind)
    chosen = {k: v for k, v in (chosen or {}).items() if k in kind.facets and v}
    facets: dict[str, list[tuple[str, int]]] = {}
    for key in kind.facets:
        # a facet's counts under the other chosen facets, as faceted browsers count
        others = [r for r in rows if all(_has(r, k, v) for k, v in chosen.items() if k != key)]
        counts: dict[str, int] = {}
        for row in others:
            for value in _values(row, key):
                counts[value] = counts.get(value, 0) + 1
        facets[key] = sorted(counts.items(), key=lambda item: item[0].lower())
    kept = [r for r in rows if all(_has(r, k, v) for k, v in chosen.items())]
    column = next((c for c in kind.columns if c.key == sort), kind.columns[0])
    kept.sort(key=lambda r: _sort_key(column, r), reverse=descending)
    pages = max(1, math.ceil(len(kept) / size))
    page = min(max(1, page), pages)
    return Listing(
        kind=kind,
        rows=kept[(page - 1) * size : page * size],
        total=len(kept),
        page=page,
        pages=pages,
        sort=column.key,
        descending=descending,
        chosen=chosen,
        facets=facets,
    )


def _values(row: dict[str, str], key: str) -> list[str]:
    return [v for v in row.get(key, "").split(_SEP) if v] or ["(not stated)"]


def _has(row: dict[str, str], key: str, value: str) -> bool:
    return value in _values(row, key)
