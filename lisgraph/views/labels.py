"""Names for resources: the best label a resource has, a readable one made from its IRI when it
has none, and the SPARQL that binds a label beside a variable."""

from __future__ import annotations

import re

from .. import sparql_text
from ..store import Store, Term
from ..vocab import DCTERMS as DCT
from ..vocab import FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME

__all__ = [
    "KNOWN_LABELS",
    "LABEL_PROPERTIES",
    "fallback_label",
    "label_map",
    "label_of",
    "labelled",
]

#: Properties that give a resource its display name, best first.
LABEL_PROPERTIES = (f"{SKOS}prefLabel", f"{RDFS}label", f"{DCT}title", f"{FOAF}name")

#: Readable names for the terms of the reused vocabularies (the ontology labels its own).
KNOWN_LABELS = {
    f"{RDF}type": "type",
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
    f"{ORG}member": "member",
    f"{ORG}organization": "organisation",
    f"{ORG}role": "role",
    f"{ORG}memberDuring": "during",
    f"{ORG}subOrganizationOf": "part of organisation",
    f"{ORG}originalOrganization": "organisation",
    f"{PROV}wasDerivedFrom": "derived from",
    f"{PROV}wasAssociatedWith": "run by",
    f"{PROV}wasInformedBy": "prompted by",
    f"{TIME}hasBeginning": "begins",
    f"{TIME}hasEnd": "ends",
    f"{TIME}inXSDDate": "date",
    f"{TIME}inXSDgYearMonth": "month",
    f"{TIME}inXSDgYear": "year",
    f"{OWL}imports": "imports",
    f"{OWL}versionIRI": "version IRI",
    f"{OWL}versionInfo": "version",
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


def labelled(var: str) -> str:
    """Graph patterns binding ?{var}_label to ?{var}'s name, title or label, if it has one."""
    return (
        f"OPTIONAL {{ ?{var} <{SKOS}prefLabel> ?{var}_pl }} "
        f"OPTIONAL {{ ?{var} <{DCT}title> ?{var}_t }} "
        f"OPTIONAL {{ ?{var} <{RDFS}label> ?{var}_l }} "
        f"BIND(COALESCE(?{var}_pl, ?{var}_t, ?{var}_l) AS ?{var}_label)"
    )


def label_of(row: dict[str, Term], var: str) -> str:
    """The label :func:`labelled` bound for ?{var}, or one made from its IRI."""
    label = row.get(f"{var}_label")
    return label.value if label is not None else fallback_label(row[var].value)
