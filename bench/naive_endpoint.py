"""What a user gets from a naive SPARQL server: rdflib's memory store behind Flask (the baseline
bench/run.py compares lisgraph with), and a bare hello-world app on the same stack.

    LISGRAPH_BENCH_DATA=dist/lisgraph.nt gunicorn bench.naive_endpoint:app
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from rdflib import Graph

graph = Graph()
graph.parse(os.environ.get("LISGRAPH_BENCH_DATA", "dist/lisgraph.nt"), format="nt")

app = Flask(__name__)
hello_app = Flask("hello")


@app.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    result = graph.query(request.values["query"])
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return Response(result.serialize(format="nt"), mimetype="application/n-triples")
    return Response(result.serialize(format="json"), mimetype="application/sparql-results+json")


@app.route("/hello")
@hello_app.route("/hello")
def hello() -> str:
    return "ok"
