"""The catalogue's measurements of its own quality, in the W3C Data Quality Vocabulary (DQV).

Each measurement is a ``dqv:QualityMeasurement`` of the dataset: its metric, the value and when
it was computed (the build's date). The metrics are this catalogue's own
(``{base}catalog#metric-...``, described here with what each measures), each in one dimension:
the five dimensions data.europa.eu's Metadata Quality Assessment (MQA) scores catalogues on
(findability, accessibility, interoperability, reusability, contextuality), and one of the
data's own, link integrity. Two kinds of value:

- **completeness of the metadata**, measured on the catalogue as served (so a setting such as
  the contact email counts): the share of the catalogue's datasets, or of its distributions,
  that state a given property, a decimal from 0 to 1;
- **what the build measured** (:mod:`lisgraph.builder.quality`, build.json's ``quality``): the
  SHACL results by severity, the links into the dataset's namespace that lead nowhere, and
  the dumps whose bytes match their published checksums. A build that records none (a mirror,
  an older build) gets none of these measurements, rather than a zero.

Not measured: whether the URLs answer over HTTP from outside (the server cannot see itself as
portals do), the DCAT-AP conformance of the catalogue (its tests check that), or which
formats are machine-readable or non-proprietary (MQA's lists are not among the sources here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, SKOS

from ..vocab import DQV

__all__ = ["DIMENSIONS", "METRICS", "MQA_METHODOLOGY", "Metric", "add_quality"]

#: data.europa.eu's description of its Metadata Quality Assessment and its dimensions.
MQA_METHODOLOGY = URIRef(
    "https://dataeuropa.gitlab.io/data-provider-manual/metadata-quality-dashboard/"
)
#: Dimension key -> (label, what it covers).
DIMENSIONS = {
    "findability": ("Findability", "Whether people and machines can find the dataset."),
    "accessibility": ("Accessibility", "Whether the data can be reached where it is offered."),
    "interoperability": (
        "Interoperability",
        "Whether the data and its metadata use shared formats, types and constraints.",
    ),
    "reusability": ("Reusability", "Whether the terms and parties of reuse are stated."),
    "contextuality": ("Contextuality", "Whether rights, sizes and dates give the data context."),
    "links": (
        "Link integrity",
        "Whether the links into the dataset's own namespace lead to something it describes "
        "(lisgraph's own dimension, not one of the Metadata Quality Assessment's).",
    ),
}


@dataclass(frozen=True)
class Metric:
    """One metric: its key (the IRI's tail), dimension, label and what it measures. A
    completeness metric names the class it counts and the property it looks for."""

    key: str
    dimension: str
    label: str
    definition: str
    counted: URIRef | None = None
    predicate: URIRef | None = None

    @property
    def integer(self) -> bool:
        return self.counted is None and self.key != "dumps-matching-checksums"


def _share(key: str, dimension: str, counted: URIRef, prop: URIRef, label: str) -> Metric:
    noun = "datasets" if counted == DCAT.Dataset else "distributions"
    definition = (
        f"The share of the catalogue's {noun} (dcat:{counted.split('#')[-1]}) that state "
        f"{prop.n3(_NAMES)}: from 0 (none) to 1 (all)."
    )
    return Metric(key, dimension, label, definition, counted, prop)


_NAMES = Graph().namespace_manager
_NAMES.bind("dcat", DCAT)
_NAMES.bind("dcterms", DCTERMS)

METRICS = [
    _share("keywords", "findability", DCAT.Dataset, DCAT.keyword, "Keywords"),
    _share("themes", "findability", DCAT.Dataset, DCAT.theme, "Themes"),
    _share("spatial", "findability", DCAT.Dataset, DCTERMS.spatial, "Spatial coverage"),
    _share("temporal", "findability", DCAT.Dataset, DCTERMS.temporal, "Temporal coverage"),
    _share("access-url", "accessibility", DCAT.Distribution, DCAT.accessURL, "Access URL"),
    _share("download-url", "accessibility", DCAT.Distribution, DCAT.downloadURL, "Download URL"),
    Metric(
        "dumps-matching-checksums",
        "accessibility",
        "Dumps matching their checksums",
        "The share of the files SHA256SUMS lists that the build holds with the bytes their "
        "SHA-256 digest names, read back after the build wrote them: from 0 to 1.",
    ),
    _share("format", "interoperability", DCAT.Distribution, DCTERMS["format"], "Format"),
    _share("media-type", "interoperability", DCAT.Distribution, DCAT.mediaType, "Media type"),
    *(
        Metric(
            f"shacl-{severity.lower()}s",
            "interoperability",
            f"SHACL results: {severity.lower()}s",
            f"How many results of severity sh:{severity} validating the data against its "
            "SHACL shapes (def/shapes) gave, when the build was made. A build with a "
            "violation is never published.",
        )
        for severity in ("Violation", "Warning", "Info")
    ),
    _share("licence", "reusability", DCAT.Distribution, DCTERMS.license, "Licence"),
    _share("access-rights", "reusability", DCAT.Dataset, DCTERMS.accessRights, "Access rights"),
    _share("contact-point", "reusability", DCAT.Dataset, DCAT.contactPoint, "Contact point"),
    _share("publisher", "reusability", DCAT.Dataset, DCTERMS.publisher, "Publisher"),
    _share("rights", "contextuality", DCAT.Distribution, DCTERMS.rights, "Rights"),
    _share("byte-size", "contextuality", DCAT.Distribution, DCAT.byteSize, "File size"),
    _share("issued", "contextuality", DCAT.Distribution, DCTERMS.issued, "Date of issue"),
    _share("modified", "contextuality", DCAT.Dataset, DCTERMS.modified, "Modification date"),
    Metric(
        "links",
        "links",
        "Links into the namespace",
        "How many distinct IRIs under the base IRI the data uses as objects (version IRIs of "
        "the ontology aside), when the build was made.",
    ),
    Metric(
        "dangling-links",
        "links",
        "Dangling links",
        "How many of those IRIs no triple of the data has as subject: links to nothing the "
        "dataset describes, when the build was made.",
    ),
]


def _decimal(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_EVEN
    )


def _measured(graph: Graph, quality: dict[str, Any]) -> dict[str, tuple[Literal, str]]:
    """Metric key -> (value, how it was counted) for every metric that can be measured."""
    values: dict[str, tuple[Literal, str]] = {}
    for metric in METRICS:
        if metric.counted is None or metric.predicate is None:
            continue
        nodes = set(graph.subjects(RDF.type, metric.counted))
        stating = {n for n in nodes if (n, metric.predicate, None) in graph}
        if nodes:
            value = Literal(_decimal(len(stating), len(nodes)), datatype=XSD.decimal)
            values[metric.key] = (value, f"{len(stating)} of {len(nodes)}")
    shacl = quality.get("shacl")
    if isinstance(shacl, dict):
        for severity, count in shacl.items():
            values[f"shacl-{severity.lower()}s"] = (Literal(int(count)), f"{count}")
    links = quality.get("links")
    if isinstance(links, dict):
        values["links"] = (Literal(int(links["links"])), f"{links['links']}")
        examples = ", ".join(links.get("examples", [])[:5])
        told = f"{links['dangling']}" + (f", such as {examples}" if examples else "")
        values["dangling-links"] = (Literal(int(links["dangling"])), told)
    dumps = quality.get("dumps")
    if isinstance(dumps, dict) and dumps.get("listed"):
        value = Literal(_decimal(dumps["matching"], dumps["listed"]), datatype=XSD.decimal)
        told = f"{dumps['matching']} of {dumps['listed']} ({dumps['present']} present)"
        values["dumps-matching-checksums"] = (value, told)
    return values


def add_quality(
    graph: Graph, dataset: URIRef, base: str, quality: dict[str, Any], when: datetime | None
) -> None:
    """Add to the finished catalogue ``graph`` the measurements of ``dataset``: the
    completeness of ``graph`` itself and the build's ``quality`` (build.json), each a
    ``dqv:QualityMeasurement`` computed on the dataset, with its metric and dimension."""
    values = _measured(graph, quality)  # before anything is added: the catalogue as it was
    graph.bind("dqv", DQV)
    for key, (label, definition) in DIMENSIONS.items():
        dimension = URIRef(f"{base}catalog#dimension-{key}")
        graph.add((dimension, RDF.type, DQV.Dimension))
        graph.add((dimension, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((dimension, SKOS.definition, Literal(definition, lang="en")))
        if key != "links":
            graph.add((dimension, RDFS.seeAlso, MQA_METHODOLOGY))
    for metric in METRICS:
        if metric.key not in values:
            continue
        node = URIRef(f"{base}catalog#metric-{metric.key}")
        graph.add((node, RDF.type, DQV.Metric))
        graph.add((node, SKOS.prefLabel, Literal(metric.label, lang="en")))
        graph.add((node, SKOS.definition, Literal(metric.definition, lang="en")))
        graph.add((node, DQV.inDimension, URIRef(f"{base}catalog#dimension-{metric.dimension}")))
        graph.add((node, DQV.expectedDataType, XSD.integer if metric.integer else XSD.decimal))
        value, told = values[metric.key]
        measurement = URIRef(f"{base}catalog#quality-{metric.key}")
        graph.add((dataset, DQV.hasQualityMeasurement, measurement))
        graph.add((measurement, RDF.type, DQV.QualityMeasurement))
        graph.add((measurement, DQV.computedOn, dataset))
        graph.add((measurement, DQV.isMeasurementOf, node))
        graph.add((measurement, DQV.value, value))
        graph.add((measurement, RDFS.comment, Literal(told, lang="en")))
        if when is not None:
            graph.add((measurement, PROV.generatedAtTime, Literal(when, datatype=XSD.dateTime)))
