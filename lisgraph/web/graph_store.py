"""``/data``: the read-only SPARQL 1.1 Graph Store HTTP Protocol.

``GET``/``HEAD /data?graph=IRI`` answer with a named graph, ``?default`` with the default graph
(the merge of every source), in every RDF format by ``Accept`` or ``?format=``; without either,
the whole dataset as N-Quads or TriG. Writes (``PUT``, ``POST``, ``PATCH``, ``DELETE``) are
answered 405 with a message saying the store is read-only.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from .named_graphs import GRAPH_STORE_WRITE_REFUSAL, graph_store_response

__all__ = ["bp"]

bp = Blueprint("graph_store", __name__)

_READ = ["GET", "HEAD", "OPTIONS"]


@bp.route("/data", methods=["GET"])
def read() -> Response:
    params = [(n, v) for n, v in request.args.items(multi=True) if n in ("graph", "default")]
    formats = [v for v in request.args.getlist("format") if v.strip()]
    return graph_store_response(params, formats)


@bp.route("/data", methods=["PUT", "POST", "PATCH", "DELETE"])
def write() -> Response:
    response = Response(GRAPH_STORE_WRITE_REFUSAL + "\n", status=405, mimetype="text/plain")
    response.headers["Allow"] = ", ".join(_READ)
    return response
