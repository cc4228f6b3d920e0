"""What the served dataset holds, counted for its VoID description: the vocabularies it uses,
its class and property partitions, each named graph's, and its links into ONS geography.

Each is one query, or a few grouped ones: one per named graph took seconds with hundreds of
sources. The web app keeps what it makes from them per build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..sparql_text import string
from ..store import Store
from ..vocab import ONS_GEOGRAPHY

__all__ = [
    "GraphCounts",
    "Partition",
    "class_partitions",
    "graph_partitions",
    "ons_link_counts",
    "property_partitions",
    "vocabularies",
]

#: (class or property IRI, entities or triples), in IRI order.
Partition = tuple[str, int]

_VOCABULARY_QUERY = """SELECT DISTINCT ?term WHERE {
  { ?s ?term ?o } UNION { ?s a ?term FILTER(isIRI(?term)) }
}"""


@dataclass(frozen=True)
class GraphCounts:
    """One named graph's triples, class partitions and property partitions."""

    triples: int
    classes: list[Partition] = field(default_factory=list)
    properties: list[Partition] = field(default_factory=list)


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def vocabularies(store: Store) -> list[str]:
    """The namespaces of every property and class used, sorted."""
    terms = [row["term"].value for row in store.query(_VOCABULARY_QUERY).rows()]
    return sorted({_namespace(term) for term in terms if term.startswith("http")})


def class_partitions(store: Store) -> list[Partition]:
    """Each class of the whole dataset (the merge of its graphs) and its instances."""
    rows = store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } "
        "GROUP BY ?c ORDER BY ?c"
    ).rows()
    return [(row["c"].value, int(row["n"].value)) for row in rows]


def property_partitions(store: Store) -> list[Partition]:
    """Each property of the whole dataset and its triples."""
    rows = store.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
    ).rows()
    return [(row["p"].value, int(row["n"].value)) for row in rows]


def graph_partitions(store: Store) -> dict[str, GraphCounts]:
    """Per named graph: its triples, class partitions and property partitions (three grouped
    queries)."""
    found: dict[str, GraphCounts] = {}
    for row in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    ).rows():
        found[row["g"].value] = GraphCounts(int(row["n"].value))
    for row in store.query(
        "SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } "
        "GROUP BY ?g ?c ORDER BY ?g ?c"
    ).rows():
        found[row["g"].value].classes.append((row["c"].value, int(row["n"].value)))
    for row in store.query(
        "SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
        "GROUP BY ?g ?p ORDER BY ?g ?p"
    ).rows():
        found[row["g"].value].properties.append((row["p"].value, int(row["n"].value)))
    return found


def ons_link_counts(store: Store) -> list[Partition]:
    """Each property linking to ONS statistical geography, and its triples."""
    rows = store.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o) && "
        f"STRSTARTS(STR(?o), {string(ONS_GEOGRAPHY)})) }} GROUP BY ?p ORDER BY ?p"
    ).rows()
    return [(row["p"].value, int(row["n"].value)) for row in rows]
