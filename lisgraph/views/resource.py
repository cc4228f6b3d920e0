"""What the linked-data pages show of a resource, asked of any :class:`~lisgraph.store.Store`
through SPARQL only: its statements in both directions, labels, sources, and the ontology's
classes and properties."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import sparql_text
from ..store import QueryResult, Store, Term

__all__ = [
    "LABEL_PROPERTIES",
    "OntologyTerm",
    "ResourceView",
    "describe_rdf",
    "exists",
    "fallback_label",
    "label_map",
    "ontology_terms",
    "resource_view",
]

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"

#: Properties that give a resource its display name, best first.
LABEL_PROPERTIES = (f"{SKOS}prefLabel", f"{RDFS}label", f"{DCT}title", f"{FOAF}name")

#: Readable names for the terms of the reused vocabularies (the ontology labels its own).
KNOWN_LABELS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "type",
    f"{RDFS}label": "label",
    f"{RDFS}comment": "comment",
    f"{RDFS}subClassOf": "subclass of",
    f"{RDFS}subPropertyOf": "subproperty of",
    f"{RDFS}isDefinedBy": "defined by",
    f"{RDFS}domain": "domain",
    f"{RDFS}range": "range",
    f"{SKOS}prefLabel": "name",
    f"{SKOS}altLabel": "also known as",
    f"{SKOS}definition": "definition",
    f"{SKOS}notation": "notation",
    f"{SKOS}inScheme": "in scheme",
    f"{SKOS}hasTopConcept": "top concept",
    f"{SKOS}topConceptOf": "top concept of",
    f"{SKOS}related": "related to",
    f"{DCT}title": "title",
    f"{DCT}description": "description",
    f"{DCT}source": "source",
    f"{DCT}creator": "author",
    f"{DCT}contributor": "contributor",
    f"{DCT}publisher": "publisher",
    f"{DCT}issued": "published",
    f"{DCT}date": "date",
    f"{DCT}created": "created",
    f"{DCT}modified": "modified",
    f"{DCT}license": "licence",
    f"{DCT}isPartOf": "part of",
    f"{DCT}hasPart": "has part",
    f"{DCT}references": "refers to",
    f"{FOAF}name": "name",
    "http://www.w3.org/ns/org#member": "member",
    "http://www.w3.org/ns/org#organization": "organisation",
    "http://www.w3.org/ns/org#role": "role",
    "http://www.w3.org/ns/org#memberDuring": "during",
    "http://www.w3.org/ns/org#subOrganizationOf": "part of organisation",
    "http://www.w3.org/ns/org#originalOrganization": "organisation",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "derived from",
    "http://www.w3.org/ns/prov#wasAssociatedWith": "run by",
    "http://www.w3.org/ns/prov#wasInformedBy": "prompted by",
    "http://www.w3.org/2006/time#hasBeginning": "begins",
    "http://www.w3.org/2006/time#hasEnd": "ends",
    "http://www.w3.org/2006/time#inXSDDate": "date",
    "http://www.w3.org/2006/time#inXSDgYearMonth": "month",
    "http://www.w3.org/2006/time#inXSDgYear": "year",
    "http://www.w3.org/2002/07/owl#imports": "imports",
    "http://www.w3.org/2002/07/owl#versionIRI": "version IRI",
    "http://www.w3.org/2002/07/owl#versionInfo": "version",
}


def fallback_label(iri: str) -> str:
    """A readable name from an IRI's last segment: 'partOfWiderArea' -> 'part of wider area'."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("-", " ").replace("_", " ")
    return spaced if not spaced.islower() else spaced.lower()


def label_map(store: Store, iris: set[str]) -> dict[str, str]:
    """The best display label of each IRI that has one (English preferred)."""
    if not iris:
        return {}
    values = " ".join(sparql_text.iri(i) for i in sorted(iris))
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    rows = store.query(
        f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {props} }} ?x ?p ?l }}"
    ).rows()
    rank = {p: n for n, p in enumerate(LABEL_PROPERTIES)}
    best: dict[str, tuple[int, int, str]] = {}
    for row in rows:
        label = row["l"]
        score = (rank[row["p"].value], 0 if label.language in (None, "en") else 1, label.value)
        key = row["x"].value
        if key not in best or score < best[key]:
            best[key] = score
    labels = {iri: score[2] for iri, score in best.items()}
    for iri in iris - labels.keys():
        if iri in KNOWN_LABELS:
            labels[iri] = KNOWN_LABELS[iri]
    return labels


# Where a property goes on a page: type and names first, sources last, the rest by label.
_ORDER: dict[str, float] = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": -2,
    **{p: -1 for p in LABEL_PROPERTIES},
    f"{SKOS}altLabel": -0.5,
    f"{DCT}source": 2,
}


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_GROUPS = ("About", "Facts", "Related", "Sources")
_ABOUT_PROPERTIES = {
    *LABEL_PROPERTIES,
    f"{SKOS}altLabel",
    f"{SKOS}definition",
    f"{SKOS}notation",
    f"{RDFS}comment",
    f"{DCT}description",
}
_SOURCE_PROPERTIES = {f"{DCT}source", "http://www.w3.org/ns/prov#wasDerivedFrom"}


@dataclass
class ResourceView:
    """A resource as a page shows it."""

    iri: str
    outgoing: list[tuple[str, Term]] = field(default_factory=list)
    incoming: list[tuple[Term, str]] = field(default_factory=list)
    incoming_truncated: bool = False
    graphs: list[tuple[str, str]] = field(default_factory=list)  # (graph, source)
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or fallback_label(iri)

    @property
    def title(self) -> str:
        return self.label(self.iri)

    @property
    def types(self) -> list[str]:
        rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        return [o.value for p, o in self.outgoing if p == rdf_type and o.kind == "iri"]

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

    def currency(self) -> str | None:
        """The currency the resource's amounts are in (its ``lis:currency``), if it has one."""
        for predicate, value in self.outgoing:
            if predicate.endswith("def/lis#currency") and value.kind == "literal":
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
        f"{node} ?p ?o }} OPTIONAL {{ ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?source }} }}"
        " ORDER BY ?g ?source"
    ).rows()
    view.graphs = [(r["g"].value, r["source"].value if "source" in r else "") for r in graph_rows]
    wanted = {iri} | {p for p, _ in view.outgoing} | {p for _, p in view.incoming}
    wanted |= {o.value for _, o in view.outgoing if o.kind == "iri"}
    wanted |= {s.value for s, _ in view.incoming if s.kind == "iri"}
    wanted |= {g for g, _ in view.graphs} | {s for _, s in view.graphs if s}
    view.labels = label_map(store, wanted)
    view.outgoing.sort(key=lambda pair: (_ORDER.get(pair[0], 1), view.label(pair[0]).lower()))
    return view


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


@dataclass(frozen=True)
class OntologyTerm:
    """A class or property of the ontology, for its documentation page."""

    iri: str
    kind: str  # "class", "object property", "datatype property"
    label: str
    comment: str
    module: str
    parents: tuple[str, ...]
    domain: str | None
    range: str | None


def ontology_terms(store: Store, namespace: str) -> list[OntologyTerm]:
    """Every class and property whose IRI starts with ``namespace``, sorted by kind and label."""
    owl = "http://www.w3.org/2002/07/owl#"
    rows = store.query(
        "SELECT ?t ?type ?label ?comment ?module "
        "(GROUP_CONCAT(DISTINCT STR(?parent); separator=' ') AS ?parents) "
        "(SAMPLE(?d) AS ?domain) (SAMPLE(?r) AS ?range) WHERE { "
        f"VALUES ?type {{ <{owl}Class> <{owl}ObjectProperty> <{owl}DatatypeProperty> }} "
        f"?t a ?type ; <{RDFS}label> ?label ; <{RDFS}comment> ?comment ; "
        f"<{RDFS}isDefinedBy> ?module . "
        f"FILTER(STRSTARTS(STR(?t), {sparql_text.string(namespace)})) "
        f"OPTIONAL {{ ?t <{RDFS}subClassOf>|<{RDFS}subPropertyOf> ?parent }} "
        f"OPTIONAL {{ ?t <{RDFS}domain> ?d }} OPTIONAL {{ ?t <{RDFS}range> ?r }} "
        "} GROUP BY ?t ?type ?label ?comment ?module"
    ).rows()
    kinds = {
        f"{owl}Class": "class",
        f"{owl}ObjectProperty": "object property",
        f"{owl}DatatypeProperty": "datatype property",
    }
    terms = [
        OntologyTerm(
            iri=r["t"].value,
            kind=kinds[r["type"].value],
            label=r["label"].value,
            comment=r["comment"].value,
            module=r["module"].value,
            parents=tuple(sorted(r["parents"].value.split())) if "parents" in r else (),
            domain=r["domain"].value if "domain" in r else None,
            range=r["range"].value if "range" in r else None,
        )
        for r in rows
    ]
    order = {"class": 0, "object property": 1, "datatype property": 2}
    return sorted(terms, key=lambda t: (order[t.kind], t.label.lower()))
