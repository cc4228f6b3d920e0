"""What the worker's event loop may ask of the served dataset's source without waiting on a
network (``SnapshotHolder.unchanged``, ``Source.known_identity``): a remote store is never
asked from there; a due poll or a moved store pointer sends the request to a thread."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from lisgraph.config import DEFAULTS, ServerConfig
from lisgraph.store.connector import Endpoint
from lisgraph.web.dataset import RemoteSource


def _remote(tmp_path: Path, pointer: Path | None = None) -> RemoteSource:
    # A port nothing listens on: asking it would fail (or, behind a firewall, hang).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return RemoteSource(
        config=ServerConfig.from_mapping(DEFAULTS),
        endpoint=Endpoint(f"http://127.0.0.1:{port}/sparql", timeout=1),
        graph="https://w3id.org/lisgraph/graph/publication",
        mirror_root=tmp_path,
        poll_seconds=60,
        pointer=pointer,
    )


def test_a_remote_identity_is_known_between_polls_and_not_when_one_is_due(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _remote(tmp_path)
    asked: list[str] = []

    def digest(endpoint: Endpoint, graph: str) -> str:
        asked.append(endpoint.query_url)
        return "digest-1"

    monkeypatch.setattr("lisgraph.web.dataset.read_published_digest", digest)
    assert source.known_identity() is None  # never polled: a thread must ask
    assert asked == []
    version = source.identity()  # what a request thread does
    assert len(asked) == 1
    assert source.known_identity() == version
    source._checked = time.monotonic() - 61  # the poll is due
    assert source.known_identity() is None
    assert len(asked) == 1  # known_identity never asked the store


def test_a_moved_store_pointer_is_left_to_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pointer = tmp_path / "store"
    pointer.write_text("http://127.0.0.1:1/sparql\n", encoding="utf-8")
    source = _remote(tmp_path, pointer)
    monkeypatch.setattr("lisgraph.web.dataset.read_published_digest", lambda e, g: "digest-1")
    version = source.identity()
    assert source.known_identity() == version
    replacement = tmp_path / "store.new"
    replacement.write_text("http://127.0.0.1:2/sparql\n", encoding="utf-8")
    replacement.rename(pointer)
    assert source.known_identity() is None
    assert source.identity() != version  # the thread sees the new store's version
