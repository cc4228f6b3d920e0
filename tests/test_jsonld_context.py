"""JSON-LD documents are compacted with the published context (``/context.jsonld``), carry it
inline, and say exactly what the Turtle says."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from .helpers import InProcessHTTP


@pytest.mark.parametrize(
    "path", ["doc/lep/E37000057", "graph/seed-000-semlep-lis-page", "def/lis/geography"]
)
def test_json_ld_is_compacted_with_the_published_context(http: InProcessHTTP, path: str) -> None:
    url = "http://localhost/" + path
    answer = http.get(url, headers={"Accept": "application/ld+json"})
    document = json.loads(answer.content)
    published = http.get("http://localhost/context.jsonld")
    assert published.status_code == 200
    assert published.headers["Content-Type"].startswith("application/ld+json")
    assert document["@context"] == json.loads(published.content)["@context"]  # carried inline
    text = json.dumps(document["@graph"])
    assert '"id"' in text and "https://w3id.org/lisgraph/def/lis#" not in text
    as_read = Graph().parse(data=answer.content, format="json-ld")  # offline: no fetch
    turtle = http.get(url, headers={"Accept": "text/turtle"})
    assert isomorphic(as_read, Graph().parse(data=turtle.content, format="turtle"))


def test_context_names_every_lis_term(http: InProcessHTTP) -> None:
    context = json.loads(http.get("http://localhost/context.jsonld").content)["@context"]
    assert context["area"] == {"@id": "https://w3id.org/lisgraph/def/lis#area", "@type": "@id"}
    assert context["LocalEnterprisePartnership"].endswith("#LocalEnterprisePartnership")
    assert context["prefLabel"] == "http://www.w3.org/2004/02/skos/core#prefLabel"
