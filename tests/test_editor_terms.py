"""The query editor completes classes and properties from the data itself (review anchors 2.5):
``/editor/terms.json`` lists every class with instances and every property the data uses, with
labels and counts that are the store's, and the ontology's unused terms as unused."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
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


def _names(client: FlaskClient, query: str) -> list[dict[str, Any]]:
    answer = client.get(f"/editor/names.json?{query}")
    assert answer.status_code == 200 and answer.content_type.startswith("application/json")
    names: list[dict[str, Any]] = answer.get_json()["names"]
    return names


def test_named_things_complete_by_part_of_their_name(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    label = {
        r["l"].value
        for r in store.query(
            f"SELECT ?l WHERE {{ <{BASE}id/lep/E37000007> <http://www.w3.org/2004/02/skos/core#"
            "prefLabel> ?l }"
        ).rows()
    }
    names = _names(client, "q=Cumbria")
    lep = [n for n in names if n["iri"] == f"{BASE}id/lep/E37000007"]
    assert lep and lep[0]["label"] in label and lep[0]["classLabel"]
    assert all("cumbria" in n["matched"].lower() for n in names)
    # each text its own answer (the page cache, keyed without q, must not keep one for all)
    assert f"{BASE}id/lep/E37000005" in {n["iri"] for n in _names(client, "q=Cornwall")}


def test_a_prefixed_names_namespace_keeps_only_iris_under_it(client: FlaskClient) -> None:
    everything = _names(client, "q=E3700000&limit=20")
    leps = _names(client, f"q=E3700000&limit=20&ns={BASE}id/lep/")
    assert leps and all(n["iri"].startswith(f"{BASE}id/lep/") for n in leps)
    assert any(not n["iri"].startswith(f"{BASE}id/lep/") for n in everything)


def test_names_have_limits(client: FlaskClient) -> None:
    assert len(_names(client, "q=E3700000&limit=500")) == 20  # at most 20 whatever is asked
    assert len(_names(client, "q=E3700000&limit=3")) == 3
    for query in ("q=C", "q=", "q=" + "x" * 101, "q=Cumbria&limit=lots"):
        answer = client.get(f"/editor/names.json?{query}")
        assert answer.status_code == 400, query
        assert answer.get_data(as_text=True).strip()  # says why


def test_the_query_page_points_the_editor_at_names(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    config = re.search(r'id="lisgraph-editor">(.*?)</script>', page, re.S)
    if config is None:
        pytest.skip("the package was built without npm: no query editor")
    assert json.loads(config[1])["names"].endswith("/editor/names.json")
