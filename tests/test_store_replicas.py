"""Read replicas (``lisgraph.store.replicas``): queries go to each replica in turn, a replica
that cannot be reached is passed over, any other failure is the answer; and a store pointer
names the replicas one a line. Real replicas behind a front-end: tests/system/
test_oxigraph_replicas.py and test_store_switch.py."""

from __future__ import annotations

import gc
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from lisgraph.config import read_store_replicas
from lisgraph.errors import ConfigError, StoreError
from lisgraph.store.connector import Endpoint
from lisgraph.store.replicas import Replicas

ASK = b'{"head":{},"boolean":true}'


class _Replica(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.asked.append(self.server.name)  # type: ignore[attr-defined]
        if self.server.name == "broken":  # type: ignore[attr-defined]
            self.send_response(500)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(ASK)))
        self.end_headers()
        self.wfile.write(ASK)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def replica_servers() -> Any:
    """Make loopback SPARQL servers that answer ASK; all record who was asked, in order.

    Garbage left in reference cycles by earlier tests in this process is collected first: it
    may hold pyoxigraph query solutions, which may only be dropped on the thread that made
    them, and the collector would otherwise run them down on one of these servers' threads
    (seen once in the full suite: "PyQuerySolutions is unsendable, but is being dropped on
    another thread", raised inside a replica's request)."""
    gc.collect()
    asked: list[str] = []
    servers: list[ThreadingHTTPServer] = []

    def make(name: str) -> Endpoint:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Replica)
        server.name, server.asked = name, asked  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return Endpoint(f"http://127.0.0.1:{server.server_address[1]}/query", timeout=10)

    yield make, asked
    for server in servers:
        server.shutdown()
        server.server_close()


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/query"


def test_queries_go_to_each_replica_in_turn(replica_servers: Any) -> None:
    make, asked = replica_servers
    replicas = Replicas([make("a"), make("b"), make("c")])
    for _ in range(9):
        assert replicas.request(query="ASK {}")[1] == ASK
    assert Counter(asked) == {"a": 3, "b": 3, "c": 3}
    assert asked[:3] == ["a", "b", "c"]


def test_a_replica_that_cannot_be_reached_is_passed_over(replica_servers: Any) -> None:
    make, asked = replica_servers
    replicas = Replicas([Endpoint(_closed_port(), timeout=5), make("b")])
    for _ in range(4):
        assert replicas.request(query="ASK {}")[1] == ASK
    assert asked == ["b"] * 4
    with pytest.raises(StoreError, match="Cannot reach"):
        Replicas([Endpoint(_closed_port(), timeout=5)]).request(query="ASK {}")


def test_a_replica_that_answers_with_an_error_is_not_passed_over(replica_servers: Any) -> None:
    """An error the store answered with is the answer (asking elsewhere could hide a bug)."""
    make, asked = replica_servers
    replicas = Replicas([make("broken"), make("b")])
    with pytest.raises(StoreError, match="failed"):
        replicas.request(query="ASK {}")
    assert asked == ["broken"]


def test_replicas_take_no_updates(replica_servers: Any) -> None:
    make, asked = replica_servers
    with pytest.raises(StoreError, match="take no updates"):
        Replicas([make("a")]).request(update="CLEAR ALL")
    assert asked == []


def test_a_store_pointer_names_replicas_one_a_line(tmp_path: Path) -> None:
    pointer = tmp_path / "store-url"
    pointer.write_text("http://a:7878/query\n# the second replica\nhttp://b:7878/query\n\n")
    assert read_store_replicas(pointer) == ["http://a:7878/query", "http://b:7878/query"]
    pointer.write_text("http://a:7878/query\nb:7878/query\n")
    with pytest.raises(ConfigError, match="Line 2 of the store pointer"):
        read_store_replicas(pointer)
