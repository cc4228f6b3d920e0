"""Safe on the public internet: limits, no outbound access, hostile input, refusing bad data.

Runs against real servers on 127.0.0.1: the shared one, and one started with small limits.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, Namespace, URIRef

from lisgraph import BuildResult

from ..helpers import PROJECT_DIR, start_server, stop_server, wait_for_pages

LIS = Namespace("https://w3id.org/lisgraph/def/lis#")
HOURS_LONG = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }"
)
LIMITS = {
    "LISGRAPH_QUERY_TIMEOUT": "3",
    "LISGRAPH_MAX_RESULT_ROWS": "1000",
    "LISGRAPH_MAX_QUERY_LENGTH": "5000",
    "LISGRAPH_MAX_CONTENT_LENGTH": "20000",
    # The tests' clients all come from 127.0.0.1: let one address run several queries.
    "LISGRAPH_CLIENT_QUERIES": "4",
}


@pytest.fixture(scope="module")
def limited(
    built: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int, Path]]:
    """A server with a 3-second query limit and small size limits: (URL, process group, log)."""
    log = tmp_path_factory.mktemp("limited") / "serve.log"
    process, url = start_server(built.out_dir, "--workers", "2", env=LIMITS, log=log)
    try:
        wait_for_pages(log, workers=2)  # an idle server: the CPU test below counts every process
        yield url, process.pid, log
    finally:
        stop_server(process)


def _cpu_ticks(pgid: int) -> dict[int, int]:
    """CPU time used so far by each process in a process group, in clock ticks (from /proc)."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: process group
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie (a zombie has stopped for good)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_query_over_the_time_limit_is_stopped_and_others_are_served(
    limited: tuple[str, int, Path],
) -> None:
    url, pgid, _ = limited
    quick = {"query": f"SELECT ?n WHERE {{ ?w <{LIS}waveNumber> ?n }}", "format": "csv"}
    before = _cpu_ticks(pgid)
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(requests.get, url + "sparql", params={"query": HOURS_LONG}, timeout=60)
        time.sleep(0.5)
        # While it runs, other clients are answered (by the other worker), not after it.
        assert requests.get(url + "sparql", params=quick, timeout=10).status_code == 200
        assert not slow.done(), "a quick query was answered only after the slow one"
        # The process running it: the one that has used the most CPU since it was sent.
        during = _cpu_ticks(pgid)
        busiest = max(during, key=lambda pid: during[pid] - before.get(pid, 0))
        assert during[busiest] > before.get(busiest, 0) and _running(busiest)
        for _ in range(4):
            assert requests.get(url + "sparql", params=quick, timeout=10).status_code == 200
        response = slow.result()
    assert response.status_code == 503
    assert "limit of 3 seconds and was stopped" in response.text
    # Stopped, not abandoned: that process is gone once the answer is sent, so nothing goes on
    # burning the CPU.
    assert not _running(busiest), f"process {busiest} still runs after the query was stopped"
    # And the server goes on answering, repeatedly.
    for _ in range(2):
        again = requests.get(url + "sparql", params={"query": HOURS_LONG}, timeout=60)
        assert again.status_code == 503
        assert requests.get(url + "sparql", params=quick, timeout=10).status_code == 200


def test_limits_are_advertised_in_the_service_description(limited: tuple[str, int, Path]) -> None:
    url, _, _ = limited
    graph = Graph().parse(
        data=requests.get(url + "sparql", headers={"Accept": "text/turtle"}, timeout=30).text,
        format="turtle",
    )

    def advertised(term: URIRef) -> Literal:
        values = list(graph.objects(None, term))
        assert len(values) == 1, term
        assert isinstance(values[0], Literal), values
        return values[0]

    assert float(advertised(LIS.queryTimeout)) == 3
    assert advertised(LIS.maxResultRows) == Literal(1000)
    assert advertised(LIS.maxQueryLength) == Literal(5000)
    assert advertised(LIS.maxRequestBytes) == Literal(20000)


def test_result_rows_limit(limited: tuple[str, int, Path]) -> None:
    url, _, _ = limited
    everything = requests.get(
        url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30
    )
    assert everything.status_code == 400 and "more than 1,000 rows" in everything.text
    graph = requests.get(
        url + "sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, timeout=30
    )
    assert graph.status_code == 400 and "1,000 triples" in graph.text
    page = requests.get(
        url + "sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1000"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert page.status_code == 200 and len(page.text.splitlines()) == 1001


def test_deeply_nested_queries_get_a_clear_4xx(server: str) -> None:
    for depth in (600, 2000):
        query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
        response = requests.post(server + "sparql", data={"query": query}, timeout=30)
        assert response.status_code == 400 and "nested more than" in response.text
    nested_calls = "SELECT (" + "STR(" * 3000 + "1" + ")" * 3000 + " AS ?x) {}"
    response = requests.post(server + "sparql", data={"query": nested_calls}, timeout=30)
    assert response.status_code == 400
    assert (
        requests.get(server + "sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
    )


def test_query_length_and_body_size_limits(limited: tuple[str, int, Path]) -> None:
    url, _, _ = limited
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 6000
    response = requests.post(
        url + "sparql",
        data=long_query.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 400 and "at most 5,000" in response.text
    huge = requests.post(
        url + "sparql",
        data=b"x" * 30000,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert huge.status_code == 413


class _Listener:
    """A TCP listener on loopback that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def test_no_request_makes_the_server_contact_another_host_or_read_a_file(server: str) -> None:
    listener = _Listener()
    there = f"http://127.0.0.1:{listener.port}"
    try:
        queries = [
            f"SELECT * WHERE {{ SERVICE <{there}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{there}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{there}/graph.ttl> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{there}/graph.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
            f"DESCRIBE <{there}/thing>",
            f"LOAD <{there}/graph.ttl>",
            "LOAD <file:///etc/passwd>",
            f'SELECT * WHERE {{ BIND(IRI("{there}/x") AS ?x) ?x ?p ?o }}',
        ]
        responses = [
            requests.get(server + "sparql", params={"query": q}, timeout=30) for q in queries
        ]
        responses.append(
            requests.get(
                server + "sparql",
                params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{there}/g"},
                timeout=30,
            )
        )
        responses.append(
            requests.get(
                server + "sparql",
                params={"query": "ASK { ?s ?p ?o }", "named-graph-uri": "file:///etc/passwd"},
                timeout=30,
            )
        )
        responses.append(
            requests.post(server + "sparql", data={"update": f"LOAD <{there}/g>"}, timeout=30)
        )
        for path in (
            "id/..%2F..%2Fetc%2Fpasswd",
            "doc/%2Fetc%2Fpasswd",
            "downloads/..%2F..%2F..%2Fetc%2Fpasswd",
            "def/..%2F..%2Fetc%2Fpasswd",
            "graph/....%2F%2Fetc%2Fpasswd",
        ):
            responses.append(requests.get(server + path, timeout=30))
        time.sleep(1)
        assert listener.connections == 0
        for response in responses:
            assert response.status_code < 500, response.request.url
            assert "root:" not in response.text and "/bin/" not in response.text
    finally:
        listener.close()


PATH_PREFIXES = ["id/", "doc/", "def/", "graph/", "downloads/", ""]
_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=_text
    | st.sampled_from(
        [
            "SELECT",
            "ASK {",
            "CONSTRUCT WHERE { ?s ?p ?o",
            "SELECT * { ?s ?p ?o } LIMIT -1",
            "PREFIX : <#> SELECT * { :a :b :c }",
            "SELECT (1/0 AS ?x) {}",
            "{" * 500 + "}" * 500,
        ]
    )
)
def test_hostile_queries_never_cause_a_5xx(server: str, query: str) -> None:
    response = requests.post(server + "sparql", data={"query": query}, timeout=30)
    assert response.status_code < 500, (query, response.text)
    assert "Traceback" not in response.text


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# requests itself refuses header values with leading or trailing whitespace.
@given(
    accept=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(str.strip)
)
def test_garbage_accept_headers_never_cause_a_5xx(server: str, accept: str) -> None:
    for path in ("sparql?query=ASK%7B%7D", "id/lep/E37000057", "doc/lep/E37000057", "catalog", ""):
        response = requests.get(server + path, headers={"Accept": accept}, timeout=30)
        assert response.status_code < 500, (path, accept)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.sampled_from(PATH_PREFIXES),
    tail=st.text(
        st.characters(min_codepoint=1, max_codepoint=0x2FFF, exclude_categories=["Cs"]),
        max_size=40,
    )
    | st.sampled_from(
        ["..", "../..", "%2e%2e/", "a%2Fb", "%00", "lep/E37000057%00", "..%252f", "%C0%AE%C0%AE/"]
    ),
)
def test_path_tricks_never_cause_a_5xx(server: str, prefix: str, tail: str) -> None:
    from urllib.parse import quote

    for path in (prefix + quote(tail, safe="/%"), prefix + tail.replace("\x00", "%00")):
        try:
            response = requests.get(server + path, timeout=30)
        except requests.exceptions.InvalidURL:
            continue
        assert response.status_code < 500, path
        assert "root:" not in response.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO"]),
    path=st.sampled_from(["sparql", "id/lep/E37000057", "downloads/lisgraph.ttl", "", "catalog"]),
)
def test_unknown_methods_are_refused_cleanly(server: str, method: str, path: str) -> None:
    response = requests.request(method, server + path, timeout=30)
    assert 400 <= response.status_code < 500


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with a data file whose literals and IRIs carry markup."""
    copy = tmp_path_factory.mktemp("hostile") / "project"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_DIR / name, copy / name)
    (copy / "data" / "zz-hostile.ttl").write_text(
        "@prefix lis: <def/lis#> . @prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<graph/zz-hostile> prov:wasDerivedFrom <id/source/lep-network-lis> .\n"
        "<id/site/x'onmouseover='alert(1)> a lis:Site ;\n"
        "    skos:prefLabel \"<script>alert('label')</script>\"@en ;\n"
        '    skos:altLabel "\\"><img src=x onerror=alert(2)>"@en ;\n'
        "    dcterms:source <id/source/lep-network-lis> .\n",
        encoding="utf-8",
    )
    return copy


def test_markup_in_data_is_escaped_in_pages(hostile_project: Path, tmp_path: Path) -> None:
    env = {"LISGRAPH_PROJECT_DIR": str(hostile_project)}
    process, url = start_server(
        tmp_path / "dist", "--workers", "1", env=env, log=tmp_path / "serve.log"
    )
    try:
        page = requests.get(
            url + "doc/site/x'onmouseover='alert(1)", headers={"Accept": "text/html"}, timeout=30
        )
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
        assert "<img src=x" not in page.text
        assert "'onmouseover='" not in page.text
        results = requests.get(
            url + "sparql",
            params={
                "query": "SELECT ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
                "FILTER(CONTAINS(?l, 'script')) }",
                "format": "html",
            },
            timeout=30,
        )
        assert "<script>alert" not in results.text and "&lt;script&gt;" in results.text
        echo = requests.get(
            url + "sparql",
            params={
                "query": "SELECT * WHERE { ?s ?p '</textarea><script>alert(3)</script>' }",
                "format": "html",
            },
            timeout=30,
        )
        assert "<script>alert(3)" not in echo.text
    finally:
        stop_server(process)


def test_server_refuses_to_start_on_invalid_data(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_DIR / name, project / name)
    path = project / "data" / "seed-002-lep-network.ttl"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    lis:waveNumber 2 ;\n", ""), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "lisgraph", "serve", "--port", "9", "--out", str(tmp_path / "dist")],
        env={**os.environ, "LISGRAPH_PROJECT_DIR": str(project)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert (
        "does not conform" in result.stderr
        and "https://w3id.org/lisgraph/id/wave/2" in result.stderr
    )
    assert not (tmp_path / "dist").exists()


def test_health(server: str) -> None:
    response = requests.get(server + "health", timeout=30)
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["triples"] > 4000


def test_access_log_is_one_json_object_per_request(limited: tuple[str, int, Path]) -> None:
    url, _, log = limited
    marker = f"ASK {{ ?s ?p ?o }} # {time.time()}"
    assert requests.get(url + "sparql", params={"query": marker}, timeout=30).status_code == 200
    assert (
        requests.get(
            url + "doc/lep/E37000057", headers={"Accept": "text/turtle"}, timeout=30
        ).status_code
        == 200
    )
    time.sleep(0.5)
    records = []
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    expected_hash = hashlib.sha256(marker.encode()).hexdigest()[:12]
    query_record = next(r for r in records if r["query"] == expected_hash)
    assert query_record["path"] == "/sparql" and query_record["status"] == 200
    assert isinstance(query_record["ms"], float) and query_record["ms"] >= 0
    assert marker not in log.read_text(encoding="utf-8"), "query text must not be logged"
    page = [r for r in records if r["path"] == "/doc/lep/E37000057"]
    assert page and page[-1]["bytes"] > 0 and page[-1]["method"] == "GET"
