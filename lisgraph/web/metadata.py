"""Metadata for open-data portals: VoID at ``/.well-known/void``, a DCAT-AP 3.0.1 catalogue at
``/catalog``, schema.org ``Dataset`` JSON-LD (embedded in the landing page), ``/sitemap.xml``,
and ``/robots.txt`` pointing at it.

Catalogue resources are named by this server's URLs; the dataset's things keep their canonical
IRIs (``void:uriSpace``) and ``void:exampleResource`` points at them.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from flask import Blueprint, Response, request
from rdflib import Graph

from .dataset import current_snapshot
from .dataset_description import catalog_graph, void_graph
from .jsonld_context import context
from .negotiation import negotiate
from .urls import local_url, public_root

__all__ = ["bp"]

bp = Blueprint("metadata", __name__)


def _rdf_response(graph: Graph) -> Response:
    fmt = negotiate(
        request.headers.get("Accept", ""), request.args.get("format"), "rdf", "turtle", html=False
    )
    if fmt is None or not fmt.rdflib:
        return Response(
            "Available as text/turtle, application/ld+json, application/rdf+xml and "
            "application/n-triples.\n",
            status=406,
            mimetype="text/plain",
        )
    response = Response(
        graph.serialize(format=fmt.rdflib, encoding="utf-8"),
        content_type=fmt.content_type,
    )
    response.vary.add("Accept")
    return response


@bp.route("/.well-known/void")
def void() -> Response:
    return _rdf_response(void_graph())


@bp.route("/catalog")
def catalog() -> Response:
    return _rdf_response(catalog_graph())


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    snapshot = current_snapshot()
    root = public_root()
    rows = snapshot.store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
        f'"{snapshot.base}id/")) }} ORDER BY ?s'
    ).rows()
    urls = [root, root + "sparql", root + "def/lis"]
    urls += [local_url(r["s"].value).replace(root + "id/", root + "doc/", 1) for r in rows]
    body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    body += [f"  <url><loc>{escape(u)}</loc></url>" for u in urls]
    body.append("</urlset>")
    return Response("\n".join(body) + "\n", content_type="application/xml; charset=utf-8")


@bp.route("/robots.txt")
def robots() -> Response:
    """Every page may be crawled; the sitemap lists them."""
    return Response(
        f"User-agent: *\nAllow: /\nSitemap: {public_root()}sitemap.xml\n",
        content_type="text/plain; charset=utf-8",
    )


@bp.route("/context.jsonld")
def jsonld_context() -> Response:
    """The JSON-LD context every JSON-LD document of this server is compacted with."""
    body = json.dumps({"@context": context()}, ensure_ascii=False, indent=1, sort_keys=True)
    return Response(body + "\n", content_type="application/ld+json; charset=utf-8")
