"""Namespaces, with the lisgraph ontology's own terms checked.

``LIS`` is a closed :class:`rdflib.namespace.DefinedNamespace`: a typo such as
``LIS.Stratgy`` raises AttributeError instead of minting a wrong IRI. Its IRIs use the default
base; :func:`rebase` moves any IRI under the default base to a configured one. A test keeps
this list and the ontology in step.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    VOID,
    XSD,
    DefinedNamespace,
)

from .config import DEFAULT_BASE_IRI

__all__ = [
    "ACTIVITY",
    "ADMS",
    "DCAT",
    "DCTERMS",
    "DQV",
    "FOAF",
    "FORMATS",
    "GEO",
    "ENTAILMENT",
    "HYDRA",
    "LDES",
    "LIS",
    "LIS_PATH",
    "LOCN",
    "ONS_GEOGRAPHY",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SKOS",
    "SPDX",
    "TIME",
    "TREE",
    "VANN",
    "VCARD",
    "VOID",
    "XSD",
    "lis",
    "lis_namespace",
    "prefixes",
    "prologue",
    "rebase",
]

#: SPARQL 1.1 Service Description (rdflib has no module for it).
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
#: The vocabularies the catalogue (DCAT-AP), the geometries and the service description use.
ADMS = Namespace("http://www.w3.org/ns/adms#")
#: The W3C Data Quality Vocabulary (the catalogue's measurements of itself).
DQV = Namespace("http://www.w3.org/ns/dqv#")
#: Hydra Core (the controls of a pattern fragment).
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
#: Linked Data Event Streams and the TREE hypermedia vocabulary (the change feed), and
#: Activity Streams (a version's kind: as:Update, as:Delete).
LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
ACTIVITY = Namespace("https://www.w3.org/ns/activitystreams#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
#: The ONS's statistical geographies: a place's IRI is this and its GSS code.
ONS_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"


#: Where the lisgraph ontology's namespace is under a base IRI.
LIS_PATH = "def/lis#"


class LIS(DefinedNamespace):
    """The lisgraph ontology (``{base}def/lis#``) at the default base."""

    _NS = Namespace(DEFAULT_BASE_IRI + LIS_PATH)
    _fail = True

    Ambition: URIRef
    Appointment: URIRef
    Area: URIRef
    Closure: URIRef
    CombinedAuthority: URIRef
    CombinedAuthorityArea: URIRef
    CommitteeReport: URIRef
    Company: URIRef
    Consultation: URIRef
    Document: URIRef
    EconomicStrategyStatement: URIRef
    EditorialSource: URIRef
    EvidenceBase: URIRef
    Facility: URIRef
    Foundation: URIRef
    FunctionTransfer: URIRef
    FundingAllocation: URIRef
    FundingProgramme: URIRef
    GovernmentBody: URIRef
    GrandChallenge: URIRef
    GrowthDeal: URIRef
    Investment: URIRef
    LEPArea: URIRef
    LocalAuthority: URIRef
    LocalAuthorityDistrict: URIRef
    LocalEnterprisePartnership: URIRef
    LocalIndustrialStrategy: URIRef
    Measure: URIRef
    NationalStrategy: URIRef
    Partnership: URIRef
    Priority: URIRef
    Programme: URIRef
    ProgressStatement: URIRef
    Project: URIRef
    Prospectus: URIRef
    Qualifier: URIRef
    Region: URIRef
    Review: URIRef
    SecondarySource: URIRef
    SICSection: URIRef
    Sector: URIRef
    SectorStatement: URIRef
    Site: URIRef
    Source: URIRef
    Statistic: URIRef
    Status: URIRef
    StatusRecord: URIRef
    StrategicEconomicPlan: URIRef
    Target: URIRef
    Theme: URIRef
    Unit: URIRef
    University: URIRef
    Wave: URIRef
    WiderArea: URIRef
    address: URIRef
    addressesChallenge: URIRef
    agreedWith: URIRef
    aim: URIRef
    amount: URIRef
    announced: URIRef
    appointedBy: URIRef
    appointedFor: URIRef
    appointee: URIRef
    area: URIRef
    baselinePeriod: URIRef
    boundariesAsOf: URIRef
    buildsOn: URIRef
    capability: URIRef
    captureFile: URIRef
    changeOf: URIRef
    client: URIRef
    closes: URIRef
    consultationFor: URIRef
    contactOfficer: URIRef
    countQualifier: URIRef
    coversArea: URIRef
    currency: URIRef
    dateFrom: URIRef
    dateTo: URIRef
    featuredSite: URIRef
    functionsPassedTo: URIRef
    fund: URIRef
    funder: URIRef
    fundingRound: URIRef
    fundsProject: URIRef
    gssCode: URIRef
    guides: URIRef
    heavyQueryProcesses: URIRef
    heavyQuerySeconds: URIRef
    horizon: URIRef
    inCombinedAuthorityArea: URIRef
    inLEPArea: URIRef
    inRegion: URIRef
    informs: URIRef
    keyAsset: URIRef
    latestStatus: URIRef
    latestStatusDate: URIRef
    latestStatusRecord: URIRef
    leadBody: URIRef
    ledBy: URIRef
    ledWith: URIRef
    listPosition: URIRef
    locatedIn: URIRef
    namesSector: URIRef
    notLaterThan: URIRef
    mandatedBy: URIRef
    maxQueriesPerClient: URIRef
    maxQueryBurstPerClient: URIRef
    maxQueryLength: URIRef
    maxQueuedQueriesPerClient: URIRef
    maxRequestBytes: URIRef
    maxResultBytes: URIRef
    maxResultRows: URIRef
    measure: URIRef
    numberOfProjects: URIRef
    onBehalfOf: URIRef
    opened: URIRef
    partOfWiderArea: URIRef
    participantCount: URIRef
    participantKind: URIRef
    periodNote: URIRef
    plannedPublication: URIRef
    plannedPublicationQualifier: URIRef
    presenter: URIRef
    priority: URIRef
    purpose: URIRef
    queryMemoryLimit: URIRef
    queryProcesses: URIRef
    queryQueueLength: URIRef
    queryTimeout: URIRef
    recipient: URIRef
    refArea: URIRef
    refPeriod: URIRef
    secondaryOf: URIRef
    sectorSpecialism: URIRef
    sectorStatement: URIRef
    sicSection: URIRef
    servesFoundation: URIRef
    sourceNote: URIRef
    sourceWords: URIRef
    statisticalGeography: URIRef
    status: URIRef
    statusRecord: URIRef
    target: URIRef
    targetDate: URIRef
    targetMeasure: URIRef
    targetValue: URIRef
    telephone: URIRef
    underpinnedBy: URIRef
    unit: URIRef
    value: URIRef
    valueQualifier: URIRef
    vision: URIRef
    wave: URIRef
    waveMember: URIRef
    waveNumber: URIRef


def rebase(iri: str, base: str) -> URIRef:
    """Return ``iri`` with the default base IRI replaced by ``base`` (which ends with /).

    IRIs outside the default base are returned unchanged.
    """
    if iri.startswith(DEFAULT_BASE_IRI):
        return URIRef(base + iri[len(DEFAULT_BASE_IRI) :])
    return URIRef(iri)


def prefixes(base: str) -> dict[str, str]:
    """The prefixes lisgraph writes RDF and SPARQL with, ``lis:`` under ``base``."""
    return {
        "lis": lis_namespace(base),
        "dcterms": str(DCTERMS),
        "dcat": str(DCAT),
        "foaf": str(FOAF),
        "org": str(ORG),
        "owl": str(OWL),
        "prov": str(PROV),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "skos": str(SKOS),
        "time": str(TIME),
        "xsd": str(XSD),
        "schema": str(SCHEMA),
        "vann": str(VANN),
    }


def lis_namespace(base: str) -> str:
    """The lisgraph ontology's namespace under ``base``."""
    return base + LIS_PATH


def prologue(base: str) -> str:
    """The PREFIX declarations of :func:`prefixes`, to start a SPARQL query with."""
    return "".join(f"PREFIX {name}: <{namespace}> " for name, namespace in prefixes(base).items())


def lis(term: str, base: str) -> URIRef:
    """The checked ``lis:`` term ``term`` under ``base`` (AttributeError for a misspelt one)."""
    return rebase(str(getattr(LIS, term)), base)
