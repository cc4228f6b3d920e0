"""schema.org terms for what the graph states, where one fits: a LEP is a
``GovernmentOrganization``, a strategy a ``Report`` by its authors, a source a ``CreativeWork``;
a name, a description, an author, a date published, an area served. Derived by SPARQL from the
resource's own statements (nothing is added that the graph does not say), for the JSON-LD that
HTML pages carry for search engines and for clients that read only schema.org (review E9).
"""

from __future__ import annotations

from .. import sparql_text
from ..store import QueryResult, Store
from ..vocab import lis, prologue

__all__ = ["SCHEMA_PROPERTIES", "SCHEMA_TYPES", "schema_org_statements"]

#: lisgraph's classes and the schema.org type each instance also is.
SCHEMA_TYPES = (
    ("LocalEnterprisePartnership", "GovernmentOrganization"),
    ("CombinedAuthority", "GovernmentOrganization"),
    ("LocalAuthority", "GovernmentOrganization"),
    ("GovernmentBody", "GovernmentOrganization"),
    ("LocalIndustrialStrategy", "Report"),
    ("Document", "CreativeWork"),
    ("Source", "CreativeWork"),
    ("LEPArea", "AdministrativeArea"),
    ("LocalAuthorityDistrict", "AdministrativeArea"),
    ("Region", "AdministrativeArea"),
    ("FundingAllocation", "MonetaryGrant"),
)

#: Properties (prefixed names) and the schema.org property that says the same of the subject.
SCHEMA_PROPERTIES = (
    ("skos:prefLabel", "name"),
    ("dcterms:title", "name"),
    ("skos:altLabel", "alternateName"),
    ("dcterms:description", "description"),
    ("skos:definition", "description"),
    ("dcterms:creator", "author"),
    ("dcterms:publisher", "publisher"),
    ("dcterms:issued", "datePublished"),
    ("dcterms:source", "citation"),
    ("lis:area", "areaServed"),
    ("lis:coversArea", "spatialCoverage"),
    ("lis:gssCode", "identifier"),
    ("lis:recipient", "recipient"),
)


def schema_org_statements(store: Store, base: str, iri: str) -> QueryResult:
    """The schema.org statements about ``iri`` that its own statements give: a type for each
    class in :data:`SCHEMA_TYPES` it has, a property for each in :data:`SCHEMA_PROPERTIES`
    it has (``rdfs:label`` as the name only when it has no ``skos:prefLabel`` or title)."""
    node = sparql_text.iri(iri)
    # checked terms: a misspelt class or property is an error here, not a silent gap
    types = " ".join(f"(<{lis(c, base)}> schema:{s})" for c, s in SCHEMA_TYPES)
    for name, _ in SCHEMA_PROPERTIES:
        if name.startswith("lis:"):
            lis(name[4:], base)
    properties = " ".join(f"({p} schema:{s})" for p, s in SCHEMA_PROPERTIES)
    return store.query(
        prologue(base)
        + f"CONSTRUCT {{ {node} a ?schemaType . {node} ?schemaProperty ?value }} WHERE {{ "
        f"{{ VALUES (?type ?schemaType) {{ {types} }} {node} a ?type }} "
        f"UNION {{ VALUES (?property ?schemaProperty) {{ {properties} }} "
        f"{node} ?property ?value }} "
        f"UNION {{ {node} rdfs:label ?value BIND(schema:name AS ?schemaProperty) "
        f"FILTER NOT EXISTS {{ {node} skos:prefLabel|dcterms:title ?named }} }} }}"
    )
