"""Counts that describe a build: triples, entities per class, and how often each source is cited."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..store import Store
from ..vocab import DCTERMS

__all__ = ["Stats", "compute_stats"]


@dataclass(frozen=True)
class Stats:
    """Triples, (class IRI, instance count) pairs and (source IRI, title, citing resources)."""

    triples: int
    classes: list[tuple[str, int]]
    sources: list[tuple[str, str, int]]


def compute_stats(store: Store) -> Stats:
    """Compute :class:`Stats` for everything in ``store``; rows sorted by count, then IRI."""
    classes = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?n) ?class"
    ).raw
    sources = store.query(
        f"PREFIX dcterms: <{DCTERMS}> "
        "SELECT ?source (SAMPLE(?t) AS ?title) (COUNT(DISTINCT ?s) AS ?n) "
        "WHERE { ?s dcterms:source ?source . OPTIONAL { ?source dcterms:title ?t } } "
        "GROUP BY ?source ORDER BY DESC(?n) ?source"
    ).raw
    assert isinstance(classes, ox.QuerySolutions) and isinstance(sources, ox.QuerySolutions)
    return Stats(
        triples=store.triple_count(),
        classes=[(row["class"].value, int(row["n"].value)) for row in classes],
        sources=[
            (row["source"].value, row["title"].value if row["title"] else "", int(row["n"].value))
            for row in sources
        ],
    )
