"""Spooled answers through the real server (gunicorn, the buffering worker, sendfile): a client
that reads half an answer and goes away leaves no spool file open in any server process, and the
query process answers others meanwhile. One worker, a 4 KB memory threshold; client timeouts
bound every wait."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from lisgraph.builder import BuildResult

from ..helpers import session_pids, start_server, stop_server

EVERYTHING = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _spool_files(pgid: int, spool: Path) -> list[str]:
    """The files in ``spool`` that the server's processes hold open."""
    held = []
    for pid in session_pids(pgid):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(str(spool)):
                held.append(target)
    return held


@pytest.fixture
def server(built: BuildResult, tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    spool = tmp_path / "spool"
    spool.mkdir()
    env = {
        "LISGRAPH_RESULT_MEMORY_BYTES": "4096",
        "LISGRAPH_RESULT_SPOOL_DIR": str(spool),
        "LISGRAPH_QUERY_PROCESSES": "1",
        "LISGRAPH_QUERY_QUEUE_WAIT": "2",
        "LISGRAPH_WORKER_THREADS": "4",
    }
    process, url = start_server(
        built.out_dir, "--workers", "1", "--no-build", env=env, log=tmp_path / "serve.log"
    )
    try:
        yield url, process.pid, spool
    finally:
        stop_server(process)


def _wait_until(condition: object, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.1)
    return False


def test_a_client_gone_mid_answer_leaves_no_spool_file_and_others_are_answered(
    server: tuple[str, int, Path],
) -> None:
    url, pgid, spool = server
    full = requests.get(
        url + "sparql",
        params={"query": EVERYTHING},
        headers={"Accept": "text/tab-separated-values"},
        timeout=30,
    )
    assert full.status_code == 200
    assert int(full.headers["Content-Length"]) == len(full.content) > 4096
    assert _wait_until(lambda: _spool_files(pgid, spool) == []), _spool_files(pgid, spool)

    # A client with a tiny receive buffer reads the head of the answer, stops, then goes away.
    port = int(url.rsplit(":", 1)[1].strip("/"))
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.settimeout(10)
    slow.connect(("127.0.0.1", port))
    query = (
        requests.Request("GET", url + "sparql", params={"query": EVERYTHING + " # slow"})
        .prepare()
        .path_url
    )
    slow.sendall(
        f"GET {query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Accept: text/tab-separated-values\r\n\r\n".encode()
    )
    head = slow.recv(4096)
    assert head.startswith(b"HTTP/1.1 200")
    assert _wait_until(lambda: len(_spool_files(pgid, spool)) == 1)  # being sent, from its file
    # The query process is free while the slow client holds its answer.
    other = requests.get(
        url + "sparql", params={"query": COUNT}, headers={"Accept": "text/csv"}, timeout=10
    )
    assert other.status_code == 200 and other.text.startswith("n\r\n")
    slow.close()
    assert _wait_until(lambda: _spool_files(pgid, spool) == []), _spool_files(pgid, spool)
    assert list(spool.iterdir()) == []
