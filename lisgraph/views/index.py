"""What the dataset holds under ``{base}id/``, for the index pages (``/id/``, ``/id/{kind}/``)
and for the suggestions of a 404, asked of any :class:`~lisgraph.store.Store` by SPARQL."""

from __future__ import annotations

from dataclasses import dataclass

from .. import sparql_text
from ..store import Store
from .labels import fallback_label, label_map

__all__ = ["Kind", "kinds_of_things", "suggestions", "things_of_kind"]


@dataclass(frozen=True)
class Kind:
    """Things whose IRIs share a path segment (``id/lep/...``): the segment and their number."""

    segment: str
    count: int


def _subjects(store: Store, prefix: str) -> list[str]:
    rows = store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
        f"{sparql_text.string(prefix)})) }} ORDER BY ?s"
    ).rows()
    return [r["s"].value for r in rows]


def kinds_of_things(store: Store, base: str) -> list[Kind]:
    """Every ``id/{segment}/`` with the number of things described under it, by segment."""
    counts: dict[str, int] = {}
    for iri in _subjects(store, base + "id/"):
        segment = iri[len(base) + 3 :].split("/", 1)[0]
        counts[segment] = counts.get(segment, 0) + 1
    return [Kind(segment, n) for segment, n in sorted(counts.items())]


def things_of_kind(store: Store, base: str, segment: str) -> list[tuple[str, str]]:
    """Every thing described under ``id/{segment}/``, with its label, by label."""
    iris = _subjects(store, f"{base}id/{segment}/")
    labels = label_map(store, set(iris))
    things = [(iri, labels.get(iri) or fallback_label(iri)) for iri in iris]
    return sorted(things, key=lambda pair: pair[1].lower())


def suggestions(store: Store, base: str, iri: str, limit: int = 10) -> list[tuple[str, str]]:
    """IRIs to offer instead of ``iri``, which the dataset does not have: the same IRI in another
    case (``e37000057``), else things of the same kind whose IRI starts the same way."""
    path = iri[len(base) :] if iri.startswith(base) else ""
    if not path.startswith("id/"):
        return []
    segment = path[3:].split("/", 1)[0]
    things = things_of_kind(store, base, segment)
    same = [(i, label) for i, label in things if i.lower() == iri.lower()]
    if same:
        return same
    stem = path[4 + len(segment) :].lower()
    close = [(i, label) for i, label in things if stem and stem[:3] in i.lower()[len(base) :]]
    return (close or things)[:limit]
