"""The SPARQL 1.1 Protocol endpoint, over HTTP against the real server, with real clients.

Every test runs twice: against the embedded store, and against Virtuoso through
``lisgraph serve --store`` (skipped when Virtuoso is not installed).
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

LIS = "https://w3id.org/lisgraph/def/lis#"
SEMLEP = "https://w3id.org/lisgraph/id/lep/E37000057"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WAVES = f"PREFIX lis: <{LIS}> SELECT ?n WHERE {{ ?w a lis:Wave ; lis:waveNumber ?n }} ORDER BY ?n"
CONSTRUCT = f"CONSTRUCT {{ <{SEMLEP}> ?p ?o }} WHERE {{ <{SEMLEP}> ?p ?o }}"


@pytest.fixture(params=["embedded", "virtuoso"])
def endpoint(request: pytest.FixtureRequest) -> str:
    """The server of the session's build: embedded store, or Virtuoso behind ``--store``.

    (Named apart from the session fixture ``server``: a function-scoped fixture of that name
    shadowed it and restarted gunicorn for every test.)"""
    name = "remote_server" if request.param == "virtuoso" else "server"
    return str(request.getfixturevalue(name))


def _answer(client: SPARQLWrapper) -> Any:
    """What SPARQLWrapper's ``convert()`` gives: its type depends on the return format set."""
    return client.query().convert()


def _client(endpoint: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint + "sparql")
    if method == "POST":
        client.setMethod(POST)
    elif method == "POST-direct":
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    return client


@pytest.mark.parametrize("method", ["GET", "POST", "POST-direct"])
def test_sparqlwrapper_select_json(endpoint: str, method: str) -> None:
    client = _client(endpoint, method)
    client.setQuery(WAVES)
    client.setReturnFormat(JSON)
    result = _answer(client)
    assert [b["n"]["value"] for b in result["results"]["bindings"]] == ["1", "2", "3"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_xml_csv_tsv(endpoint: str, method: str) -> None:
    client = _client(endpoint, method)
    client.setQuery(WAVES)
    client.setReturnFormat(XML)
    xml = _answer(client)
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == ["1", "2", "3"]
    client.setReturnFormat(CSV)
    assert _answer(client).decode().split() == ["n", "1", "2", "3"]
    client.setReturnFormat(TSV)
    rows = _answer(client).decode().split()
    assert rows[0] == "?n" and [r.split("^^")[0].strip('"') for r in rows[1:]] == ["1", "2", "3"]


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(endpoint: str, fmt: str) -> None:
    client = _client(endpoint, "GET")
    client.setQuery(f"ASK {{ <{SEMLEP}> a <{LIS}LocalEnterprisePartnership> }}")
    client.setReturnFormat(fmt)
    result = _answer(client)
    if fmt == JSON:
        assert result["boolean"] is True
    elif fmt == XML:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:  # CSV and TSV have no form for a boolean: the answer is the one word
        assert result.decode("utf-8").strip() == "true"


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph_results(endpoint: str, fmt: str, method: str, form: str) -> None:
    client = _client(endpoint, method)
    client.setQuery(CONSTRUCT if form == "CONSTRUCT" else f"DESCRIBE <{SEMLEP}>")
    client.setReturnFormat(fmt)
    result = _answer(client)
    graph = (
        result
        if isinstance(result, Graph)
        else Graph().parse(
            data=result, format={TURTLE: "turtle", JSONLD: "json-ld", RDFXML: "xml"}[fmt]
        )
    )
    assert (URIRef(SEMLEP), None, URIRef(f"{LIS}LocalEnterprisePartnership")) in graph


def test_relative_iris_resolve_against_the_endpoint(endpoint: str) -> None:
    response = requests.get(
        endpoint + "sparql",
        params={"query": "SELECT (<x> AS ?iri) WHERE {}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.json()["results"]["bindings"][0]["iri"]["value"] == endpoint + "x"


def test_default_and_named_graph_uris(endpoint: str) -> None:
    graph = "https://w3id.org/lisgraph/graph/seed-003-south-east-lep"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    headers = {"Accept": "text/csv"}
    everything = requests.get(
        endpoint + "sparql", params={"query": count}, headers=headers, timeout=30
    )
    one = requests.get(
        endpoint + "sparql",
        params={"query": count, "default-graph-uri": graph},
        headers=headers,
        timeout=30,
    )
    n_all, n_one = int(everything.text.split()[1]), int(one.text.split()[1])
    assert 0 < n_one < n_all
    named = requests.post(
        endpoint + "sparql",
        data={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": graph,
        },
        headers=headers,
        timeout=30,
    )
    assert named.text.split()[1:] == [graph]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(endpoint: str, accept: str, media_type: str) -> None:
    response = requests.get(
        endpoint + "sparql", params={"query": WAVES}, headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers.get("Vary", "")


def test_format_parameter_and_html_results(endpoint: str) -> None:
    as_csv = requests.get(endpoint + "sparql", params={"query": WAVES, "format": "csv"}, timeout=30)
    assert list(csv.reader(io.StringIO(as_csv.text))) == [["n"], ["1"], ["2"], ["3"]]
    html = requests.get(endpoint + "sparql", params={"query": WAVES, "format": "html"}, timeout=30)
    assert html.headers["Content-Type"].startswith("text/html") and "3 rows" in html.text


@pytest.mark.parametrize(
    ("query", "accept"),
    [(WAVES, "text/turtle"), (CONSTRUCT, "text/csv"), (WAVES, "image/png")],
)
def test_406_when_nothing_acceptable(endpoint: str, query: str, accept: str) -> None:
    response = requests.get(
        endpoint + "sparql", params={"query": query}, headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 406
    assert "is available as" in response.text and accept in response.text


def _count(endpoint: str) -> int:
    response = requests.get(
        endpoint + "sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    return int(response.text.split()[1])


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {
            "data": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"data": {"query": "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }"}},
        {"data": {"query": "LOAD <file:///etc/passwd>"}},
        {"data": {"query": "DROP ALL"}},
    ],
)
def test_updates_are_refused_and_change_nothing(
    endpoint: str, request_kwargs: dict[str, Any]
) -> None:
    before = _count(endpoint)
    response = requests.post(endpoint + "sparql", timeout=30, **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert _count(endpoint) == before


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "not valid SPARQL"),
        ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "Exactly one query"),
        ({"params": {"query": ""}}, 400, "empty"),
        (
            {"method": "POST", "data": "ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "text/plain",
        ),
        (
            {"method": "POST", "data": b"ASK {}", "headers": {"Content-Type": ""}},
            415,
            "Content-Type",
        ),
        (
            {
                "method": "POST",
                "data": b'ASK { ?s ?p "\xff" }',
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "UTF-8",
        ),
        ({"url_suffix": "?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D"}, 400, "UTF-8"),
        (
            {
                "method": "POST",
                "data": b"query=ASK%20%7B%7D%FF",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
            "UTF-8",
        ),
        (
            {"params": {"query": "ASK {}", "format": "png"}, "headers": {"Accept": "image/png"}},
            406,
            "format=png names none of them",
        ),
    ],
)
def test_bad_requests_get_a_clear_4xx(
    endpoint: str, kwargs: dict[str, Any], status: int, words: str
) -> None:
    kwargs = dict(kwargs)
    method = kwargs.pop("method", "GET")
    url = endpoint + "sparql" + kwargs.pop("url_suffix", "")
    response = requests.request(method, url, timeout=30, **kwargs)
    assert response.status_code == status, response.text
    assert words in response.text
    assert "Traceback" not in response.text


def test_service_description_for_rdf_clients(endpoint: str) -> None:
    response = requests.get(endpoint + "sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    # With no LISGRAPH_PUBLIC_URL the endpoint is the URL served (an allowed Host), the
    # canonical name beside it.
    assert (None, SD.endpoint, URIRef(endpoint + "sparql")) in graph
    assert (URIRef(endpoint + "sparql"), None, URIRef("https://w3id.org/lisgraph/sparql")) in graph
    assert len(list(graph.objects(None, SD.resultFormat))) >= 8
    assert list(graph.objects(None, SD.namedGraph))
    as_jsonld = requests.get(
        endpoint + "sparql", headers={"Accept": "application/ld+json"}, timeout=30
    )
    assert json.loads(as_jsonld.text)


def test_query_page_for_browsers_runs_every_example(endpoint: str) -> None:
    page = requests.get(
        endpoint + "sparql",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        timeout=30,
    )
    assert page.status_code == 200 and "<textarea" in page.text
    from lisgraph.queries import example_queries

    examples = example_queries()
    assert len(examples) >= 12
    for example in examples:
        assert example.question in html.unescape(page.text)
        result = requests.get(
            endpoint + "sparql", params={"query": example.sparql, "format": "html"}, timeout=30
        )
        assert result.status_code == 200 and "<table" in result.text, example.name


def test_cors_is_open(endpoint: str) -> None:
    response = requests.get(
        endpoint + "sparql",
        params={"query": WAVES},
        headers={"Origin": "https://example.org"},
        timeout=30,
    )
    assert response.headers.get("Access-Control-Allow-Origin") == "*"
    preflight = requests.options(
        endpoint + "sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers.get(
        "Access-Control-Allow-Methods", ""
    )


def test_service_refused(endpoint: str) -> None:
    response = requests.get(
        endpoint + "sparql",
        params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
        timeout=30,
    )
    assert response.status_code == 403 and "SERVICE" in response.text
