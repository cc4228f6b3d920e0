"""The dataset in VoID: counts, one subset per named graph with its class and property
partitions, every vocabulary used, the linkset to ONS geography and the change feed; made from
the served build (the counts: :mod:`lisgraph.views.dataset_counts`) and kept per build."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, VOID

from ..artifact import DUMP_FORMATS, PROVENANCE_FILE, VALIDATION_FILE
from ..views.dataset_counts import (
    GraphCounts,
    Partition,
    class_partitions,
    graph_partitions,
    ons_link_counts,
    property_partitions,
    vocabularies,
)
from ..vocab import LDES, ONS_GEOGRAPHY, TREE
from .dataset import current_snapshot
from .dataset_facts import (
    DESCRIPTION,
    TITLE,
    add_licence,
    add_publisher,
    dataset_iri,
    modified,
)
from .urls import CHANGE_FEED_PATH, local_url, public_root

__all__ = ["void_graph"]

_EXAMPLES = ("id/lep/E37000057", "id/strategy/south-east-midlands-lis", "id/wave/1")


def _add_partitions(
    graph: Graph, node: URIRef, classes: list[Partition], properties: list[Partition]
) -> None:
    """``node``'s class partitions (class, entities) and property partitions (property,
    triples), numbered in the order given."""
    for number, (cls, count) in enumerate(classes, start=1):
        part = URIRef(f"{node}-class-{number}")
        graph.add((node, VOID.classPartition, part))
        graph.add((part, VOID["class"], URIRef(cls)))
        graph.add((part, VOID.entities, Literal(count)))
    for number, (prop, count) in enumerate(properties, start=1):
        part = URIRef(f"{node}-property-{number}")
        graph.add((node, VOID.propertyPartition, part))
        graph.add((part, VOID.property, URIRef(prop)))
        graph.add((part, VOID.triples, Literal(count)))


def void_graph() -> Graph:
    """The VoID description of the dataset: counts, one subset per named graph (with its class
    and property partitions), every vocabulary used, and the linkset to ONS geography.

    Made once per build and URL (some forty queries), and kept by the app for the next request.
    """
    releases = current_snapshot().releases()
    key = (
        current_snapshot().build_info.get("inputs_digest"),
        public_root(),
        releases[-1].version if releases else None,
    )
    kept: dict[object, Graph] = current_app.extensions.setdefault("lisgraph.void", {})
    if key not in kept:
        kept.clear()  # only the build being served is worth keeping
        kept[key] = _void_graph()
    return kept[key]


def _void_graph() -> Graph:
    snapshot = current_snapshot()
    root = public_root()
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    dataset = dataset_iri()
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((dataset, DCTERMS.license, add_licence(graph)))
    graph.add((dataset, DCTERMS.publisher, add_publisher(graph)))
    when = modified()
    if when is not None:
        graph.add((dataset, DCTERMS.modified, Literal(when, datatype=XSD.dateTime)))
    graph.add((dataset, FOAF.homepage, URIRef(root)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    if snapshot.config.store is None:  # fragments come from the embedded store only
        # A URI appended to it (percent-encoded) gives the triples about that URI: /fragments.
        graph.add((dataset, VOID.uriLookupEndpoint, URIRef(root + "fragments?subject=")))
    graph.add((dataset, VOID.uriSpace, Literal(snapshot.base + "id/")))
    for fmt in DUMP_FORMATS:
        graph.add((dataset, VOID.dataDump, URIRef(f"{root}downloads/{fmt.filename}")))
    for path in _EXAMPLES:
        graph.add((dataset, VOID.exampleResource, URIRef(snapshot.base + path)))
    info = snapshot.build_info
    if "triples" in info:
        graph.add((dataset, VOID.triples, Literal(int(info["triples"]))))
    # Counted once, by the build (build.json).
    for key, prop in (
        ("entities", VOID.entities),
        ("classes", VOID.classes),
        ("properties", VOID.properties),
    ):
        if key in info:
            graph.add((dataset, prop, Literal(int(info[key]))))
    store = snapshot.store
    for namespace in vocabularies(store):
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    _add_partitions(graph, dataset, class_partitions(store), property_partitions(store))
    per_graph = graph_partitions(store)
    for number, name in enumerate(snapshot.store.named_graphs(), start=1):
        subset = URIRef(f"{dataset}-graph-{number}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.identifier, Literal(name)))
        graph.add((subset, FOAF.page, URIRef(local_url(name))))
        graph.add((subset, VOID.dataDump, URIRef(f"{root}data?graph={quote(name, safe='')}")))
        counts = per_graph.get(name, GraphCounts(0))
        graph.add((subset, VOID.triples, Literal(counts.triples)))
        _add_partitions(graph, subset, counts.classes, counts.properties)
    _linkset(graph, dataset, ons_link_counts(store))
    releases = snapshot.releases()
    if releases:
        latest = f"{root}downloads/{releases[-1].version}/"
        graph.add((dataset, RDFS.seeAlso, URIRef(latest + VALIDATION_FILE)))
        graph.add((dataset, RDFS.seeAlso, URIRef(latest + PROVENANCE_FILE)))
        # The change feed: the releases' changes as a Linked Data Event Stream.
        stream = URIRef(snapshot.base + "changes#stream")
        graph.add((stream, RDF.type, LDES.EventStream))
        graph.add((stream, TREE.view, URIRef(root + CHANGE_FEED_PATH)))
        graph.add((stream, DCTERMS.source, dataset))
        graph.add((dataset, RDFS.seeAlso, URIRef(root + CHANGE_FEED_PATH)))
    return graph


def _linkset(graph: Graph, dataset: URIRef, links: list[Partition]) -> None:
    """The links into ONS statistical geography (districts' and LEP areas' GSS codes): each
    linking property and its triples."""
    ons = URIRef(f"{dataset}-ons-geography")
    graph.add((ons, RDF.type, VOID.Dataset))
    graph.add((ons, DCTERMS.title, Literal("ONS statistical geography", lang="en")))
    graph.add((ons, VOID.uriSpace, Literal(ONS_GEOGRAPHY)))
    for number, (prop, count) in enumerate(links, start=1):
        linkset = URIRef(f"{dataset}-linkset-ons-{number}")
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, ons))
        graph.add((linkset, VOID.linkPredicate, URIRef(prop)))
        graph.add((linkset, VOID.triples, Literal(count)))
