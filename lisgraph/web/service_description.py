"""The SPARQL 1.1 Service Description of ``/sparql``: what the endpoint offers (formats,
dataset, named graphs) and the limits it enforces, so clients can read them before asking."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, Namespace, URIRef

from ..vocab import (
    DCAT,
    DCTERMS,
    ENTAILMENT,
    FORMATS,
    OWL,
    RDF,
    RDFS,
    SD,
    VOID,
    lis,
    lis_namespace,
)
from .dataset import current_snapshot
from .dataset_facts import LICENCE, dataset_iri
from .urls import public_root

__all__ = ["service_description"]

_FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle,
    "ntriples": FORMATS["N-Triples"],
    "jsonld": FORMATS["JSON-LD"],
    "rdfxml": FORMATS.RDF_XML,
    "nquads": FORMATS["N-Quads"],
    "trig": FORMATS.TriG,
}


def service_description() -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint."""
    snapshot = current_snapshot()
    # The URL this request reached (PUBLIC_URL when set): a mirror's clients stay on the
    # mirror. Host is safe to use: only ALLOWED_HOSTS reach a view (request_guards).
    endpoint_url = URIRef(public_root() + "sparql")
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    service = URIRef(public_root() + "sparql#service")
    dataset = dataset_iri()  # the same IRI as in VoID, DCAT and schema.org
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint_url))
    canonical = URIRef(snapshot.base + "sparql")
    if canonical != endpoint_url:
        # The canonical name beside it, for clients that compare endpoints by IRI.
        graph.add((endpoint_url, OWL.sameAs, canonical))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in _FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, iri))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Read-only SPARQL 1.1 query endpoint for lisgraph, England's Local Industrial "
                "Strategies as linked data. The default graph is the merge of every source's "
                "named graph; SPARQL "
                "Update and SERVICE (federated query) are refused.",
                lang="en",
            ),
        )
    )
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    _add_dataset(graph, dataset)
    _add_graph_store(graph, service, dataset)
    graph.add((service, DCTERMS.license, LICENCE))
    base = snapshot.base
    graph.bind("lis", Namespace(lis_namespace(base)))
    _add_limits(graph, service, base)
    _add_scheduling(graph, service, base)
    return graph


def _add_dataset(graph: Graph, dataset: URIRef) -> None:
    """The dataset's default graph (the union, with its size) and each named graph with its
    size."""
    snapshot = current_snapshot()
    default_graph = URIRef(public_root() + "sparql#default-graph")
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    triples = snapshot.build_info.get("triples")
    if triples is not None:
        graph.add((default_graph, VOID.triples, Literal(int(triples))))
    counts = {
        r["g"].value: int(r["n"].value)
        for r in snapshot.store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        ).rows()
    }
    for number, name in enumerate(snapshot.store.named_graphs(), start=1):
        node = URIRef(f"{public_root()}sparql#named-graph-{number}")
        graph.add((dataset, SD.namedGraph, node))
        graph.add((node, RDF.type, SD.NamedGraph))
        graph.add((node, SD.name, URIRef(name)))
        described = URIRef(f"{public_root()}sparql#graph-{number}")
        graph.add((node, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(counts.get(name, 0))))


def _add_graph_store(graph: Graph, service: URIRef, dataset: URIRef) -> None:
    """The read-only Graph Store (SPARQL 1.1 Graph Store HTTP Protocol) beside the endpoint."""
    graph_store = URIRef(public_root() + "data")
    graph.add((service, RDFS.seeAlso, graph_store))
    graph.add((graph_store, RDF.type, DCAT.DataService))
    graph.add((graph_store, DCAT.endpointURL, graph_store))
    graph.add(
        (graph_store, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-http-rdf-update/"))
    )
    graph.add((graph_store, DCAT.servesDataset, dataset))


def _add_limits(graph: Graph, service: URIRef, base: str) -> None:
    """The limits each query meets (time, rows, length, memory, request size), then the
    server's (:func:`_add_scheduling`)."""
    snapshot = current_snapshot()
    limits = snapshot.limits
    graph.add((service, lis("queryTimeout", base), Literal(Decimal(str(limits.timeout)))))
    graph.add((service, lis("maxResultRows", base), Literal(limits.max_rows)))
    graph.add((service, lis("maxQueryLength", base), Literal(limits.max_query_length)))
    graph.add((service, lis("queryMemoryLimit", base), Literal(limits.memory_mb)))
    max_body = snapshot.config.max_content_length
    if max_body:
        graph.add((service, lis("maxRequestBytes", base), Literal(int(max_body))))
    _add_scheduling(graph, service, base)


def _add_scheduling(graph: Graph, service: URIRef, base: str) -> None:
    """The byte limit on answers and how queries are shared (limits of the whole server)."""
    config = current_snapshot().config
    s = config.scheduling
    for name, value in (
        ("maxResultBytes", config.limits.max_bytes),
        ("queryProcesses", s.processes),
        ("queryQueueLength", s.queue_length),
        ("maxQueriesPerClient", s.client_running),
        ("maxQueuedQueriesPerClient", s.client_queued),
        ("maxQueryBurstPerClient", s.client_burst),
        ("heavyQueryProcesses", s.heavy_share),
    ):
        graph.add((service, lis(name, base), Literal(int(value))))
    seconds = Decimal(str(s.heavy_seconds))
    graph.add((service, lis("heavyQuerySeconds", base), Literal(seconds)))
