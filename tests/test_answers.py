"""Answers to visitors' queries: spooled to a file past a size and streamed from it, under a byte
and a row limit, with the query process free as soon as the answer is written; one
serialisation for the in-process path and the query process. In-process (Flask test client)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lisgraph.builder import BuildResult
from lisgraph.config import Limits
from lisgraph.errors import ResultTooLargeError
from lisgraph.store.embedded import EmbeddedStore
from lisgraph.store.results import AnswerLimits, QueryResult, ResultKind, write_result
from lisgraph.store.sandbox import Job, execute
from lisgraph.web import create_app
from lisgraph.web.dataset import EXTENSION_KEY
from lisgraph.web.errors import status_of

from .helpers import PROJECT_DIR

#: Every triple of the build with its graph: a few MB as JSON, far over the spool threshold.
EVERYTHING = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
SMALL = "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}
SPOOL_AT = 4096  # bytes kept in memory in these tests; larger answers go to a file


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "spool"
    directory.mkdir()
    yield directory
    assert not list(directory.iterdir()), "a spool file was left with a name"


@pytest.fixture
def connect(built: BuildResult, spool: Path) -> Iterator[Callable[..., FlaskClient]]:
    """A test client of an app over the session's build, spooling answers over SPOOL_AT bytes
    into ``spool``, with more settings given as keywords; its query processes stop after."""
    apps: list[Flask] = []

    def make(**settings: object) -> FlaskClient:
        app = create_app(
            {
                "PROJECT_DIR": str(PROJECT_DIR),
                "DIST_DIR": str(built.out_dir),
                "RESULT_SPOOL_DIR": str(spool),
                "RESULT_MEMORY_BYTES": SPOOL_AT,
                **settings,
            }
        )
        app.config["TESTING"] = True
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions[EXTENSION_KEY].close()


def _open_spool_files(spool: Path) -> list[str]:
    """This process's open files in ``spool`` (the spool files are unlinked, but still open)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(spool)):
            found.append(target)
    return found


def _body(response: TestResponse) -> Iterator[bytes]:
    """The body of a response as the WSGI server gets it, piece by piece."""
    return iter(cast(Iterable[bytes], response.response))


def _rows(store: EmbeddedStore, query: str) -> int:
    result = store.query(query)
    assert isinstance(result.raw, ox.QuerySolutions)
    return sum(1 for _ in result.raw)


def test_a_big_answer_is_streamed_from_a_spool_file_complete_and_parseable(
    connect: Callable[..., FlaskClient], store: EmbeddedStore, spool: Path
) -> None:
    client = connect()
    response = client.get("/sparql", query_string={"query": EVERYTHING}, headers=JSON)
    assert response.status_code == 200
    assert len(_open_spool_files(spool)) == 1  # sent from its unlinked file, open until sent
    body = response.get_data()
    response.close()
    assert _open_spool_files(spool) == []  # closing the response removed it
    assert int(response.headers["Content-Length"]) == len(body) > SPOOL_AT
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == _rows(store, EVERYTHING) > 1000
    # Spooled answers are not cached: asked again, it is run (and spooled) again.
    with client.get("/sparql", query_string={"query": EVERYTHING}, headers=JSON) as again:
        assert again.headers["X-Lisgraph-Cache"] == "miss"
        assert again.get_data() == body


@pytest.mark.parametrize("accept", ["text/tab-separated-values", "text/turtle"])
def test_other_formats_are_spooled_too(
    connect: Callable[..., FlaskClient], store: EmbeddedStore, spool: Path, accept: str
) -> None:
    query = EVERYTHING if accept.endswith("values") else "CONSTRUCT WHERE { ?s ?p ?o }"
    client = connect()
    with client.get("/sparql", query_string={"query": query}, headers={"Accept": accept}) as r:
        assert r.status_code == 200 and len(_open_spool_files(spool)) == 1
        body = r.get_data()
    assert _open_spool_files(spool) == []
    if accept.endswith("values"):
        assert body.count(b"\n") == _rows(store, EVERYTHING) + 1
    else:
        parsed = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
        assert len(parsed) == store.triple_count()


def test_a_client_that_goes_away_mid_answer_leaves_no_spool_file(
    connect: Callable[..., FlaskClient], spool: Path
) -> None:
    client = connect()
    response = client.get("/sparql", query_string={"query": EVERYTHING}, headers=JSON)
    chunks = _body(response)
    assert next(chunks)  # some of the answer was sent...
    assert len(_open_spool_files(spool)) == 1
    response.close()  # ...then the connection closed (the WSGI server closes the response)
    assert _open_spool_files(spool) == []


def test_an_answer_over_the_byte_limit_is_refused_before_any_of_it_is_sent(
    connect: Callable[..., FlaskClient], spool: Path
) -> None:
    client = connect(MAX_RESULT_BYTES=100_000)
    with client.get("/sparql", query_string={"query": EVERYTHING}, headers=JSON) as response:
        assert response.status_code == status_of(ResultTooLargeError("")) == 400
        assert response.mimetype == "text/plain"
        assert "larger than 100,000 bytes" in response.get_data(as_text=True)
        assert "lis:maxResultBytes" in response.get_data(as_text=True)
        assert '"bindings"' not in response.get_data(as_text=True)  # nothing of the answer
    assert _open_spool_files(spool) == []


def test_the_row_limit_still_applies_to_spooled_answers(
    connect: Callable[..., FlaskClient], spool: Path
) -> None:
    client = connect(MAX_RESULT_ROWS=50)
    for accept in ("application/sparql-results+json", "text/csv", "text/turtle"):
        query = EVERYTHING if "turtle" not in accept else "CONSTRUCT WHERE { ?s ?p ?o }"
        with client.get(
            "/sparql", query_string={"query": query}, headers={"Accept": accept}
        ) as response:
            assert response.status_code == 400, accept
            assert "more than 50" in response.get_data(as_text=True)
    assert _open_spool_files(spool) == []


def test_the_query_process_is_free_while_a_slow_client_still_reads_its_answer(
    connect: Callable[..., FlaskClient], spool: Path
) -> None:
    # One query process, and a short wait for it: were the process still held by the first
    # answer, the second query would be answered 503 after one second.
    client = connect(QUERY_PROCESSES=1, QUERY_QUEUE_WAIT=1.0)
    first = client.get("/sparql", query_string={"query": EVERYTHING}, headers=JSON)
    assert first.status_code == 200
    chunks = _body(first)
    received = next(chunks)  # the client has read only the start of the answer
    with client.get("/sparql", query_string={"query": SMALL}, headers=JSON) as second:
        assert second.status_code == 200
        assert json.loads(second.get_data())["results"]["bindings"]
    received += b"".join(chunks)
    first.close()
    assert len(json.loads(received)["results"]["bindings"]) > 1000


def test_small_answers_stay_in_memory_and_are_cached(
    connect: Callable[..., FlaskClient], spool: Path
) -> None:
    client = connect(RESULT_MEMORY_BYTES=1024 * 1024)
    states = []
    for _ in range(2):
        with client.get("/sparql", query_string={"query": SMALL}, headers=JSON) as response:
            assert response.status_code == 200
            assert _open_spool_files(spool) == []  # in memory: no file
            states.append(response.headers["X-Lisgraph-Cache"])
            assert json.loads(response.get_data())["results"]["bindings"]
    assert states == ["miss", "hit"]
    assert _open_spool_files(spool) == []


def test_the_byte_limit_is_advertised(connect: Callable[..., FlaskClient], spool: Path) -> None:
    client = connect(MAX_RESULT_BYTES=123_456)
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "123456" in response.get_data(as_text=True) and "maxResultBytes" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("query", "formats"),
    [
        (EVERYTHING, ["json", "xml", "csv", "tsv"]),
        ("ASK { ?s ?p ?o }", ["json", "xml", "csv", "tsv"]),
        ("CONSTRUCT WHERE { ?s ?p ?o }", ["turtle", "ntriples", "rdfxml", "trig", "nquads"]),
    ],
)
def test_the_query_process_and_the_in_process_path_write_the_same_bytes(
    store: EmbeddedStore, tmp_path: Path, query: str, formats: list[str]
) -> None:
    limits = Limits(memory_bytes=SPOOL_AT, spool_dir=str(tmp_path))
    prefixes = {"lis": "https://w3id.org/lisgraph/def/lis#"}
    for fmt in formats:
        job = Job(query, results_format=fmt, graph_format=fmt, prefixes=prefixes)
        outcome = execute(store, job, limits)
        try:
            sent = outcome.file.read() if outcome.file is not None else outcome.body
        finally:
            outcome.close()
        assert sent == store.query(query).serialize(fmt, prefixes=prefixes), fmt
        assert outcome.size == len(sent)


def test_a_spool_holds_only_its_memory_part_in_memory(store: EmbeddedStore, tmp_path: Path) -> None:
    limits = AnswerLimits(max_rows=10**6, max_bytes=10**9, memory_bytes=SPOOL_AT)
    with write_result(store.query(EVERYTHING), "json", limits=limits) as spool:
        assert not spool.in_memory and spool.size > SPOOL_AT
        with pytest.raises(ValueError, match="in a file"):
            spool.getvalue()
    with write_result(store.query(COUNT), "json", limits=limits) as spool:
        assert spool.in_memory and spool.size <= SPOOL_AT


def test_a_new_query_process_does_not_keep_the_answers_being_sent(
    connect: Callable[..., FlaskClient], spool: Path
) -> None:
    client = connect(QUERY_PROCESSES=1)
    sending = client.get("/sparql", query_string={"query": EVERYTHING}, headers=JSON)
    assert len(_open_spool_files(spool)) == 1
    app = client.application
    pool = app.extensions[EXTENSION_KEY].snapshot().pool()
    pool.close()  # the next query forks a new query process while the answer is being sent
    with client.get("/sparql", query_string={"query": COUNT}, headers=JSON) as other:
        assert other.status_code == 200
    children = [sandbox._process for sandbox in pool._all]
    assert children and all(child is not None and child.pid for child in children)
    for child in children:
        assert child is not None
        held = [
            os.readlink(f"/proc/{child.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{child.pid}/fd")
        ]
        assert not [path for path in held if path.startswith(str(spool))], held
    sending.close()
    assert _open_spool_files(spool) == []


UNKNOWN_FUNCTION = "SELECT (<http://127.0.0.1:1/f>(?s) AS ?x) WHERE { ?s ?p ?o } LIMIT 1"


def test_a_query_the_engine_will_not_run_is_the_client_s_400_with_its_message(
    client: FlaskClient, store: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    from lisgraph.errors import QueryError

    # In a query process, as the server runs visitors' queries ...
    with pytest.raises(QueryError, match="custom function <http://127.0.0.1:1/f> is not supported"):
        execute(store, Job(UNKNOWN_FUNCTION, results_format="json"), Limits())
    # ... and through the endpoint: 400 with the engine's words, nothing logged as a fault.
    with caplog.at_level("ERROR"):
        response = client.get("/sparql", query_string={"query": UNKNOWN_FUNCTION}, headers=JSON)
    assert response.status_code == 400
    assert "is not supported" in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_process_that_ran_queries_exits_without_closing_its_sandbox(built: BuildResult) -> None:
    """Query processes ignore SIGTERM, which is all multiprocessing's exit handler sends its
    daemonic children before waiting for them: without lisgraph's own exit handler (a kill),
    this child process never exited."""
    import subprocess
    import sys

    program = (
        "from lisgraph.config import Limits\n"
        "from lisgraph.store.embedded import EmbeddedStore\n"
        "from lisgraph.store.sandbox import Job, QuerySandbox\n"
        "from pathlib import Path\n"
        f"store = EmbeddedStore.from_build(Path({str(built.out_dir)!r}))\n"
        "sandbox = QuerySandbox(store, Limits())\n"
        "print(sandbox.run(Job('ASK { ?s ?p ?o }')).body.decode())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "true" in done.stdout


@pytest.mark.parametrize(
    ("query", "fmt", "limits"),
    [
        ("SELECT ?v WHERE { VALUES ?v { 'a\\rb\\r\\nc' } }", "xml", AnswerLimits()),
        # with a row limit, rows are counted on TSV and read back before XML is written
        ("SELECT ?v WHERE { VALUES ?v { 'a\\rb\\r\\nc' } }", "xml", AnswerLimits(max_rows=5)),
        ("CONSTRUCT { <urn:s> <urn:p> ?v } WHERE { VALUES ?v { 'a\\rb\\r\\nc' } }", "rdfxml", None),
    ],
)
def test_a_carriage_return_survives_xml(query: str, fmt: str, limits: AnswerLimits | None) -> None:
    """XML parsers read a raw CR as a line feed (XML 1.0, 2.11): it is written ``&#13;``."""
    raw = ox.Store().query(query)
    kind: ResultKind = "graph" if isinstance(raw, ox.QueryTriples) else "solutions"
    with write_result(QueryResult(kind, raw), fmt, limits=limits) as written:
        body = written.getvalue()
    assert b"\r" not in body
    texts = [e.text for e in ElementTree.fromstring(body).iter() if e.text and "a" in e.text]
    assert texts == ["a\rb\r\nc"]
