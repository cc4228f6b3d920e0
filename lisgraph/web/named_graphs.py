"""Named graphs as documents and the read-only SPARQL 1.1 Graph Store HTTP Protocol.

Shared by the pages (``/graph/{file}``: the graph's own triples), the Graph Store endpoint
(``/data?graph=IRI``, ``/data?default``) and the SPARQL endpoint, which answers a Graph Store
request sent to it (``/sparql?graph=IRI``, as Jena's ``RDFConnection.fetch`` does) with the graph
rather than with its service description. Not a blueprint.

The default graph is served from the build's dumps (the merge of every source, as the SPARQL
default graph is); a named graph is asked of the store. N-Quads and TriG of a named graph name
the graph; of the default graph they hold the triples unnamed.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, render_template, request, send_file

from ..artifact import JSONLD, NQUADS, NQUADS_UNION, NTRIPLES, RDF_XML, TURTLE
from ..store import QueryResult
from ..views.graphs import graph_summary, graph_triples, is_named_graph
from ..vocab import prefixes
from .compression import accepts_gzip
from .dataset import current_snapshot
from .documents import document_response, not_acceptable, not_found
from .jsonld_context import compact
from .negotiation import Format, negotiate, offered
from .urls import local_url, public_root

__all__ = [
    "GRAPH_STORE_WRITE_REFUSAL",
    "graph_document",
    "graph_store_response",
    "serialize_triples",
]

GRAPH_STORE_WRITE_REFUSAL = (
    "This Graph Store is read-only: GET and HEAD read a graph (?graph=IRI or ?default); PUT, "
    "POST, PATCH and DELETE are not accepted. The data changes only with a new build."
)

# The dump that holds the default graph in each format (N-Triples is valid N-Quads, Turtle valid
# TriG).
_DEFAULT_GRAPH_DUMPS = {
    "turtle": TURTLE,
    "trig": TURTLE,
    "ntriples": NTRIPLES,
    "nquads": NTRIPLES,
    "jsonld": JSONLD,
    "rdfxml": RDF_XML,
}
_QUAD_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def serialize_triples(result: QueryResult, fmt: Format, graph: str | None = None) -> bytes:
    """``result``'s triples in ``fmt``; in N-Quads and TriG inside the named graph ``graph``."""
    base = current_snapshot().base
    if graph is not None and fmt.key in _QUAD_FORMATS:
        name = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in result.triples()]
        fmt_obj = _QUAD_FORMATS[fmt.key]
        chosen = prefixes(base) if fmt_obj == ox.RdfFormat.TRIG else None
        return ox.serialize(quads, format=fmt_obj, prefixes=chosen) or b""
    if fmt.key == "jsonld":
        return compact(result)
    return result.serialize(fmt.key, prefixes=prefixes(base))


def graph_document(
    iri: str, doc_path: str, explicit: Format | None, fmt: Format | None
) -> Response:
    """The document of the named graph ``iri``: its own triples in an RDF format, or its page."""
    store = current_snapshot().store
    if not is_named_graph(store, iri):
        return not_found(iri, fmt)
    if fmt is None:
        return not_acceptable("This named graph")
    body: str | bytes
    if fmt.key == "html":
        summary = graph_summary(store, iri)
        body = render_template(
            "graph.html",
            summary=summary,
            doc_path=doc_path,
            data_url=local_url(iri),
            gsp_url=public_root() + "data",
        )
    else:
        body = serialize_triples(graph_triples(store, iri), fmt, iri)
    return document_response(body, fmt, doc_path, negotiated=explicit is None)


def _refuse(message: str, status: int = 400) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


def graph_store_response(params: list[tuple[str, str]], formats: list[str]) -> Response:
    """A Graph Store Protocol GET: the graph ``graph=IRI`` names, or the default graph for
    ``default``; with neither, the whole dataset (N-Quads or TriG)."""
    snapshot = current_snapshot()
    accept = request.headers.get("Accept", "")
    graphs = [v for n, v in params if n == "graph"]
    wants_default = any(n == "default" for n, _ in params)
    if len(graphs) + wants_default > 1:
        return _refuse(
            "Name one graph: either ?graph=IRI or ?default (Graph Store Protocol, section 4.2)."
        )
    if not graphs and not wants_default:
        return _dataset(formats, accept)
    fmt = negotiate(accept, formats, "rdf", "turtle", html=False)
    if fmt is None:
        return not_acceptable("A graph of the Graph Store", offered("rdf", html=False))
    if wants_default:
        name = _DEFAULT_GRAPH_DUMPS[fmt.key]
        response = send_file(
            snapshot.build.file(name),
            mimetype=fmt.media_type,
            conditional=True,
            etag=f"{snapshot.build.checksums().get(name, name)}-{fmt.key}",
        )
        if fmt.charset:
            response.headers["Content-Type"] = fmt.content_type
    else:
        iri = graphs[0]
        if not is_named_graph(snapshot.store, iri):
            return _refuse(
                f"There is no graph <{iri}> in this dataset; its named graphs are listed at "
                f"{public_root()}graph/ and in the service description.",
                404,
            )
        # The graph itself, unnamed even in N-Quads and TriG: a Graph Store client reads the
        # answer as the graph's content (the page /graph/... names it).
        body = serialize_triples(graph_triples(snapshot.store, iri), fmt)
        response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _dataset(formats: list[str], accept: str) -> Response:
    """The whole dataset as the endpoint queries it: every named graph, and their merge in the
    default graph (N-Quads from the dump, or TriG), so that a client whose default graph is the
    unnamed one (Comunica, rdflib's Dataset) finds what a query without GRAPH finds here. A
    build made before that dump existed serves its named graphs alone."""
    fmt = negotiate(accept, formats, "rdf", "nquads", html=False)
    build = current_snapshot().build
    name = NQUADS_UNION if build.file(NQUADS_UNION).is_file() else NQUADS
    if fmt is None or fmt.key not in _QUAD_FORMATS:
        return not_acceptable(
            "Without ?graph=IRI (a named graph) or ?default (the merge of every source), the "
            "whole dataset",
            [f for f in offered("rdf", html=False) if f.key in _QUAD_FORMATS],
            formats,
        )
    if fmt.key == "nquads":
        # its gzip copy, encoded, to a client that accepts it (Comunica, Jena): a tenth of it
        encoded = (
            accepts_gzip(request.headers.get("Accept-Encoding", ""))
            and build.file(name + ".gz").is_file()
        )
        sent = name + ".gz" if encoded else name
        response = send_file(
            build.file(sent),
            mimetype=fmt.media_type,
            conditional=True,
            etag=build.checksums().get(sent, True),
        )
        response.vary.add("Accept-Encoding")
        if encoded:
            response.headers["Content-Encoding"] = "gzip"
    else:
        quads = ox.parse(path=str(build.file(name)), format=ox.RdfFormat.N_QUADS)
        body = ox.serialize(
            quads, format=ox.RdfFormat.TRIG, prefixes=prefixes(current_snapshot().base)
        )
        response = Response(body or b"", content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
