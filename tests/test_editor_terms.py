"""The query editor completes classes and properties from the data itself (review anchors 2.5):
``/editor/terms.json`` lists every class with instances and every property the data uses, with
labels and counts that are the store's, and the ontology's unused terms as unused."""

from __future__ import annotations

import json
import re
from typing import Any

from flask.testing import FlaskClient

from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE

LIS = f"{BASE}def/lis#"


def _terms(client: FlaskClient) -> list[dict[str, Any]]:
    answer = client.get("/editor/terms.json")
    assert answer.status_code == 200 and answer.content_type.startswith("application/json")
    terms: list[dict[str, Any]] = answer.get_json()["terms"]
    assert terms
    return terms


def test_classes_and_properties_with_their_counts_in_the_data(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    terms = {(t["iri"], t["kind"]): t for t in _terms(client)}
    classes = {
        r["c"].value: int(r["n"].value)
        for r in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
        ).rows()
    }
    used = {
        r["p"].value: int(r["n"].value)
        for r in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p").rows()
    }
    assert {iri: terms[(iri, "class")]["count"] for iri in classes} == classes
    assert {iri: terms[(iri, "property")]["count"] for iri in used} == used
    strategy = terms[(f"{LIS}LocalIndustrialStrategy", "class")]
    assert strategy["label"].lower() == "local industrial strategy" and strategy["comment"]
    # a reused vocabulary's term the data uses, with its known name
    assert terms[("http://www.w3.org/2004/02/skos/core#prefLabel", "property")]["label"] == "name"
    # the ontology's terms the data does not use are offered, as unused
    unused = [t for t in terms.values() if t["iri"].startswith(LIS) and t["count"] == 0]
    assert unused and all(t["iri"] not in classes and t["iri"] not in used for t in unused)


def test_the_most_used_come_first(client: FlaskClient) -> None:
    terms = _terms(client)
    for kind in ("class", "property"):
        counts = [t["count"] for t in terms if t["kind"] == kind]
        assert counts == sorted(counts, reverse=True) and counts[0] > 0


def test_the_editor_is_told_where_they_are(client: FlaskClient) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(r'<script[^>]*id="lisgraph-editor"[^>]*>(.*?)</script>', html, re.S)
    if found is None:  # the package was built without the editor: nothing to complete
        assert "yasgui.min.js" not in html
        return
    config = json.loads(found.group(1))
    assert config["terms"] == "http://localhost/editor/terms.json"
