"""Named graphs and what the dataset holds, as pages and the Graph Store Protocol show them,
asked of any :class:`~lisgraph.store.Store` through SPARQL only.

Each source file is loaded into its own named graph; the graph's first statement names the
source it is derived from (``<graph/FILE> prov:wasDerivedFrom <id/source/...>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import sparql_text
from ..store import QueryResult, Store
from ..vocab import DCTERMS, PROV
from .labels import fallback_label, label_map

__all__ = [
    "ClassCount",
    "GraphSummary",
    "class_counts",
    "graph_summaries",
    "graph_summary",
    "graph_triples",
    "is_named_graph",
]


@dataclass(frozen=True)
class ClassCount:
    """A class and how many things of it there are (in a graph, or in the dataset)."""

    iri: str
    label: str
    count: int


@dataclass
class GraphSummary:
    """A named graph as its page shows it: its source, size and what it is about."""

    iri: str
    triples: int
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source IRI, its title)
    classes: list[ClassCount] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.sources and self.sources[0][1]:
            return self.sources[0][1]
        return fallback_label(self.iri)


def is_named_graph(store: Store, iri: str) -> bool:
    """Whether the dataset has a named graph ``iri``."""
    return iri in store.named_graphs()


def graph_triples(store: Store, iri: str) -> QueryResult:
    """The triples of the named graph ``iri`` (none when there is no such graph)."""
    node = sparql_text.iri(iri)
    return store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")


def _count(store: Store, pattern: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").rows()
    return int(rows[0]["n"].value) if rows else 0


def class_counts(store: Store, graph: str | None = None) -> list[ClassCount]:
    """Every class with instances (in ``graph``, or in the default graph), most instances
    first, with its label."""
    pattern = "?s a ?class"
    if graph is not None:
        pattern = f"GRAPH {sparql_text.iri(graph)} {{ {pattern} }}"
    rows = store.query(
        f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {pattern} FILTER(isIRI(?class)) }} "
        "GROUP BY ?class ORDER BY DESC(?n) ?class"
    ).rows()
    labels = label_map(store, {r["class"].value for r in rows})
    return [
        ClassCount(
            r["class"].value,
            labels.get(r["class"].value) or fallback_label(r["class"].value),
            int(r["n"].value),
        )
        for r in rows
    ]


def graph_summary(store: Store, iri: str) -> GraphSummary:
    """What the page of the named graph ``iri`` shows."""
    node = sparql_text.iri(iri)
    summary = GraphSummary(iri=iri, triples=_count(store, f"GRAPH {node} {{ ?s ?p ?o }}"))
    rows = store.query(
        f"SELECT DISTINCT ?source ?title WHERE {{ GRAPH {node} {{ {node} "
        f"<{PROV.wasDerivedFrom}> ?source }} OPTIONAL {{ ?source <{DCTERMS.title}> ?title }} }} "
        "ORDER BY ?source"
    ).rows()
    summary.sources = [(r["source"].value, r["title"].value if "title" in r else "") for r in rows]
    summary.classes = class_counts(store, iri)
    return summary


def graph_summaries(store: Store) -> list[GraphSummary]:
    """Every named graph with its size and source (no class counts), in IRI order."""
    counts = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    ).rows()
    sources: dict[str, list[tuple[str, str]]] = {}
    for r in store.query(
        f"SELECT DISTINCT ?g ?source ?title WHERE {{ GRAPH ?g {{ ?g <{PROV.wasDerivedFrom}> "
        f"?source }} OPTIONAL {{ ?source <{DCTERMS.title}> ?title }} }} ORDER BY ?g ?source"
    ).rows():
        title = r["title"].value if "title" in r else ""
        sources.setdefault(r["g"].value, []).append((r["source"].value, title))
    return [
        GraphSummary(
            iri=r["g"].value, triples=int(r["n"].value), sources=sources.get(r["g"].value, [])
        )
        for r in counts
    ]
