"""The published JSON-LD ``@context`` (``/context.jsonld``) and the compaction of JSON-LD
documents with it.

The context gives every ``lis:`` class and property a short name (its local name:
``area``, ``LocalEnterprisePartnership``), object properties typed ``@id`` so their values are
plain IRIs, the common labels short names (``prefLabel``, ``label``, ``title``...), and the
prefixes lisgraph writes RDF with for everything else (``org:memberOf``). Documents (``/doc``,
``/graph``, ``/def``, Graph Store reads) are compacted with it and carry it inline, so a client
reads ``doc["prefLabel"]`` instead of full IRIs, offline too. Not a blueprint.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph

from ..store import QueryResult
from ..views.ontology import ontology_terms
from ..vocab import DCTERMS, PROV, RDFS, SKOS, lis_namespace, prefixes
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["CONTEXT_PATH", "compact", "context", "context_url"]

CONTEXT_PATH = "context.jsonld"

_COMMON: dict[str, Any] = {
    "label": str(RDFS.label),
    "comment": str(RDFS.comment),
    "prefLabel": str(SKOS.prefLabel),
    "altLabel": str(SKOS.altLabel),
    "definition": str(SKOS.definition),
    "notation": str(SKOS.notation),
    "inScheme": {"@id": str(SKOS.inScheme), "@type": "@id"},
    "title": str(DCTERMS.title),
    "description": str(DCTERMS.description),
    "source": {"@id": str(DCTERMS.source), "@type": "@id"},
    "wasDerivedFrom": {"@id": str(PROV.wasDerivedFrom), "@type": "@id"},
}


def context_url() -> str:
    """Where the context is published on this server."""
    return public_root() + CONTEXT_PATH


def context() -> dict[str, Any]:
    """The ``@context`` object: prefixes, ``id``/``type``, common labels and every lis: term."""
    snapshot = current_snapshot()
    # Most text is English: such strings are plain JSON strings.
    ctx: dict[str, Any] = {"@language": "en", "id": "@id", "type": "@type"}
    ctx.update(prefixes(snapshot.base))
    for term in ontology_terms(snapshot.store, lis_namespace(snapshot.base)):
        name = term.iri.rsplit("#", 1)[1]
        if term.kind == "object property":
            ctx[name] = {"@id": term.iri, "@type": "@id"}
        else:
            ctx[name] = term.iri
    for name, definition in _COMMON.items():
        ctx.setdefault(name, definition)
    return ctx


def compact(result: QueryResult) -> bytes:
    """``result``'s triples as JSON-LD compacted with the published context, carried inline:
    a saved document reads the same offline, and parsers that fetch no remote context
    (pyoxigraph's) read it too."""
    graph = Graph().parse(data=result.serialize("ntriples"), format="nt")
    ctx = context()
    document = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
    if not isinstance(document, dict):  # nothing to compact (an empty graph)
        document = {"@context": ctx, "@graph": document}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
