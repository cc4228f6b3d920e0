"""What the linked-data pages show of a resource, asked of any :class:`~lisgraph.store.Store`
through SPARQL only: its statements in both directions, grouped, with labels and sources."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import sparql_text
from ..store import QueryResult, Store, Term
from ..vocab import DCTERMS as DCT
from ..vocab import LIS_PATH, PROV, RDF, RDFS, SKOS
from .labels import LABEL_PROPERTIES, fallback_label, label_map

__all__ = ["ResourceView", "describe_rdf", "exists", "resource_view"]

_RDF_TYPE = str(RDF.type)
_GROUPS = ("About", "Facts", "Related", "Sources")
# Where a property goes on a page: type and names first, sources last, the rest by label.
_ORDER: dict[str, float] = {
    str(RDF.type): -2,
    **{p: -1 for p in LABEL_PROPERTIES},
    f"{SKOS}altLabel": -0.5,
    f"{DCT}source": 2,
}


_ABOUT_PROPERTIES = {
    *LABEL_PROPERTIES,
    f"{SKOS}altLabel",
    f"{SKOS}definition",
    f"{SKOS}notation",
    f"{RDFS}comment",
    f"{DCT}description",
}
_SOURCE_PROPERTIES = {f"{DCT}source", str(PROV.wasDerivedFrom)}


@dataclass
class ResourceView:
    """A resource as a page shows it."""

    iri: str
    outgoing: list[tuple[str, Term]] = field(default_factory=list)
    incoming: list[tuple[Term, str]] = field(default_factory=list)
    incoming_truncated: bool = False
    graphs: list[tuple[str, str]] = field(default_factory=list)  # (graph, source)
    labels: dict[str, str] = field(default_factory=dict)
    #: The sources of the outgoing statements, numbered from 1 in this order (a graph's source,
    #: or the graph itself when it names none).
    sources: list[str] = field(default_factory=list)
    #: Which sources (numbers into ``sources``) state each outgoing statement.
    stated_by: dict[tuple[str, Term], list[int]] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or fallback_label(iri)

    @property
    def title(self) -> str:
        return self.label(self.iri)

    @property
    def types(self) -> list[str]:
        return [o.value for p, o in self.outgoing if p == _RDF_TYPE and o.kind == "iri"]

    def grouped(self) -> list[tuple[str, list[tuple[str, list[Term]]]]]:
        """The outgoing statements for a page: groups ('About', 'Facts', 'Related', 'Sources')
        of (property, values), in page order; the type is shown apart and left out."""
        groups: dict[str, dict[str, list[Term]]] = {name: {} for name in _GROUPS}
        for predicate, value in self.outgoing:
            if predicate == _RDF_TYPE:
                continue
            if predicate in _SOURCE_PROPERTIES:
                name = "Sources"
            elif predicate in _ABOUT_PROPERTIES:
                name = "About"
            elif value.kind == "literal":
                name = "Facts"
            else:
                name = "Related"
            groups[name].setdefault(predicate, []).append(value)
        return [(name, list(groups[name].items())) for name in _GROUPS if groups[name]]

    def refs(self, predicate: str, value: Term) -> list[int]:
        """The numbers of the sources that state ``predicate value`` of this resource."""
        return self.stated_by.get((predicate, value), [])

    def currency(self) -> str | None:
        """The currency the resource's amounts are in (its ``lis:currency``), if it has one."""
        for predicate, value in self.outgoing:
            if predicate.endswith(LIS_PATH + "currency") and value.kind == "literal":
                return value.value
        return None


def exists(store: Store, iri: str) -> bool:
    """Whether any statement has ``iri`` as its subject or object."""
    node = sparql_text.iri(iri)
    result = store.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}")
    return bool(result.raw)


def resource_view(store: Store, iri: str, incoming_limit: int = 500) -> ResourceView:
    """Everything a page needs about ``iri``: statements both ways, labels, source graphs."""
    node = sparql_text.iri(iri)
    view = ResourceView(iri=iri)
    out_rows = store.query(f"SELECT ?p ?o WHERE {{ {node} ?p ?o }} ORDER BY ?p ?o").rows()
    view.outgoing = [(r["p"].value, r["o"]) for r in out_rows]
    in_rows = store.query(
        f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?p ?s LIMIT {incoming_limit + 1}"
    ).rows()
    view.incoming_truncated = len(in_rows) > incoming_limit
    view.incoming = [(r["s"], r["p"].value) for r in in_rows[:incoming_limit]]
    graph_rows = store.query(
        "SELECT DISTINCT ?g ?source WHERE { GRAPH ?g { "
        f"{node} ?p ?o }} OPTIONAL {{ ?g <{PROV.wasDerivedFrom}> ?source }} }}"
        " ORDER BY ?g ?source"
    ).rows()
    view.graphs = [(r["g"].value, r["source"].value if "source" in r else "") for r in graph_rows]
    _number_sources(store, node, view)
    wanted = {iri} | {p for p, _ in view.outgoing} | {p for _, p in view.incoming}
    wanted |= {o.value for _, o in view.outgoing if o.kind == "iri"}
    wanted |= {s.value for s, _ in view.incoming if s.kind == "iri"}
    wanted |= {g for g, _ in view.graphs} | {s for _, s in view.graphs if s} | set(view.sources)
    view.labels = label_map(store, wanted)
    view.outgoing.sort(key=lambda pair: (_ORDER.get(pair[0], 1), view.label(pair[0]).lower()))
    return view


def _number_sources(store: Store, node: str, view: ResourceView) -> None:
    """Which source states each outgoing statement: the named graphs holding it, by the source
    each graph is derived from (one named graph per source file)."""
    rows = store.query(
        f"SELECT ?p ?o ?g ?source WHERE {{ GRAPH ?g {{ {node} ?p ?o }} "
        f"OPTIONAL {{ ?g {sparql_text.iri(str(PROV.wasDerivedFrom))} ?source }} }} "
        "ORDER BY ?g ?source ?p ?o"
    ).rows()
    numbers: dict[str, int] = {}
    for row in rows:
        source = row["source"].value if "source" in row else row["g"].value
        number = numbers.setdefault(source, len(numbers) + 1)
        refs = view.stated_by.setdefault((row["p"].value, row["o"]), [])
        if number not in refs:
            refs.append(number)
    view.sources = list(numbers)


def describe_rdf(store: Store, iri: str, incoming_limit: int = 500) -> QueryResult:
    """The RDF document about ``iri``: its statements, the statements pointing to it, and the
    labels of what it links to (so a client can show names without more requests)."""
    node = sparql_text.iri(iri)
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    return store.query(
        "CONSTRUCT { ?s ?p ?o . ?x ?lp ?l } WHERE { "
        f"{{ BIND({node} AS ?s) {node} ?p ?o . "
        f"  OPTIONAL {{ ?o ?lp ?l VALUES ?lp {{ {props} }} FILTER(isIRI(?o)) BIND(?o AS ?x) }} }} "
        f"UNION {{ {{ SELECT ?s ?p WHERE {{ ?s ?p {node} }} LIMIT {incoming_limit} }} "
        f"  BIND({node} AS ?o) "
        f"  OPTIONAL {{ ?s ?lp ?l VALUES ?lp {{ {props} }} BIND(?s AS ?x) }} }} }}"
    )
