"""The dataset described for portals and crawlers: VoID, a DCAT-AP 3.0.1 catalogue and schema.org
``Dataset`` markup, made from the served build (its counts, dumps and checksums)."""

from __future__ import annotations

from typing import Any

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS, VOID

from ..artifact import DUMP_FORMATS
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["DESCRIPTION", "LICENCE", "TITLE", "catalog_graph", "schema_org_dataset", "void_graph"]

SPDX = Namespace("http://spdx.org/rdf/terms#")
LICENCE = URIRef("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
TITLE = "lisgraph: England's Local Industrial Strategies"
DESCRIPTION = (
    "A linked-data knowledge graph of England's Local Industrial Strategies (2017-2024): Local "
    "Enterprise Partnerships and their areas, combined and local authorities, strategies and their "
    "waves, priorities mapped to the five foundations of productivity and the four Grand "
    "Challenges, projects and investments, statistics, and the ONS April 2020 district-to-LEP "
    "lookup. Every fact cites its source."
)
_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
_EXAMPLES = ("id/lep/E37000057", "id/strategy/south-east-midlands-lis", "id/wave/1")


def _publisher(graph: Graph) -> URIRef:
    publisher = URIRef(public_root() + "catalog#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("lisgraph project", lang="en")))
    return publisher


def _dump_sizes() -> dict[str, int]:
    return dict(current_snapshot().build_info.get("files", {}))


def void_graph() -> Graph:
    """The VoID description of the dataset."""
    snapshot = current_snapshot()
    root = public_root()
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    dataset = URIRef(root + ".well-known/void#lisgraph")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((dataset, DCTERMS.license, LICENCE))
    graph.add((dataset, FOAF.homepage, URIRef(root)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(snapshot.base + "id/")))
    graph.add((dataset, VOID.vocabulary, URIRef(snapshot.base + "def/lis#")))
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
    return graph


def catalog_graph() -> Graph:
    """A DCAT-AP 3.0.1 catalogue: catalogue, dataset, one distribution per dump, and the SPARQL
    endpoint as a data service."""

    snapshot = current_snapshot()
    root = public_root()
    graph = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("spdx", SPDX)):
        graph.bind(prefix, ns)
    catalog = URIRef(root + "catalog")
    dataset = URIRef(root + "catalog#dataset")
    service = URIRef(root + "catalog#sparql-service")
    publisher = _publisher(graph)
    licence = LICENCE
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("lisgraph catalogue", lang="en")))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal("The datasets and data services snapshot by this lisgraph server.", lang="en"),
        )
    )
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, licence))
    homepage = URIRef(root)
    graph.add((homepage, RDF.type, FOAF.Document))
    graph.add((catalog, FOAF.homepage, homepage))
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((catalog, DCAT.service, service))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.landingPage, homepage))
    graph.add((dataset, DCTERMS.identifier, Literal(snapshot.base + "id/")))
    for keyword in (
        "Local Industrial Strategy",
        "Local Enterprise Partnership",
        "productivity",
        "linked data",
        "England",
    ):
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    sizes, sums = _dump_sizes(), current_snapshot().build.checksums()
    for fmt in DUMP_FORMATS:
        for name, media in (
            (fmt.filename, fmt.media_type),
            (fmt.filename + ".gz", "application/gzip"),
        ):
            dist = URIRef(f"{root}catalog#distribution-{name.replace('.', '-')}")
            url = URIRef(f"{root}downloads/{name}")
            graph.add((dataset, DCAT.distribution, dist))
            graph.add((dist, RDF.type, DCAT.Distribution))
            title = fmt.name + (" (gzip)" if name.endswith(".gz") else "")
            graph.add((dist, DCTERMS.title, Literal(f"lisgraph dump: {title}", lang="en")))
            graph.add((dist, DCAT.accessURL, url))
            graph.add((dist, DCAT.downloadURL, url))
            # A gzip copy has the dump's media type, compressed with gzip.
            media_type = URIRef(_MEDIA_TYPES + fmt.media_type)
            graph.add((media_type, RDF.type, DCTERMS.MediaType))
            graph.add((dist, DCAT.mediaType, media_type))
            if media == "application/gzip":
                gzip_type = URIRef(_MEDIA_TYPES + media)
                graph.add((gzip_type, RDF.type, DCTERMS.MediaType))
                graph.add((dist, DCAT.compressFormat, gzip_type))
            graph.add((dist, DCTERMS.license, licence))
            if name in sizes:
                graph.add(
                    (dist, DCAT.byteSize, Literal(sizes[name], datatype=XSD.nonNegativeInteger))
                )
            if name in sums:
                checksum = URIRef(f"{dist}-checksum")
                graph.add((dist, SPDX.checksum, checksum))
                graph.add((checksum, RDF.type, SPDX.Checksum))
                graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
                graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
                graph.add(
                    (checksum, SPDX.checksumValue, Literal(sums[name], datatype=XSD.hexBinary))
                )

    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal("lisgraph SPARQL 1.1 endpoint", lang="en")))
    endpoint = URIRef(root + "sparql")
    graph.add((endpoint, RDF.type, RDFS.Resource))
    graph.add((service, DCAT.endpointURL, endpoint))
    # The endpoint describes itself (SPARQL Service Description) when asked for RDF.
    graph.add((service, DCAT.endpointDescription, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    graph.add((protocol, RDF.type, DCTERMS.Standard))
    graph.add((service, DCTERMS.conformsTo, protocol))
    graph.add((service, DCTERMS.license, licence))
    graph.add((dataset, DCAT.distribution, URIRef(root + "catalog#distribution-sparql")))
    sparql_dist = URIRef(root + "catalog#distribution-sparql")
    graph.add((sparql_dist, RDF.type, DCAT.Distribution))
    graph.add((sparql_dist, DCTERMS.title, Literal("lisgraph SPARQL endpoint", lang="en")))
    graph.add((sparql_dist, DCAT.accessURL, URIRef(root + "sparql")))
    graph.add((sparql_dist, DCAT.accessService, service))
    graph.add((sparql_dist, DCTERMS.license, licence))
    return graph


def schema_org_dataset() -> dict[str, Any]:
    """schema.org ``Dataset`` JSON-LD for search engines (Google Dataset Search)."""
    root = public_root()
    sizes = _dump_sizes()
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": TITLE,
        "description": DESCRIPTION,
        "url": root,
        "license": str(LICENCE),
        "isAccessibleForFree": True,
        "keywords": [
            "Local Industrial Strategy",
            "Local Enterprise Partnership",
            "productivity",
            "England",
            "linked data",
        ],
        "creator": {"@type": "Organization", "name": "lisgraph project", "url": root},
        "spatialCoverage": {"@type": "Place", "name": "England"},
        "temporalCoverage": "2014/2024",
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": fmt.media_type,
                "contentUrl": f"{root}downloads/{fmt.filename}",
                **({"contentSize": f"{sizes[fmt.filename]} B"} if fmt.filename in sizes else {}),
            }
            for fmt in DUMP_FORMATS
        ],
    }
