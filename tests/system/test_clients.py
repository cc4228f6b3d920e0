"""Real SPARQL clients as they come, against the real server (and Virtuoso behind ``--store``).

SPARQLWrapper with its default settings, every query form x every return format x GET / POST
form / POST direct (108 calls per server); rdflib's ``SPARQLStore`` used as a graph; Rasqal's
``roqet``. Every answer is parsed back (by the Content-Type it came with) and checked.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import warnings
from http.client import HTTPResponse
from typing import Any, cast

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import ResultRow
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper import (
    RDF as RDF_FORMAT,
)

LIS = Namespace("https://w3id.org/lisgraph/def/lis#")
SEMLEP = URIRef("https://w3id.org/lisgraph/id/lep/E37000057")
GRAPH = "https://w3id.org/lisgraph/graph/seed-000-semlep-lis-page"
QUERIES = {
    "SELECT": f"SELECT ?n WHERE {{ ?w <{LIS.waveNumber}> ?n }} ORDER BY ?n",
    "ASK": f"ASK {{ <{SEMLEP}> a <{LIS.LocalEnterprisePartnership}> }}",
    "CONSTRUCT": f"CONSTRUCT {{ <{SEMLEP}> ?p ?o }} WHERE {{ <{SEMLEP}> ?p ?o }}",
    "DESCRIBE": f"DESCRIBE <{SEMLEP}>",
}
RETURN_FORMATS = [JSON, XML, CSV, TSV, JSONLD, N3, TURTLE, RDF_FORMAT, RDFXML]
METHODS = ["GET", "POST", "POST-direct"]


@pytest.fixture(params=["embedded", "virtuoso"])
def endpoint(request: pytest.FixtureRequest) -> str:
    """The server of the session's build: embedded store, or Virtuoso behind ``--store``."""
    name = "remote_server" if request.param == "virtuoso" else "server"
    return str(request.getfixturevalue(name))


def _wrapper(endpoint: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint + "sparql")  # everything else as it comes
    if method != "GET":
        client.setMethod(POST)
    if method == "POST-direct":
        client.setRequestMethod(POSTDIRECTLY)
    return client


class _Replay(io.BytesIO):
    """The bytes of an HTTP answer, readable again by SPARQLWrapper's ``convert()``."""

    def __init__(self, body: bytes, info: Any) -> None:
        super().__init__(body)
        self._info = info

    def info(self) -> Any:
        return self._info


def _answer_of(media_type: str, body: bytes, form: str) -> object:
    """The answer in a comparable shape: values of ?n, the boolean, or the set of triples."""
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    if results_format is not None:
        if form == "ASK" and results_format in (
            ox.QueryResultsFormat.CSV,
            ox.QueryResultsFormat.TSV,
        ):
            return body.decode().strip() == "true"  # CSV/TSV have no boolean; the word is it
        if form == "SELECT" and results_format == ox.QueryResultsFormat.CSV:
            return [row["n"] for row in csv.DictReader(io.StringIO(body.decode()))]
        parsed = ox.parse_query_results(body, format=results_format)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        return [solution["n"].value for solution in parsed]
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    assert rdf_format is not None, f"not an RDF or SPARQL results media type: {media_type}"
    triples = ox.parse(body, rdf_format)
    return {(t.subject.value, t.predicate.value, t.object.value) for t in triples}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", RETURN_FORMATS)
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_matrix(endpoint: str, form: str, return_format: str, method: str) -> None:
    """SPARQLWrapper's defaults: it sends format=, output= and results= beside its Accept header
    (and for combinations it does not expect, Accept: */*). Every call must be answered."""
    client = _wrapper(endpoint, method)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():  # SPARQLWrapper warns about combinations it calls unusual
        warnings.simplefilter("ignore", RuntimeWarning)
        result = client.query()  # raises on any HTTP error
        body = result.response.read()
        info = result.info()
        # SPARQLWrapper reads the answer through ``response.read()`` and ``info()``, no more.
        result.response = cast(HTTPResponse, _Replay(body, result.response.info()))
        converted = result.convert()
    assert converted is not None
    answer = _answer_of(info["content-type"].split(";")[0].strip(), body, form)
    if form == "SELECT":
        assert answer == ["1", "2", "3"]
    elif form == "ASK":
        assert answer is True
    else:
        assert isinstance(answer, set)
        assert (str(SEMLEP), str(RDF.type), str(LIS.LocalEnterprisePartnership)) in answer
    if return_format in (XML, RDFXML, RDF_FORMAT) and form in ("CONSTRUCT", "DESCRIBE"):
        assert isinstance(converted, Graph) and (SEMLEP, RDF.type, None) in converted


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_as_a_graph(endpoint: str, method: str) -> None:
    store = SPARQLStore(endpoint + "sparql", method=method)  # its defaults
    graph = Graph(store=store)
    assert len(graph) > 4000
    assert (SEMLEP, RDF.type, LIS.LocalEnterprisePartnership) in graph
    assert graph.value(SEMLEP, SKOS.prefLabel) is not None
    leps = set(graph.subjects(RDF.type, LIS.LocalEnterprisePartnership))
    assert SEMLEP in leps and len(leps) > 30
    rows = list(graph.query(QUERIES["SELECT"]))
    assert [cast(ResultRow, row)[0] for row in rows] == [Literal(1), Literal(2), Literal(3)]
    assert graph.query(QUERIES["ASK"]).askAnswer is True
    constructed = graph.query(QUERIES["CONSTRUCT"]).graph
    assert constructed is not None and (SEMLEP, RDF.type, None) in constructed
    one_graph = Graph(store=SPARQLStore(endpoint + "sparql", method=method), identifier=GRAPH)
    assert 0 < len(one_graph) < len(graph)


ROQET = shutil.which("roqet")


def _roqet(endpoint: str, query: str, *args: str) -> str:
    if ROQET is None:
        pytest.skip("roqet is not installed (Debian package rasqal-utils)")
    done = subprocess.run(
        [ROQET, "-p", endpoint + "sparql", "-e", query, "-r", "csv", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_roqet_select(endpoint: str) -> None:
    rows = list(csv.reader(io.StringIO(_roqet(endpoint, QUERIES["SELECT"]))))
    assert rows == [["n"], ["1"], ["2"], ["3"]]


@pytest.mark.parametrize(("flag", "expected"), [("-D", "some"), ("-G", "none")])
def test_roqet_dataset_parameters(endpoint: str, flag: str, expected: str) -> None:
    """``-D`` sends default-graph-uri, ``-G`` named-graph-uri: with only named graphs the
    default graph is empty (SPARQL 1.1 Protocol 2.1.4), as FROM NAMED alone makes it."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    rows = list(csv.reader(io.StringIO(_roqet(endpoint, count, flag, GRAPH))))
    n = int(rows[1][0])
    assert (n > 0) if expected == "some" else (n == 0)


RAPPER = shutil.which("rapper")


@pytest.mark.parametrize(
    ("path", "at_least"),
    [
        ("id/lep/E37000057", 50),
        ("graph/seed-000-semlep-lis-page", 200),
        ("def/lis/0.1.0", 500),
        ("catalog", 100),
        (".well-known/void", 100),
        ("sparql", 50),
        ("data?graph=https://w3id.org/lisgraph/graph/sources", 50),
    ],
)
def test_rapper_reads_every_document_from_its_url(endpoint: str, path: str, at_least: int) -> None:
    """Raptor's rapper, negotiating as it does (-g: guess from the answer)."""
    if RAPPER is None:
        pytest.skip("rapper is not installed (Debian package raptor2-utils)")
    done = subprocess.run(
        [RAPPER, "-g", "-c", endpoint + path], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    count = int(done.stderr.rsplit("returned", 1)[1].split()[0])
    assert count >= at_least
