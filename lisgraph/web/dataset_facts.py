"""What every description of the dataset states alike (VoID, the DCAT-AP catalogue, schema.org,
the service description): its IRI, title, publisher, licence, coverage, date and version, and
where the LEP areas' shapes are; read from the served build."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from ..vocab import GEO, ONS_GEOGRAPHY
from .dataset import current_snapshot

__all__ = [
    "DESCRIPTION",
    "ENGLAND",
    "KEYWORDS",
    "LEP_SHAPES_GRAPH",
    "LICENCE",
    "LICENCE_TITLE",
    "TEMPORAL",
    "TITLE",
    "add_licence",
    "add_publisher",
    "dataset_iri",
    "dump_sizes",
    "extent",
    "modified",
    "publisher_iri",
    "version",
]

#: The Open Government Licence as CKAN's licence register and data.europa.eu name it (https).
LICENCE = URIRef("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
LICENCE_TITLE = "Open Government Licence v3.0"
#: The period the dataset covers: the first wave of strategies (announced November 2017) to the
#: end of government sponsorship of LEPs (April 2024); shared/reference/lis-facts.md.
TEMPORAL = ("2017", "2024")
#: England, as ONS names it (GSS code E92000001) in its statistical geography.
ENGLAND = URIRef(ONS_GEOGRAPHY + "E92000001")
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
#: The graph holding each LEP area's shape (lisgraph.builder.places), derived from ONS districts.
LEP_SHAPES_GRAPH = "graph/lep20-boundaries-derived"


def dataset_iri() -> URIRef:
    """The dataset's IRI: under the base IRI, the same wherever the server runs, and the same in
    VoID, DCAT, schema.org and the service description (it dereferences to the catalogue)."""
    return URIRef(current_snapshot().base + "catalog#dataset")


def publisher_iri() -> URIRef:
    # The project, as the data itself describes it (data/sources.ttl).
    return URIRef(current_snapshot().base + "id/organisation/lisgraph-project")


def add_publisher(graph: Graph) -> URIRef:
    publisher = publisher_iri()
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("lisgraph project", lang="en")))
    return publisher


def add_licence(graph: Graph) -> URIRef:
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    graph.add((LICENCE, DCTERMS.title, Literal(LICENCE_TITLE, lang="en")))
    return LICENCE


def dump_sizes() -> dict[str, int]:
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
