"""What the dataset holds under ``{base}id/``, for the index pages (``/id/``, ``/id/{kind}/``),
asked of any :class:`~lisgraph.store.Store` by SPARQL; and the suggestions of a 404, looked up
in the build's search index (a 404 must stay cheap: a SPARQL scan of every subject cost 50 to
150 ms a request at 100k triples)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import sparql_text
from ..search_index import near_iri
from ..store import Store
from ..vocab import prologue
from .labels import fallback_label, label_map

__all__ = [
    "Kind",
    "kinds_of_things",
    "leps_with_areas",
    "subjects_under",
    "suggestions",
    "things_of_kind",
]


@dataclass(frozen=True)
class Kind:
    """Things whose IRIs share a path segment (``id/lep/...``): the segment and their number."""

    segment: str
    count: int


def subjects_under(store: Store, prefix: str) -> list[str]:
    """Every subject whose IRI starts with ``prefix``, sorted."""
    rows = store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
        f"{sparql_text.string(prefix)})) }} ORDER BY ?s"
    ).rows()
    return [r["s"].value for r in rows]


def kinds_of_things(store: Store, base: str) -> list[Kind]:
    """Every ``id/{segment}/`` with the number of things described under it, by segment."""
    counts: dict[str, int] = {}
    for iri in subjects_under(store, base + "id/"):
        segment = iri[len(base) + 3 :].split("/", 1)[0]
        counts[segment] = counts.get(segment, 0) + 1
    return [Kind(segment, n) for segment, n in sorted(counts.items())]


def things_of_kind(store: Store, base: str, segment: str) -> list[tuple[str, str]]:
    """Every thing described under ``id/{segment}/``, with its label, by label."""
    iris = subjects_under(store, f"{base}id/{segment}/")
    labels = label_map(store, set(iris))
    things = [(iri, labels.get(iri) or fallback_label(iri)) for iri in iris]
    return sorted(things, key=lambda pair: pair[1].lower())


def suggestions(index: Path, base: str, iri: str, limit: int = 10) -> list[tuple[str, str]]:
    """IRIs to offer instead of ``iri``, which the dataset does not have, from the build's
    search index ``index`` (none without one): the same IRI in another case (``e37000057``),
    else named things of the same kind whose IRI shares three letters with it, else the first of
    that kind by label."""
    path = iri[len(base) :] if iri.startswith(base) else ""
    if not path.startswith("id/"):
        return []
    segment = path[3:].split("/", 1)[0]
    stem = path[4 + len(segment) :].lower()[:3]
    try:
        return near_iri(index, iri, f"{base}id/{segment}/", stem, len(base), limit)
    except FileNotFoundError:
        return []


def leps_with_areas(store: Store, base: str) -> list[tuple[str, str]]:
    """(IRI, name) of every LEP that has an area, by name."""
    rows = store.query(
        prologue(base) + "SELECT ?lep ?name WHERE { ?lep a lis:LocalEnterprisePartnership ; "
        "lis:area ?area ; skos:prefLabel ?name } ORDER BY ?name"
    ).rows()
    return [(r["lep"].value, r["name"].value) for r in rows]
