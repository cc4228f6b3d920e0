"""Query limits hold for the whole server, not per worker: two gunicorn workers on loopback, one
client's share, the server's queue, and a killed worker's places given back.

Which worker answered is read from the access log (each line names its pid). Each test repeats
until both workers have answered a request that the other one's query should have held back,
so a limit kept per worker would have let one through. Client timeouts bound every wait.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from lisgraph import BuildResult

from ..helpers import start_server, stop_server

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }"
BASE_ENV = {
    "LISGRAPH_WORKER_THREADS": "8",
    "LISGRAPH_FORWARDED_HEADER": "X-Client",
    "LISGRAPH_CLIENT_QUERIES": "1",
    "LISGRAPH_CLIENT_QUEUED": "0",
    "LISGRAPH_CLIENT_BURST": "0",  # the strict share (bursts: test_admission.py)
    # No cost lanes: a waiting cheap query would make a cheap-so-far heavy one give up its
    # process, depending on timing (lanes: test_admission.py, system/test_query_lanes.py)
    "LISGRAPH_HEAVY_QUERY_SECONDS": "0",
    "LISGRAPH_QUERY_CACHE_ENTRIES": "0",
}


def _serve(built: BuildResult, tmp_path: Path, **env: str) -> Iterator[tuple[str, Path, int]]:
    log = tmp_path / "serve.log"
    process, url = start_server(
        built.out_dir,
        "--workers",
        "2",
        "--no-build",
        env={**BASE_ENV, **{f"LISGRAPH_{k}": v for k, v in env.items()}},
        log=log,
    )
    try:
        yield url, log, process.pid
    finally:
        stop_server(process)


def _access(log: Path) -> list[dict[str, object]]:
    lines = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def _ask(url: str, client: str, query: str = "ASK {}", timeout: float = 30) -> requests.Response:
    # A new connection each time (no session), so gunicorn may give it to either worker.
    return requests.post(
        url + "sparql",
        data={"query": query},
        headers={"X-Client": client, "Connection": "close"},
        timeout=timeout,
    )


def _in_background(url: str, client: str, query: str) -> tuple[threading.Thread, list[object]]:
    result: list[object] = []

    def send() -> None:
        try:
            result.append(_ask(url, client, query))
        except requests.RequestException as exc:
            result.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    return thread, result


def _start_slow(url: str, client: str, query: str) -> tuple[threading.Thread, list[object]]:
    """Send ``client``'s slow ``query`` in the background and wait until it holds the client's
    place (its next query is refused). A probe that overtakes it makes it the refused one: then
    it is sent again (bounded)."""
    for _ in range(10):
        thread, result = _in_background(url, client, query)
        for _ in range(30):
            time.sleep(0.1)
            if not thread.is_alive():
                break  # the probe overtook it and it was refused: send it again
            if _ask(url, client, timeout=10).status_code == 429:
                return thread, result
        thread.join(30)
    pytest.fail("the client's query never started")


@pytest.fixture
def two_workers(built: BuildResult, tmp_path: Path) -> Iterator[tuple[str, Path, int]]:
    """Two workers, two query processes for the server, 1 query per client and none queued."""
    yield from _serve(built, tmp_path, QUERY_PROCESSES="2", QUERY_TIMEOUT="4")


def test_a_clients_share_holds_across_both_workers(two_workers: tuple[str, Path, int]) -> None:
    url, log, _ = two_workers
    statuses: list[int] = []
    for round_ in range(4):
        thread, result = _start_slow(url, "a", f"{CROSS} #{round_}")
        # While its one query runs, every other query from the same address is refused,
        # whichever worker takes it; another address is answered.
        statuses += [_ask(url, "a", timeout=10).status_code for _ in range(6)]
        assert _ask(url, "b", timeout=10).status_code == 200
        thread.join(30)
        (answer,) = result
        assert isinstance(answer, requests.Response) and answer.status_code == 503
        workers = {e["pid"] for e in _access(log) if e["status"] == 429}
        if len(workers) == 2:
            break
    assert set(statuses) == {429}
    # The refusals came from both workers, so one refused a query running in the other.
    assert len({e["pid"] for e in _access(log) if e["status"] == 429}) == 2
    # Once its query is over, the client is served again.
    assert _ask(url, "a").status_code == 200


def test_the_servers_queue_is_bounded_with_503_and_retry_after(
    built: BuildResult, tmp_path: Path
) -> None:
    for url, log, _ in _serve(
        built,
        tmp_path,
        QUERY_PROCESSES="1",
        QUERY_QUEUE="1",
        QUERY_QUEUE_WAIT="3",
        QUERY_TIMEOUT="5",
    ):
        running, _ = _start_slow(url, "a", CROSS)
        waiting, waited = _in_background(url, "b", "ASK {}")  # the queue's one place
        time.sleep(0.5)
        # Both workers refuse: neither has a query process running, the server has. Which
        # worker accepts a connection is the kernel's choice (on a quiet machine often the same
        # one), so batches of 12 at once are sent until both have answered, while a's query
        # runs (each its own query: identical ones would share b's run and its answer).
        busy: list[requests.Response] = []
        refused_by: set[object] = set()
        for batch in range(4):
            with concurrent.futures.ThreadPoolExecutor(12) as pool:
                busy += pool.map(
                    lambda i, u=url: _ask(u, f"c{i}", f"ASK {{ <urn:c{i}> ?p ?o }}", timeout=10),
                    range(12 * batch, 12 * batch + 12),
                )
            time.sleep(0.3)  # the access log's lines are written
            refused_by = {e["pid"] for e in _access(log) if e["status"] == 503}
            if len(refused_by) == 2:
                break
        assert {r.status_code for r in busy} == {503}, [r.text for r in busy]
        assert all(int(r.headers["Retry-After"]) >= 1 for r in busy)
        assert len(refused_by) == 2
        waiting.join(30)
        running.join(30)
        (queued,) = waited
        assert isinstance(queued, requests.Response) and queued.status_code == 503
        assert _ask(url, "b").status_code == 200


def _worker_running_query(master: int) -> int:
    """The worker whose query process is using CPU (sampled a second apart)."""

    def cpu(pid: int) -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def children(pid: int) -> list[int]:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    workers = children(master)
    before = {(w, c): cpu(c) for w in workers for c in children(w)}
    time.sleep(1.0)
    busiest = max(before, key=lambda key: cpu(key[1]) - before[key])
    return busiest[0]


def test_a_killed_workers_places_are_given_back(built: BuildResult, tmp_path: Path) -> None:
    for url, _, master in _serve(built, tmp_path, QUERY_PROCESSES="2", QUERY_TIMEOUT="60"):
        thread, _ = _start_slow(url, "a", CROSS)
        os.kill(_worker_running_query(master), signal.SIGKILL)
        thread.join(30)
        # The query died with its worker; its place is not held until the 60 s limit (or
        # forever): the client is answered again at once, by the other worker or a new one.
        statuses = []
        for _ in range(20):
            try:
                statuses.append(_ask(url, "a", timeout=10).status_code)
            except requests.ConnectionError:
                statuses.append(0)
            if statuses[-1] == 200:
                break
            time.sleep(0.25)
        assert statuses[-1] == 200, statuses
