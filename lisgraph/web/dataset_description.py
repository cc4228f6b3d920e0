"""The dataset described for portals and crawlers: VoID, a DCAT-AP 3.0.1 catalogue and schema.org
``Dataset`` markup, made from the served build (its counts, dumps and checksums)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import current_app
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDFS, SKOS, VOID

from ..artifact import DUMP_FORMATS, NQUADS, PROVENANCE_FILE, VALIDATION_FILE, DumpFormat
from ..vocab import ADMS, GEO, LDES, LOCN, ONS_GEOGRAPHY, SCHEMA, SPDX, TREE, VCARD
from .catalogue_quality import add_quality
from .dataset import current_snapshot
from .urls import CHANGE_FEED_PATH, local_url, public_root

__all__ = [
    "DESCRIPTION",
    "LICENCE",
    "TITLE",
    "catalog_graph",
    "dataset_iri",
    "schema_org_dataset",
    "void_graph",
]

#: GeoJSON as ckanext-dcat (and DCAT-AP) type a GeoJSON literal.
GEOJSON = URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json")
#: DCAT 3 terms rdflib's closed DCAT namespace lacks (versioning).
DCAT3 = Namespace(str(DCAT))
#: The Open Government Licence as CKAN's licence register and data.europa.eu name it (https).
LICENCE = URIRef("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
LICENCE_TITLE = "Open Government Licence v3.0"
#: The specification /fragments follows (and the Triple Pattern Fragments one it extends).
QPF_SPEC = "https://linkeddatafragments.org/specification/quad-pattern-fragments/"
#: The specification the change feed (/changes/, :mod:`.change_feed`) follows.
LDES_SPEC = "https://w3id.org/ldes/specification"
_W3C = "https://www.w3.org/TR/"
#: The period the dataset covers: the first wave of strategies (announced November 2017) to the
#: end of government sponsorship of LEPs (April 2024); shared/reference/lis-facts.md.
TEMPORAL = ("2017", "2024")
#: England, as ONS names it (GSS code E92000001) in its statistical geography.
ENGLAND = URIRef(ONS_GEOGRAPHY + "E92000001")
_AUTHORITY = "http://publications.europa.eu/resource/authority/"
#: EU data themes (DCAT-AP): economy and finance, regions and cities, government.
THEMES = {
    URIRef(f"{_AUTHORITY}data-theme/{code}"): label
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
KEYWORDS = (
    "Local Industrial Strategy",
    "Local Enterprise Partnership",
    "productivity",
    "linked data",
    "England",
)
TITLE = "lisgraph: England's Local Industrial Strategies"
DESCRIPTION = (
    "A linked-data knowledge graph of England's Local Industrial Strategies (2017-2024): Local "
    "Enterprise Partnerships and their areas, combined and local authorities, strategies and their "
    "waves, priorities mapped to the five foundations of productivity and the four Grand "
    "Challenges, projects and investments, statistics, and the ONS April 2020 district-to-LEP "
    "lookup. Every fact cites its source."
)
_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
#: The EU language authority's codes of the language tags the data uses (ISO 639-3).
LANGUAGES = {"en": "ENG", "cy": "CYM", "gd": "GLA", "ga": "GLE", "fr": "FRA", "de": "DEU"}
#: How often the dataset changes: releases are made by hand (``lisgraph release``) when a
#: source changes, on no schedule; the EU frequency authority's "irregular".
FREQUENCY = URIRef(_AUTHORITY + "frequency/IRREG")
#: The graph holding each LEP area's shape (lisgraph.builder.places), derived from ONS districts.
LEP_SHAPES_GRAPH = "graph/lep20-boundaries-derived"
_EXAMPLES = ("id/lep/E37000057", "id/strategy/south-east-midlands-lis", "id/wave/1")


def dataset_iri() -> URIRef:
    """The dataset's IRI: under the base IRI, the same wherever the server runs, and the same in
    VoID, DCAT, schema.org and the service description (it dereferences to the catalogue)."""
    return URIRef(current_snapshot().base + "catalog#dataset")


def _publisher_iri() -> URIRef:
    # The project, as the data itself describes it (data/sources.ttl).
    return URIRef(current_snapshot().base + "id/organisation/lisgraph-project")


def _publisher(graph: Graph) -> URIRef:
    publisher = _publisher_iri()
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("lisgraph project", lang="en")))
    return publisher


def _licence(graph: Graph) -> URIRef:
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    graph.add((LICENCE, DCTERMS.title, Literal(LICENCE_TITLE, lang="en")))
    return LICENCE


def _dump_sizes() -> dict[str, int]:
    return dict(current_snapshot().build_info.get("files", {}))


def modified() -> datetime | None:
    """When the build served was made, if the build says (``built`` in build.json, an ISO 8601
    time): the same on every front-end serving that build. None when it does not say: the
    time a file was written here differs between a build and its mirrors, so it is no fact
    about the dataset."""
    built = current_snapshot().build_info.get("built")
    if not built:
        return None
    try:
        when = datetime.fromisoformat(str(built))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def version() -> str | None:
    """The version of the build served: its release's (``2026.12.04``), else the newest
    release's when one is kept beside it, else the build's own (``YYYY.MM.DD+`` digest, from the
    inputs' date, in build.json). None for a build that records neither."""
    info = current_snapshot().build_info
    release = info.get("release")
    if release:
        return str(release["version"])
    releases = current_snapshot().releases()
    if releases:
        return releases[-1].version
    stated = info.get("version")
    return str(stated) if stated else None


def _add_version(graph: Graph, node: URIRef, name: str) -> None:
    """``name`` as DCAT 3 states a version and as DCAT-AP 2 and 1 read it (owl:versionInfo)."""
    graph.add((node, DCAT3.version, Literal(name)))
    graph.add((node, OWL.versionInfo, Literal(name)))


def extent() -> tuple[tuple[str, str, str, str], int] | None:
    """England's bounding box (west, south, east, north; WGS84 longitudes and latitudes as the
    data writes them) over the LEP areas' shapes in the store, and how many shapes it spans.
    None when the store holds no shape."""
    snapshot = current_snapshot()
    rows = snapshot.store.query(
        f"SELECT ?wkt WHERE {{ GRAPH <{snapshot.base}{LEP_SHAPES_GRAPH}> {{ "
        f"?area <{GEO}hasGeometry> ?shape . ?shape <{GEO}asWKT> ?wkt }} }}"
    ).rows()
    xs: list[Decimal] = []
    ys: list[Decimal] = []
    for row in rows:
        for x, y in _POINT.findall(row["wkt"].value):
            xs.append(Decimal(x))
            ys.append(Decimal(y))
    if not xs:
        return None
    return (str(min(xs)), str(min(ys)), str(max(xs)), str(max(ys))), len(rows)


_POINT = re.compile(r"(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)")


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
    return [URIRef(f"{_AUTHORITY}language/{code}") for code in sorted(c for c in codes if c)]


_VOCABULARY_QUERY = """SELECT DISTINCT ?term WHERE {
  { ?s ?term ?o } UNION { ?s a ?term FILTER(isIRI(?term)) }
}"""


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _add_partitions(
    graph: Graph, node: URIRef, classes: list[tuple[str, int]], properties: list[tuple[str, int]]
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


def _partitions(graph: Graph, node: URIRef) -> None:
    """Class and property partitions of the whole dataset (the merge of its graphs)."""
    store = current_snapshot().store
    classes = store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } "
        "GROUP BY ?c ORDER BY ?c"
    ).rows()
    properties = store.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
    ).rows()
    _add_partitions(
        graph,
        node,
        [(r["c"].value, int(r["n"].value)) for r in classes],
        [(r["p"].value, int(r["n"].value)) for r in properties],
    )


def _graph_partitions() -> dict[str, tuple[int, list[tuple[str, int]], list[tuple[str, int]]]]:
    """Per named graph: its triples, class partitions and property partitions, in three
    grouped queries (one per graph took seconds with hundreds of sources)."""
    store = current_snapshot().store
    found: dict[str, tuple[int, list[tuple[str, int]], list[tuple[str, int]]]] = {}
    for row in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    ).rows():
        found[row["g"].value] = (int(row["n"].value), [], [])
    for row in store.query(
        "SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } "
        "GROUP BY ?g ?c ORDER BY ?g ?c"
    ).rows():
        found[row["g"].value][1].append((row["c"].value, int(row["n"].value)))
    for row in store.query(
        "SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
        "GROUP BY ?g ?p ORDER BY ?g ?p"
    ).rows():
        found[row["g"].value][2].append((row["p"].value, int(row["n"].value)))
    return found


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
    graph.add((dataset, DCTERMS.license, _licence(graph)))
    graph.add((dataset, DCTERMS.publisher, _publisher(graph)))
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
    terms = [r["term"].value for r in snapshot.store.query(_VOCABULARY_QUERY).rows()]
    for namespace in sorted({_namespace(t) for t in terms if t.startswith("http")}):
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    _partitions(graph, dataset)
    per_graph = _graph_partitions()
    for number, name in enumerate(snapshot.store.named_graphs(), start=1):
        subset = URIRef(f"{dataset}-graph-{number}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.identifier, Literal(name)))
        graph.add((subset, FOAF.page, URIRef(local_url(name))))
        graph.add((subset, VOID.dataDump, URIRef(f"{root}data?graph={quote(name, safe='')}")))
        triples, classes, properties = per_graph.get(name, (0, [], []))
        graph.add((subset, VOID.triples, Literal(triples)))
        _add_partitions(graph, subset, classes, properties)
    _linkset(graph, dataset)
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


def _linkset(graph: Graph, dataset: URIRef) -> None:
    """The links into ONS statistical geography (districts' and LEP areas' GSS codes)."""
    store = current_snapshot().store
    rows = store.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o) && "
        f'STRSTARTS(STR(?o), "{ONS_GEOGRAPHY}")) }} GROUP BY ?p ORDER BY ?p'
    ).rows()
    ons = URIRef(f"{dataset}-ons-geography")
    graph.add((ons, RDF.type, VOID.Dataset))
    graph.add((ons, DCTERMS.title, Literal("ONS statistical geography", lang="en")))
    graph.add((ons, VOID.uriSpace, Literal(ONS_GEOGRAPHY)))
    for number, row in enumerate(rows, start=1):
        linkset = URIRef(f"{dataset}-linkset-ons-{number}")
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, ons))
        graph.add((linkset, VOID.linkPredicate, URIRef(row["p"].value)))
        graph.add((linkset, VOID.triples, Literal(int(row["n"].value))))


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
        publisher=_publisher(graph),
        licence=_licence(graph),
        stamp=Literal(when, datatype=XSD.dateTime) if when is not None else None,
        fragments_offered=snapshot.config.store is None,  # from the embedded store only
    )
    _catalog(cat)
    _dataset(cat)
    sizes, sums = _dump_sizes(), snapshot.build.checksums()
    for fmt in DUMP_FORMATS:
        _distribution(cat, fmt, fmt.filename, sizes, sums)
        _distribution(cat, fmt, fmt.filename + ".gz", sizes, sums)
    _services(cat)
    _versions(graph, cat.dataset, cat.licence, cat.publisher)
    # Last: the completeness it measures is of the catalogue as made above.
    add_quality(graph, cat.dataset, cat.base, snapshot.build_info.get("quality", {}), when)
    return graph


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
        return URIRef(_AUTHORITY + "data-theme")


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
        _add_version(graph, dataset, name)
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
    media_type = URIRef(_MEDIA_TYPES + fmt.media_type)
    graph.add((media_type, RDF.type, DCTERMS.MediaType))
    graph.add((dist, DCAT.mediaType, media_type))
    file_type = URIRef(f"{_AUTHORITY}file-type/{FILE_TYPES[fmt.media_type]}")
    graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((dist, DCTERMS.format, file_type))
    if gzipped:
        gzip_type = URIRef(_MEDIA_TYPES + "application/gzip")
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
    sparql_type = URIRef(f"{_AUTHORITY}file-type/SPARQLQ")
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
        _add_version(graph, node, version)
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
        media = URIRef(_MEDIA_TYPES + "application/gzip")
        graph.add((media, RDF.type, DCTERMS.MediaType))
        graph.add((dump, DCAT.compressFormat, media))
        # the file's content, as the main dataset's gzip copies state it
        nquads = URIRef(_MEDIA_TYPES + "application/n-quads")
        graph.add((nquads, RDF.type, DCTERMS.MediaType))
        graph.add((dump, DCAT.mediaType, nquads))
        file_type = URIRef(f"{_AUTHORITY}file-type/{FILE_TYPES['application/n-quads']}")
        graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        graph.add((dump, DCTERMS.format, file_type))
        # a harvester makes each release its own dataset: the coverage and keywords too
        graph.add((node, DCTERMS.spatial, ENGLAND))
        graph.add((node, DCTERMS.temporal, URIRef(f"{dataset}-period")))
        for keyword in KEYWORDS:
            graph.add((node, DCAT.keyword, Literal(keyword, lang="en")))
        previous = node


def _schema_org_version() -> dict[str, str]:
    """schema.org ``version``, ``datePublished`` and ``dateModified`` from the releases."""
    releases = current_snapshot().releases()
    if not releases:
        name = version()
        return {"version": name} if name else {}
    stated = {
        "version": releases[-1].version,
        "datePublished": str(releases[0].info["date"]),
    }
    if modified() is None:
        stated["dateModified"] = str(releases[-1].info["date"])
    return stated


def schema_org_dataset() -> dict[str, Any]:
    """schema.org ``Dataset`` JSON-LD for search engines (Google Dataset Search), stating what
    the DCAT catalogue states (identifier, coverage, licence, publisher)."""
    root = public_root()
    sizes = _dump_sizes()
    when = modified()
    publisher = {
        "@type": "Organization",
        "@id": str(_publisher_iri()),
        "name": "lisgraph project",
        "url": root,
    }
    return {
        "@context": str(SCHEMA),
        "@type": "Dataset",
        "@id": str(dataset_iri()),
        "identifier": str(dataset_iri()),
        "name": TITLE,
        "description": DESCRIPTION,
        "url": root,
        "license": str(LICENCE),
        "isAccessibleForFree": True,
        "keywords": list(KEYWORDS),
        "creator": publisher,
        "publisher": publisher,
        "spatialCoverage": {"@type": "Place", "name": "England", "sameAs": str(ENGLAND)},
        "temporalCoverage": f"{TEMPORAL[0]}/{TEMPORAL[1]}",
        **({"dateModified": when.isoformat()} if when is not None else {}),
        **_schema_org_version(),
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "@id": str(current_snapshot().base) + "catalog",
            "name": "lisgraph catalogue",
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"lisgraph dump: {fmt.name}",
                "encodingFormat": fmt.media_type,
                "contentUrl": f"{root}downloads/{fmt.filename}",
                **({"contentSize": f"{sizes[fmt.filename]} B"} if fmt.filename in sizes else {}),
            }
            for fmt in DUMP_FORMATS
        ],
    }
