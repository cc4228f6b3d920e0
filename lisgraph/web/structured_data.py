"""The JSON-LD every HTML page carries (review E9), for search engines and for clients that read
structured data out of HTML (extruct, Comunica's HTML parsers): on a resource's page, what its
Turtle document holds (its statements, the links to it, the labels of what it links to) with the
schema.org terms that fit (:mod:`..views.schema_org`); on every other page, a schema.org
``WebPage`` that is part of the dataset, naming what the page is about. The context is the
prefixes alone, inline, so the script reads the same offline; the resource is the top node,
the rest ``@included``. Not a blueprint.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..views.resource import describe_rdf
from ..views.schema_org import schema_org_statements
from ..vocab import SCHEMA, prefixes
from .dataset import current_snapshot
from .dataset_facts import TITLE, dataset_iri
from .page_cache import PAGE_PARAMETERS
from .urls import public_root

__all__ = ["init_app", "resource_jsonld", "web_page_jsonld"]


def _dataset() -> dict[str, Any]:
    return {"@type": "Dataset", "@id": str(dataset_iri()), "name": TITLE, "url": public_root()}


def _page_url() -> str:
    """The page's URL with the query parameters a page reads (others change nothing, and the
    page cache keeps one copy for them all)."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k in PAGE_PARAMETERS]
    return public_root() + request.path.lstrip("/") + (f"?{urlencode(kept)}" if kept else "")


def web_page_jsonld(name: str, about: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A schema.org ``WebPage`` at the requested URL, called ``name``, part of the dataset,
    and about the things in ``about`` (each a node: ``@id``, ``@type``, ``name``)."""
    page: dict[str, Any] = {
        # schema.org as the vocabulary, inline: parsers need not fetch schema.org's context
        "@context": {"@vocab": str(SCHEMA)},
        "@type": "WebPage",
        "@id": _page_url(),
        "name": name,
        "isPartOf": _dataset(),
    }
    if about:
        page["about"] = about
    return page


def resource_jsonld(iri: str, page_url: str, incoming_limit: int) -> dict[str, Any]:
    """The document of ``iri`` as its Turtle has it, with schema.org terms, and the page
    (``page_url``) as a ``WebPage`` whose main entity it is, compacted with the prefixes."""
    snapshot = current_snapshot()
    graph = Graph()
    for result in (
        describe_rdf(snapshot.store, iri, incoming_limit=incoming_limit),
        schema_org_statements(snapshot.store, snapshot.base, iri),
    ):
        graph.parse(data=result.serialize("ntriples"), format="nt")
    page = URIRef(page_url)
    graph.add((page, RDF.type, SCHEMA.WebPage))
    graph.add((page, SCHEMA.mainEntity, URIRef(iri)))
    graph.add((page, SCHEMA.isPartOf, dataset_iri()))
    context = prefixes(snapshot.base)
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    if not isinstance(document, dict):
        document = {"@context": context, "@graph": document}
    nodes = document.pop("@graph", None)
    if nodes is None:
        return document
    # The resource as the top node and the rest "@included" (JSON-LD 1.1): the same triples,
    # but Comunica reads a top-level "@graph" in an HTML script into a blank-node named graph,
    # where a query of the default graph does not find them.
    main = next((n for n in nodes if n.get("@id") == iri), None)
    if main is None:
        return {**document, "@graph": nodes}
    rest = [n for n in nodes if n is not main]
    return {**document, **main, **({"@included": rest} if rest else {})}


def init_app(app: Flask) -> None:
    """Offer :func:`web_page_jsonld` to templates (``base.html`` uses it)."""
    app.jinja_env.globals["web_page_jsonld"] = web_page_jsonld
