"""The dataset in a DCAT-AP 3.0.1 catalogue: catalogue, dataset (coverage, languages,
conformance, contact point), one distribution per dump, the data services, each release as a
version, and the catalogue's quality in DQV (:mod:`.catalogue_quality`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDFS, SKOS

from ..artifact import DUMP_FORMATS, NQUADS, PROVENANCE_FILE, VALIDATION_FILE, DumpFormat
from ..vocab import ADMS, GEO, LOCN, SPDX, VCARD
from .catalogue_quality import add_quality
from .dataset import current_snapshot
from .dataset_facts import (
    DESCRIPTION,
    ENGLAND,
    KEYWORDS,
    LEP_SHAPES_GRAPH,
    TEMPORAL,
    TITLE,
    add_licence,
    add_publisher,
    dataset_iri,
    dump_sizes,
    extent,
    modified,
    version,
)
from .urls import CHANGE_FEED_PATH, public_root

__all__ = ["catalog_graph"]

#: GeoJSON as ckanext-dcat (and DCAT-AP) type a GeoJSON literal.
GEOJSON = URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json")
#: DCAT 3 terms rdflib's closed DCAT namespace lacks (versioning).
DCAT3 = Namespace(str(DCAT))
#: The EU Publications Office's authority tables (themes, file types, languages, frequencies).
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
#: EU data themes (DCAT-AP): economy and finance, regions and cities, government.
THEMES = {
    URIRef(f"{EU_AUTHORITY}data-theme/{code}"): label
    for code, label in (
        ("ECON", "Economy and finance"),
        ("REGI", "Regions and cities"),
        ("GOVE", "Government and public sector"),
    )
}
#: EU file types (DCAT-AP dcterms:format) of each RDF media type.
FILE_TYPES = {
    "text/turtle": "RDF_TURTLE",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "application/n-quads": "RDF_N_QUADS",
    "application/trig": "RDF_TRIG",
}
#: IANA's media type register, whose IRIs DCAT-AP uses for media types.
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
#: The EU language authority's codes of the language tags the data uses (ISO 639-3).
LANGUAGES = {"en": "ENG", "cy": "CYM", "gd": "GLA", "ga": "GLE", "fr": "FRA", "de": "DEU"}
#: How often the dataset changes: releases are made by hand (``lisgraph release``) when a
#: source changes, on no schedule; the EU frequency authority's "irregular".
FREQUENCY = URIRef(EU_AUTHORITY + "frequency/IRREG")
#: The specification /fragments follows (and the Triple Pattern Fragments one it extends).
QPF_SPEC = "https://linkeddatafragments.org/specification/quad-pattern-fragments/"
#: The specification the change feed (/changes/, :mod:`.change_feed`) follows.
LDES_SPEC = "https://w3id.org/ldes/specification"
_W3C = "https://www.w3.org/TR/"


def catalog_graph() -> Graph:
    """A DCAT-AP 3.0.1 catalogue: catalogue, dataset, one distribution per dump, and the SPARQL
    endpoint and the Graph Store (and /fragments, when the store is embedded) as data services;
    and the dataset's quality measured in DQV (:mod:`.catalogue_quality`)."""
    snapshot = current_snapshot()
    graph = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("vcard", VCARD),
    ):
        graph.bind(prefix, ns)
    when = modified()
    cat = _Catalogue(
        graph,
        root=public_root(),
        base=snapshot.base,
        dataset=dataset_iri(),
        publisher=add_publisher(graph),
        licence=add_licence(graph),
        stamp=Literal(when, datatype=XSD.dateTime) if when is not None else None,
        fragments_offered=snapshot.config.store is None,  # from the embedded store only
    )
    _catalog(cat)
    _dataset(cat)
    sizes, sums = dump_sizes(), snapshot.build.checksums()
    for fmt in DUMP_FORMATS:
        _distribution(cat, fmt, fmt.filename, sizes, sums)
        _distribution(cat, fmt, fmt.filename + ".gz", sizes, sums)
    _services(cat)
    _versions(graph, cat.dataset, cat.licence, cat.publisher)
    # Last: the completeness it measures is of the catalogue as made above.
    add_quality(graph, cat.dataset, cat.base, snapshot.build_info.get("quality", {}), when)
    return graph


def add_version(graph: Graph, node: URIRef, name: str) -> None:
    """``name`` as DCAT 3 states a version and as DCAT-AP 2 and 1 read it (owl:versionInfo)."""
    graph.add((node, DCAT3.version, Literal(name)))
    graph.add((node, OWL.versionInfo, Literal(name)))


@dataclass(frozen=True)
class _Catalogue:
    """What the parts of the catalogue share: the graph they are added to, where the server is
    reached, and the nodes every part links to."""

    graph: Graph
    root: str
    base: str
    dataset: URIRef
    publisher: URIRef
    licence: URIRef
    #: the build's date (dcterms:modified, and issued where there is no release), if known
    stamp: Literal | None
    #: whether /fragments is served (it reads the embedded store's index)
    fragments_offered: bool

    @property
    def catalog(self) -> URIRef:
        return URIRef(self.base + "catalog")

    @property
    def homepage(self) -> URIRef:
        return URIRef(self.root)

    @property
    def service(self) -> URIRef:
        return URIRef(self.base + "catalog#sparql-service")

    @property
    def graph_store(self) -> URIRef:
        return URIRef(self.base + "catalog#graph-store")

    @property
    def fragments(self) -> URIRef:
        return URIRef(self.base + "catalog#fragments")

    @property
    def contact(self) -> URIRef:
        return URIRef(f"{self.dataset}-contact")

    @property
    def theme_scheme(self) -> URIRef:
        return URIRef(EU_AUTHORITY + "data-theme")


def _catalog(cat: _Catalogue) -> None:
    """The catalogue: its title, publisher, licence, theme taxonomy, home page, the dataset and
    the data services."""
    graph, catalog = cat.graph, cat.catalog
    graph.add((cat.theme_scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((cat.theme_scheme, DCTERMS.title, Literal("Data theme", lang="en")))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("lisgraph catalogue", lang="en")))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal("The datasets and data services snapshot by this lisgraph server.", lang="en"),
        )
    )
    graph.add((catalog, DCTERMS.publisher, cat.publisher))
    graph.add((catalog, DCTERMS.license, cat.licence))
    graph.add((catalog, DCAT.themeTaxonomy, cat.theme_scheme))
    if cat.stamp is not None:
        graph.add((catalog, DCTERMS.modified, cat.stamp))
    graph.add((cat.homepage, RDF.type, FOAF.Document))
    graph.add((catalog, FOAF.homepage, cat.homepage))
    graph.add((catalog, DCAT.dataset, cat.dataset))
    graph.add((catalog, DCAT.service, cat.service))
    graph.add((catalog, DCAT.service, cat.graph_store))
    if cat.fragments_offered:
        graph.add((catalog, DCAT.service, cat.fragments))


def _dataset(cat: _Catalogue) -> None:
    """The dataset: title, description, who, licence, dates, version, languages, frequency,
    conformance, contact point, themes, coverage and keywords."""
    graph, dataset, stamp = cat.graph, cat.dataset, cat.stamp
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((dataset, DCTERMS.publisher, cat.publisher))
    graph.add((dataset, DCTERMS.creator, cat.publisher))
    graph.add((dataset, DCAT.landingPage, cat.homepage))
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    graph.add((dataset, DCTERMS.license, cat.licence))
    if stamp is not None:
        graph.add((dataset, DCTERMS.modified, stamp))
        if not current_snapshot().releases():  # else the first release's date (_versions)
            graph.add((dataset, DCTERMS.issued, stamp))
    name = version()
    if name is not None:
        add_version(graph, dataset, name)
    for language in _languages():
        graph.add((language, RDF.type, DCTERMS.LinguisticSystem))
        graph.add((dataset, DCTERMS.language, language))
        graph.add((cat.catalog, DCTERMS.language, language))
    graph.add((FREQUENCY, RDF.type, DCTERMS.Frequency))
    graph.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY))
    _conformance(graph, dataset, cat.root)
    _contact_point(cat)
    for theme, label in THEMES.items():
        graph.add((dataset, DCAT.theme, theme))
        graph.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((theme, RDF.type, SKOS.Concept))
        graph.add((theme, SKOS.inScheme, cat.theme_scheme))
    _coverage(graph, dataset)
    for keyword in KEYWORDS:
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))


def _contact_point(cat: _Catalogue) -> None:
    """The dataset's contact point: the project's home page, and an email address only when
    one is configured (the data states none, and none is made up)."""
    graph, contact = cat.graph, cat.contact
    graph.add((cat.dataset, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))  # DCAT-AP checks the class, without inference
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal("lisgraph project", lang="en")))
    graph.add((contact, VCARD.hasURL, cat.homepage))
    email = current_snapshot().config.contact_email
    if email:
        mailbox = URIRef("mailto:" + email)
        graph.add((contact, VCARD.hasEmail, mailbox))
        graph.add((cat.publisher, FOAF.mbox, mailbox))


def _distribution(
    cat: _Catalogue, fmt: DumpFormat, name: str, sizes: dict[str, int], sums: dict[str, str]
) -> None:
    """The dump ``name`` (``fmt``'s file, or its gzip copy) as a distribution: its download URL,
    media type and EU file type, size and SHA-256."""
    graph = cat.graph
    gzipped = name.endswith(".gz")
    dist = URIRef(f"{cat.base}catalog#distribution-{name.replace('.', '-')}")
    url = URIRef(f"{cat.root}downloads/{name}")
    graph.add((cat.dataset, DCAT.distribution, dist))
    graph.add((dist, RDF.type, DCAT.Distribution))
    title = fmt.name + (" (gzip)" if gzipped else "")
    graph.add((dist, DCTERMS.title, Literal(f"lisgraph dump: {title}", lang="en")))
    how = (
        "A gzip copy to save to disk (the bytes SHA256SUMS names); give clients the plain URL."
        if gzipped
        else "Give this URL to clients: it is sent gzip-compressed to those that accept it."
    )
    text = f"The whole dataset in {title}, as built and validated. {fmt.use} {how}"
    graph.add((dist, DCTERMS.description, Literal(text.replace("  ", " "), lang="en")))
    graph.add((dist, DCAT.accessURL, url))
    graph.add((dist, DCAT.downloadURL, url))
    # A gzip copy has the dump's media type and format, compressed with gzip.
    media_type = URIRef(MEDIA_TYPES + fmt.media_type)
    graph.add((media_type, RDF.type, DCTERMS.MediaType))
    graph.add((dist, DCAT.mediaType, media_type))
    file_type = URIRef(f"{EU_AUTHORITY}file-type/{FILE_TYPES[fmt.media_type]}")
    graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((dist, DCTERMS.format, file_type))
    if gzipped:
        gzip_type = URIRef(MEDIA_TYPES + "application/gzip")
        graph.add((gzip_type, RDF.type, DCTERMS.MediaType))
        graph.add((dist, DCAT.compressFormat, gzip_type))
    graph.add((dist, DCTERMS.license, cat.licence))
    if cat.stamp is not None:
        graph.add((dist, DCTERMS.issued, cat.stamp))
    if name in sizes:
        graph.add((dist, DCAT.byteSize, Literal(sizes[name], datatype=XSD.nonNegativeInteger)))
    if name in sums:
        checksum = URIRef(f"{dist}-checksum")
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        graph.add((checksum, SPDX.checksumValue, Literal(sums[name], datatype=XSD.hexBinary)))


def _services(cat: _Catalogue) -> None:
    """The SPARQL endpoint, the read-only Graph Store and (when offered) the Quad Pattern
    Fragments and the change feed as data services, and the endpoint as one more distribution
    of the dataset."""
    graph, root = cat.graph, cat.root
    endpoint = URIRef(root + "sparql")
    services = [
        (cat.service, "lisgraph SPARQL 1.1 endpoint", endpoint, _W3C + "sparql11-protocol/"),
        (
            cat.graph_store,
            "lisgraph Graph Store (read-only)",
            URIRef(root + "data"),
            _W3C + "sparql11-http-rdf-update/",
        ),
    ]
    if cat.fragments_offered:
        services.append(
            (cat.fragments, "lisgraph Quad Pattern Fragments", URIRef(root + "fragments"), QPF_SPEC)
        )
    if current_snapshot().releases():  # the change feed starts with the first release
        feed = URIRef(cat.base + "catalog#changes")
        graph.add((cat.catalog, DCAT.service, feed))
        title = "lisgraph change feed (Linked Data Event Stream)"
        services.append((feed, title, URIRef(root + CHANGE_FEED_PATH), LDES_SPEC))
    for node, title, url, standard in services:
        graph.add((node, RDF.type, DCAT.DataService))
        graph.add((node, DCTERMS.title, Literal(title, lang="en")))
        graph.add((url, RDF.type, RDFS.Resource))
        graph.add((node, DCAT.endpointURL, url))
        spec = URIRef(standard)
        graph.add((spec, RDF.type, DCTERMS.Standard))
        graph.add((node, DCTERMS.conformsTo, spec))
        graph.add((node, DCAT.servesDataset, cat.dataset))
        graph.add((node, DCTERMS.license, cat.licence))
        graph.add((node, DCTERMS.publisher, cat.publisher))
        graph.add((node, DCAT.contactPoint, cat.contact))
    # The endpoint describes itself (SPARQL Service Description) when asked for RDF.
    graph.add((cat.service, DCAT.endpointDescription, endpoint))
    sparql_dist = URIRef(cat.base + "catalog#distribution-sparql")
    graph.add((cat.dataset, DCAT.distribution, sparql_dist))
    graph.add((sparql_dist, RDF.type, DCAT.Distribution))
    graph.add((sparql_dist, DCTERMS.title, Literal("lisgraph SPARQL endpoint", lang="en")))
    graph.add((sparql_dist, DCAT.accessURL, endpoint))
    graph.add((sparql_dist, DCAT.accessService, cat.service))
    graph.add((sparql_dist, DCTERMS.license, cat.licence))
    sparql_type = URIRef(f"{EU_AUTHORITY}file-type/SPARQLQ")
    graph.add((sparql_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((sparql_dist, DCTERMS.format, sparql_type))


def _conformance(graph: Graph, dataset: URIRef, root: str) -> None:
    """What the data conforms to (the ontology, and the SHACL shapes every build is validated
    with) and where it is documented (the ontology's page, and which file to use for what)."""
    base = current_snapshot().base
    for path, title in (
        ("def/lis", "lisgraph ontology (lis)"),
        ("def/shapes", "lisgraph SHACL shapes"),
    ):
        standard = URIRef(base + path)
        graph.add((standard, RDF.type, DCTERMS.Standard))
        graph.add((standard, DCTERMS.title, Literal(title, lang="en")))
        graph.add((dataset, DCTERMS.conformsTo, standard))
    for path in ("def/lis", "downloads/"):
        page = URIRef(root + path)
        graph.add((page, RDF.type, FOAF.Document))
        graph.add((dataset, FOAF.page, page))


def _versions(graph: Graph, dataset: URIRef, licence: URIRef, publisher: URIRef) -> None:
    """DCAT 3 versioning from the releases kept beside the build: the dataset's version, first
    issue and notes, and each release as a version of it (its own page, files, validation
    report and provenance), each pointing at the one before."""
    snapshot = current_snapshot()
    releases = snapshot.releases()
    if not releases:
        return
    root, base = public_root(), snapshot.base
    graph.bind("adms", ADMS)
    latest = releases[-1]
    graph.add((dataset, DCTERMS.issued, Literal(releases[0].info["date"], datatype=XSD.date)))
    if modified() is None:
        graph.add((dataset, DCTERMS.modified, Literal(latest.info["date"], datatype=XSD.date)))
    if latest.info.get("notes"):
        graph.add((dataset, ADMS.versionNotes, Literal(latest.info["notes"], lang="en")))
    previous: URIRef | None = None
    for release in releases:
        version, info = release.version, release.info
        node = URIRef(f"{base}id/release/{version}")
        files = f"{root}downloads/{version}/"
        graph.add((dataset, DCAT3.hasVersion, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCAT3.isVersionOf, dataset))
        add_version(graph, node, version)
        graph.add((node, DCTERMS.title, Literal(f"{TITLE}, release {version}", lang="en")))
        graph.add(
            (
                node,
                DCTERMS.description,
                Literal(
                    f"Release {version} of the dataset: {info['triples']} triples, "
                    "validated against its SHACL shapes.",
                    lang="en",
                ),
            )
        )
        graph.add((node, DCTERMS.issued, Literal(info["date"], datatype=XSD.date)))
        graph.add((node, DCTERMS.license, licence))
        graph.add((node, DCTERMS.publisher, publisher))
        page = URIRef(f"{root}releases/{version}")
        graph.add((page, RDF.type, FOAF.Document))
        graph.add((node, DCAT.landingPage, page))
        graph.add((node, RDFS.seeAlso, URIRef(files + VALIDATION_FILE)))
        graph.add((node, RDFS.seeAlso, URIRef(files + PROVENANCE_FILE)))
        activity = URIRef(f"{node}/build")  # described in the release's provenance.ttl
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((node, PROV.wasGeneratedBy, activity))
        if info.get("notes"):
            graph.add((node, ADMS.versionNotes, Literal(info["notes"], lang="en")))
        if previous is not None:
            graph.add((node, DCAT3.previousVersion, previous))
        dump = URIRef(f"{node}#distribution-nq")
        download = URIRef(files + NQUADS + ".gz")
        graph.add((node, DCAT.distribution, dump))
        graph.add((dump, RDF.type, DCAT.Distribution))
        graph.add((dump, DCTERMS.title, Literal(f"Release {version} as N-Quads", lang="en")))
        graph.add((dump, DCAT.accessURL, download))
        graph.add((dump, DCAT.downloadURL, download))
        graph.add((download, RDF.type, RDFS.Resource))
        graph.add((dump, DCTERMS.license, licence))
        media = URIRef(MEDIA_TYPES + "application/gzip")
        graph.add((media, RDF.type, DCTERMS.MediaType))
        graph.add((dump, DCAT.compressFormat, media))
        # the file's content, as the main dataset's gzip copies state it
        nquads = URIRef(MEDIA_TYPES + "application/n-quads")
        graph.add((nquads, RDF.type, DCTERMS.MediaType))
        graph.add((dump, DCAT.mediaType, nquads))
        file_type = URIRef(f"{EU_AUTHORITY}file-type/{FILE_TYPES['application/n-quads']}")
        graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        graph.add((dump, DCTERMS.format, file_type))
        # a harvester makes each release its own dataset: the coverage and keywords too
        graph.add((node, DCTERMS.spatial, ENGLAND))
        graph.add((node, DCTERMS.temporal, URIRef(f"{dataset}-period")))
        for keyword in KEYWORDS:
            graph.add((node, DCAT.keyword, Literal(keyword, lang="en")))
        previous = node


def _coverage(graph: Graph, dataset: URIRef) -> None:
    """Temporal (2017-2024) and spatial (England) coverage, as schema.org states them too;
    England with its bounding box, derived from the LEP areas' shapes: ``dcat:bbox`` as WKT
    (DCAT-AP 2 and 3), and ``locn:geometry`` as a GeoJSON literal, the one form ckanext-dcat
    reads in every profile (its parser stops at a DCAT-AP 3 ``locn:Geometry`` node) and
    ckanext-spatial indexes. DCAT-AP 3 allows one ``locn:geometry``."""
    period = URIRef(f"{dataset}-period")
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(TEMPORAL[0], datatype=XSD.gYear)))
    graph.add((period, DCAT.endDate, Literal(TEMPORAL[1], datatype=XSD.gYear)))
    graph.add((dataset, DCTERMS.spatial, ENGLAND))
    graph.add((ENGLAND, RDF.type, DCTERMS.Location))
    graph.add((ENGLAND, RDFS.label, Literal("England", lang="en")))
    found = extent()
    if found is None:
        return
    (west, south, east, north), shapes = found
    ring = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    wkt = "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
    geojson = json.dumps(
        {"type": "Polygon", "coordinates": [[[float(x), float(y)] for x, y in ring]]},
        separators=(",", ":"),
    )
    graph.bind("locn", LOCN)
    graph.add((ENGLAND, DCAT3.bbox, Literal(wkt, datatype=GEO.wktLiteral)))
    graph.add((ENGLAND, LOCN.geometry, Literal(geojson, datatype=GEOJSON)))
    source = URIRef(current_snapshot().base + LEP_SHAPES_GRAPH)
    graph.add((ENGLAND, PROV.wasDerivedFrom, source))
    graph.add(
        (
            ENGLAND,
            RDFS.comment,
            Literal(
                f"The bounding box is derived by lisgraph from the {shapes} LEP areas' shapes "
                f"in {source} (ONS December 2020 district boundaries, ultra-generalised, "
                "dissolved by LEP): not an ONS product.",
                lang="en",
            ),
        )
    )


def _languages() -> list[URIRef]:
    """The EU language authority's IRIs of the language tags the data's literals carry."""
    store = current_snapshot().store
    rows = store.query(
        "SELECT DISTINCT ?l WHERE { ?s ?p ?o FILTER(isLiteral(?o)) BIND(LANG(?o) AS ?l) }"
    ).rows()
    codes = {LANGUAGES.get(r["l"].value.split("-")[0].lower()) for r in rows}
    return [URIRef(f"{EU_AUTHORITY}language/{code}") for code in sorted(c for c in codes if c)]
