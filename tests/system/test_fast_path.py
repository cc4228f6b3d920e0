"""The worker's fast path with the real server (``lisgraph/web/ready_responses.py`` and
``worker.py``): a repeated request is answered from the bytes sent before, byte for byte what the
app sends, and every limit of the app's still holds.

The requests are written by hand (``http.client`` with no header of its own), so that each test
says exactly what the server sees. "What the app sends" is the same request with one more
header the fast path does not know, which sends it to the app.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from lisgraph.builder import BuildResult

from ..helpers import start_server, stop_server

pytestmark = pytest.mark.system

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/lisgraph/id/lep/E37000057> ?p ?o }"
LOOKUP_TARGET = "/sparql?query=" + urllib.parse.quote(LOOKUP)
PAGE = "/doc/lep/E37000057"
#: A large answer kept in memory (under RESULT_MEMORY_BYTES and the fast path's entry limit).
LARGE_TARGET = "/sparql?query=" + urllib.parse.quote(
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 4000"
)
AGENT = "fast-path-probe"
#: A header the fast path does not know: the request goes to the app.
TO_THE_APP = ("X-Fast-Path-Test", "1")


@pytest.fixture(scope="module")
def served(
    built: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, Path]]:
    """One worker (so that every request meets the same caches): its port and its log."""
    log = tmp_path_factory.mktemp("fast-path") / "serve.log"
    process, url = start_server(
        built.out_dir,
        "--workers",
        "1",
        "--no-build",
        log=log,
    )
    yield urllib.parse.urlsplit(url).port or 80, log
    stop_server(process)


class Sent:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.getheaders()
        self.body = response.read()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def comparable(self) -> list[tuple[str, str]]:
        """The headers less those written anew for each response."""
        return [(k, v) for k, v in self.headers if k.lower() not in ("date", "x-lisgraph-cache")]


def fetch(port: int, target: str, headers: list[tuple[str, str]], method: str = "GET") -> Sent:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in [("Host", f"127.0.0.1:{port}"), ("User-Agent", AGENT), *headers]:
            connection.putheader(name, value)
        connection.endheaders()
        return Sent(connection.getresponse())
    finally:
        connection.close()


def until_ready(port: int, target: str, headers: list[tuple[str, str]]) -> Sent:
    """Ask until the fast path answers (the answer cached, then offered twice)."""
    for _ in range(8):
        sent = fetch(port, target, headers)
        assert sent.status == 200, sent.body[:300]
        if sent.header("X-Lisgraph-Cache") == "ready":
            return sent
    raise AssertionError(f"{target} was never answered from ready bytes")


CASES = [
    (LOOKUP_TARGET, [("Accept", "application/sparql-results+json")]),
    (PAGE, [("Accept", "text/html"), ("Accept-Encoding", "gzip")]),
    (PAGE, [("Accept", "text/turtle")]),
]


@pytest.mark.parametrize(("target", "headers"), CASES, ids=["lookup", "html-gzip", "turtle"])
def test_a_repeated_request_gets_the_apps_bytes_from_ready(
    served: tuple[int, Path], target: str, headers: list[tuple[str, str]]
) -> None:
    port, _ = served
    ready = until_ready(port, target, headers)
    app = fetch(port, target, [*headers, TO_THE_APP])
    assert app.header("X-Lisgraph-Cache") != "ready"
    assert (ready.status, ready.body) == (app.status, app.body)
    assert ready.comparable() == app.comparable()


def test_if_none_match_and_head_are_answered_as_the_app_answers_them(
    served: tuple[int, Path],
) -> None:
    port, _ = served
    headers = [("Accept", "text/html"), ("Accept-Encoding", "gzip")]
    ready = until_ready(port, PAGE, headers)
    etag = ready.header("ETag")
    assert etag
    for condition in ([("If-None-Match", etag)], [("If-None-Match", f'"other", W/{etag}')]):
        fast = fetch(port, PAGE, [*headers, *condition])
        app = fetch(port, PAGE, [*headers, *condition, TO_THE_APP])
        assert fast.header("X-Lisgraph-Cache") == "ready"
        assert (fast.status, fast.body) == (app.status, app.body) == (304, b"")
        assert sorted(fast.comparable()) == sorted(app.comparable())
    stale = fetch(port, PAGE, [*headers, ("If-None-Match", '"not-this-one"')])
    assert (stale.status, stale.body) == (200, ready.body)
    head = fetch(port, PAGE, headers, method="HEAD")
    app_head = fetch(port, PAGE, [*headers, TO_THE_APP], method="HEAD")
    assert head.header("X-Lisgraph-Cache") == "ready"
    assert (head.status, head.body) == (app_head.status, app_head.body) == (200, b"")
    assert head.comparable() == app_head.comparable() == ready.comparable()


def test_the_apps_limits_hold_for_a_request_whose_answer_is_ready(
    served: tuple[int, Path],
) -> None:
    port, _ = served
    headers = [("Accept", "text/turtle")]
    ready = until_ready(port, PAGE, headers)
    assert (ready.header("Content-Location") or "").startswith("http://")
    # A header past the app's limit: 431, as without the fast path.
    long = fetch(port, PAGE, [*headers, ("Accept-Language", "en;q=0.5, " * 900)])
    assert long.status == 431
    # A proxy saying the request came by HTTPS (gunicorn trusts loopback's): the app makes
    # https links, where the ready page has http ones.
    https = fetch(port, PAGE, [*headers, ("X-Forwarded-Proto", "https")])
    assert https.status == 200 and https.header("X-Lisgraph-Cache") != "ready"
    assert (https.header("Content-Location") or "").startswith("https://")
    # Another host than those allowed: 400, never a page kept for another host.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", PAGE, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", "attacker.example")
    connection.putheader("Accept", "text/turtle")
    connection.endheaders()
    assert connection.getresponse().status == 400
    connection.close()


def test_ready_answers_are_in_the_access_log(served: tuple[int, Path]) -> None:
    port, log = served
    until_ready(port, LOOKUP_TARGET, [("Accept", "application/sparql-results+json")])
    time.sleep(0.5)
    records = [
        json.loads(line)
        for line in log.read_text(errors="replace").splitlines()
        if line.startswith("{") and AGENT in line
    ]
    expected = hashlib.sha256(LOOKUP.encode()).hexdigest()[:12]
    lookups = [r for r in records if r["path"] == "/sparql" and r["query"] == expected]
    assert lookups, "no access-log line for the lookups"
    assert all(r["status"] == 200 and r["bytes"] == lookups[0]["bytes"] for r in lookups)
    assert lookups[0]["bytes"] > 0


def test_clients_that_stop_reading_ready_answers_hold_no_one_up(served: tuple[int, Path]) -> None:
    """The event loop sends without blocking (what the socket cannot take yet is sent when it
    can; ``tests/test_worker_sending.py`` cuts a reader that stops): others are answered while
    these do not read, and each then gets its whole answer."""
    port, _ = served
    headers = [("Accept", "application/n-triples")]
    whole = until_ready(port, LARGE_TARGET, headers)
    assert len(whole.body) > 512 * 1024
    request = (
        f"GET {LARGE_TARGET} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {AGENT}\r\n"
        "Accept: application/n-triples\r\nConnection: close\r\n\r\n"
    ).encode()
    stalled = []
    try:
        for _ in range(5):
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            client.connect(("127.0.0.1", port))
            client.sendall(request)
            stalled.append(client)
        for _ in range(5):
            assert fetch(port, PAGE, [("Accept", "text/turtle")]).status == 200
        for client in stalled:
            client.settimeout(30)
            received = bytearray()
            while chunk := client.recv(65536):
                received += chunk
            head, _, body = bytes(received).partition(b"\r\n\r\n")
            assert b"X-Lisgraph-Cache: ready" in head
            assert body == whole.body
    finally:
        for client in stalled:
            client.close()
