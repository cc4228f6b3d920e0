"""Queries to a remote store go over kept-alive connections (``lisgraph.store.connector``): one
connection serves many queries, a connection the store closed is replaced without the query
failing, errors keep their meaning, and a forked process never uses its parent's connections.
The same against real stores: tests/system/test_remote.py (Virtuoso), test_oxigraph_store.py."""

from __future__ import annotations

import base64
import gc
import os
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from lisgraph.errors import QueryError, StoreError
from lisgraph.store.connector import Endpoint

ASK = b'{"head":{},"boolean":true}'


class _Store(BaseHTTPRequestHandler):
    """Answers ASK over HTTP/1.1 (kept alive unless told to close); records what it was sent."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        form = urllib.parse.parse_qs(body)
        self.server.sent.append(form)  # type: ignore[attr-defined]
        proxy_signin = self.headers.get("Proxy-Authorization")
        self.server.targets.append((self.path, proxy_signin))  # type: ignore[attr-defined]
        status, answer = (400, b"syntax error at line 1") if "BAD" in body else (200, ASK)
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(answer)))
        if self.server.close_after:  # type: ignore[attr-defined]
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def store() -> Iterator[ThreadingHTTPServer]:
    gc.collect()  # see test_store_replicas.py's replica_servers
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Store)
    server.connections, server.sent, server.close_after = 0, [], False  # type: ignore[attr-defined]
    server.targets = []  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _endpoint(server: ThreadingHTTPServer) -> Endpoint:
    return Endpoint(f"http://127.0.0.1:{server.server_address[1]}/query", timeout=10)


def test_one_connection_serves_many_queries_with_their_dataset(store: Any) -> None:
    endpoint = _endpoint(store)
    params = [("default-graph-uri", "http://g/u"), ("named-graph-uri", "http://g/a b")]
    for _ in range(5):
        assert endpoint.request(query="ASK {}", params=params) == (
            "application/sparql-results+json",
            ASK,
        )
    assert store.connections == 1
    assert store.sent[-1] == {
        "query": ["ASK {}"],
        "default-graph-uri": ["http://g/u"],
        "named-graph-uri": ["http://g/a b"],
    }


def test_a_connection_the_store_closed_is_replaced(store: Any) -> None:
    endpoint = _endpoint(store)
    store.close_after = True
    for _ in range(3):
        assert endpoint.request(query="ASK {}")[1] == ASK
    assert store.connections == 3


def test_each_thread_has_its_own_connection(store: Any) -> None:
    endpoint = _endpoint(store)
    answers: list[bytes] = []

    def ask() -> None:
        for _ in range(3):
            answers.append(endpoint.request(query="ASK {}")[1])

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [ASK] * 6
    assert store.connections == 2


def test_errors_keep_their_meaning(store: Any) -> None:
    endpoint = _endpoint(store)
    with pytest.raises(QueryError, match="rejected the query: syntax error at line 1"):
        endpoint.request(query="BAD")
    assert endpoint.request(query="ASK {}")[1] == ASK  # the connection still serves


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_process_makes_its_own_connection(store: Any) -> None:
    endpoint = _endpoint(store)
    assert endpoint.request(query="ASK {}")[1] == ASK
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe)
        try:
            ok = endpoint.request(query="ASK {}")[1] == ASK
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(child, 0)
    os.close(read)
    assert endpoint.request(query="ASK {}")[1] == ASK  # the parent's is still whole
    assert store.connections == 2
    assert len(store.sent) == 3


def test_a_store_that_is_not_there_cannot_be_reached() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreError, match="Cannot reach the SPARQL store"):
        Endpoint(f"http://127.0.0.1:{port}/query", timeout=5).request(query="ASK {}")


def test_queries_go_through_the_proxy_the_environment_names(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As urllib, SPARQLWrapper and requests do: ``http_proxy``, with its sign-in, and
    ``no_proxy``. Here the loopback server stands for the proxy; the store's host does not
    resolve, so only the proxy can answer."""
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://us%40er:pa%3Ass@127.0.0.1:{store.server_address[1]}")
    endpoint = Endpoint("http://store.invalid:8890/sparql?x=1", timeout=10)
    for _ in range(3):
        assert endpoint.request(query="ASK {}") == ("application/sparql-results+json", ASK)
    assert store.connections == 1  # kept alive, through the proxy too
    token = base64.b64encode(b"us@er:pa:ss").decode()
    assert store.targets == [("http://store.invalid:8890/sparql?x=1", f"Basic {token}")] * 3

    monkeypatch.setenv("no_proxy", "store.invalid")
    with pytest.raises(StoreError, match="store.invalid"):
        Endpoint("http://store.invalid:8890/sparql", timeout=10).request(query="ASK {}")
    assert len(store.targets) == 3  # not through the proxy: straight to a host that is not there


def test_without_a_proxy_in_the_environment_a_store_is_reached_directly(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert _endpoint(store).request(query="ASK {}")[1] == ASK
    assert store.targets == [("/query", None)]
