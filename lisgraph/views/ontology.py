"""What the ontology's documentation shows: its classes and properties, and a diagram of them;
and the terms the query editor completes (:func:`data_terms`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .. import sparql_text
from ..store import QueryResult, Store
from ..vocab import DCTERMS, OWL, RDFS, lis_namespace, prologue
from .labels import fallback_label, label_map

__all__ = [
    "DataTerm",
    "Diagram",
    "OntologyTerm",
    "data_terms",
    "document_graphs",
    "document_triples",
    "module_fields",
    "ontologies",
    "ontology_diagram",
    "ontology_terms",
    "versioned",
]


@dataclass
class Diagram:
    """The ontology's classes, by module, and the object properties between them."""

    modules: list[tuple[str, list[tuple[str, str]]]]  # (module label, [(class iri, label)])
    edges: list[tuple[str, str, str, str]]  # (domain, range, property iri, property label)
    subclass: list[tuple[str, str]]  # (class, superclass), both in the ontology


def ontology_diagram(store: Store, base: str) -> Diagram:
    namespace = lis_namespace(base)
    p = prologue(base)
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
    owl = str(OWL)
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


def document_graphs(store: Store, graph_iri: str) -> list[str]:
    """The named graphs of the ontology document ``graph_iri``: itself and its modules."""
    itself, under = sparql_text.string(graph_iri), sparql_text.string(graph_iri + "/")
    return [
        r["g"].value
        for r in store.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STR(?g) = {itself} || STRSTARTS(STR(?g), {under})) }} ORDER BY ?g"
        ).rows()
    ]


def document_triples(store: Store, graphs: list[str]) -> QueryResult:
    """Every triple of ``graphs`` (an ontology document and its modules), as one graph."""
    values = " ".join(sparql_text.iri(g) for g in graphs)
    return store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )


def versioned(store: Store, version_iri: str) -> str | None:
    """The ontology (module) whose ``owl:versionIRI`` is ``version_iri``, if any."""
    rows = store.query(
        f"SELECT ?o WHERE {{ GRAPH ?o {{ ?o {sparql_text.iri(str(OWL.versionIRI))} "
        f"{sparql_text.iri(version_iri)} }} }}"
    ).rows()
    return rows[0]["o"].value if rows else None


def ontologies(store: Store, base: str) -> list[tuple[str, str | None]]:
    """Every ontology (module) under ``{base}def/`` with its title, if it has one."""
    rows = store.query(
        f"SELECT ?o ?title WHERE {{ GRAPH ?o {{ ?o a {sparql_text.iri(str(OWL.Ontology))} "
        f"OPTIONAL {{ ?o {sparql_text.iri(str(DCTERMS.title))} ?title }} }} "
        f"FILTER(STRSTARTS(STR(?o), {sparql_text.string(base + 'def/')})) }} ORDER BY ?o"
    ).rows()
    return [(r["o"].value, r["title"].value if "title" in r else None) for r in rows]


def module_fields(store: Store, graph: str) -> dict[str, str]:
    """The literal values of the module ``graph``, by the local name of their property."""
    rows = store.query(
        f"SELECT ?p ?o WHERE {{ {sparql_text.iri(graph)} ?p ?o FILTER(isLiteral(?o)) }}"
    ).rows()
    return {r["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: r["o"].value for r in rows}


@dataclass(frozen=True)
class DataTerm:
    """A class or property as the query editor completes it: its label and description (the
    ontology's, or a reused vocabulary's known name) and how often the data uses it."""

    iri: str
    kind: str  # "class" or "property"
    label: str
    comment: str
    count: int  # instances of a class, statements with a property


def data_terms(store: Store, namespace: str) -> list[DataTerm]:
    """Every class with instances and every property used in the data (whatever vocabulary),
    and every term of the ontology under ``namespace`` (used or not), most used first: what
    there is to ask this endpoint about (review anchors 2.5: completion from the data)."""
    counts: dict[tuple[str, str], int] = {}
    for r in store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
    ).rows():
        counts[(r["c"].value, "class")] = int(r["n"].value)
    for r in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p").rows():
        counts[(r["p"].value, "property")] = int(r["n"].value)
    comments: dict[str, str] = {}
    for term in ontology_terms(store, namespace):
        kind = "class" if term.kind == "class" else "property"
        counts.setdefault((term.iri, kind), 0)
        comments[term.iri] = term.comment
    labels = label_map(store, {iri for iri, _ in counts})
    terms = [
        DataTerm(iri, kind, labels.get(iri) or fallback_label(iri), comments.get(iri, ""), n)
        for (iri, kind), n in counts.items()
    ]
    return sorted(terms, key=lambda t: (t.kind, -t.count, t.iri))
