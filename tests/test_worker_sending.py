"""How the worker's event loop sends a ready response (``BufferingWorker._send``) when the
socket cannot take it at once: the rest when the socket can, then the connection waits for its
next request; a reader that stops is cut at its deadline. A Unix socket pair has small buffers,
so a 2 MB response cannot go in one call (on loopback TCP the kernel takes it whole, which
``tests/system/test_fast_path.py`` meets)."""

from __future__ import annotations

import os
import selectors
import socket
import time
from collections.abc import Iterator

import pytest
from gunicorn.config import Config

from lisgraph.web.worker import BufferingWorker, _Conn

BODY = os.urandom(2 * 1024 * 1024)


@pytest.fixture
def worker() -> Iterator[BufferingWorker]:
    worker = BufferingWorker(0, os.getpid(), [], None, 30, Config(), None)
    worker.poller = selectors.DefaultSelector()
    worker.reading, worker.writing = set(), set()
    worker.body_timeout = 5.0
    try:
        yield worker
    finally:
        worker.poller.close()
        worker.tmp.close()


@pytest.fixture
def pair(worker: BufferingWorker) -> Iterator[tuple[_Conn, socket.socket, socket.socket]]:
    """A connection of the worker's (its socket ``ours``) and the client's end, ``theirs``."""
    ours, theirs = socket.socketpair()
    worker.nr_conns = 1
    with theirs:
        yield _Conn(worker.cfg, ours, ("127.0.0.1", 1), ("127.0.0.1", 2)), ours, theirs
    if ours.fileno() != -1:
        if worker.poller.get_map().get(ours) is not None:
            worker.poller.unregister(ours)
        ours.close()


def _events(worker: BufferingWorker, seconds: float) -> None:
    """Run the worker's event loop's dispatch for a while."""
    for key, _ in worker.poller.select(timeout=seconds):
        key.data(key.fileobj)


def test_what_the_socket_cannot_take_is_sent_when_it_can(
    worker: BufferingWorker, pair: tuple[_Conn, socket.socket, socket.socket]
) -> None:
    conn, ours, theirs = pair
    worker._send(conn, memoryview(BODY), keep_alive=True)
    assert conn in worker.writing, "the socket took 2 MB at once: the test shows nothing"
    received = bytearray()
    theirs.setblocking(False)
    deadline = time.monotonic() + 30
    while len(received) < len(BODY) and time.monotonic() < deadline:
        _events(worker, 0.01)
        try:
            received += theirs.recv(1 << 20)
        except BlockingIOError:
            pass
    assert bytes(received) == BODY
    # Sent: the connection now waits for its next request among the kept-alive ones.
    assert conn not in worker.writing and conn in worker.keepalived_conns
    assert worker.poller.get_key(ours).events == selectors.EVENT_READ
    assert worker.nr_conns == 1


def test_a_reader_that_stops_is_cut_at_its_deadline(
    worker: BufferingWorker, pair: tuple[_Conn, socket.socket, socket.socket]
) -> None:
    conn, ours, theirs = pair
    worker._send(conn, memoryview(BODY), keep_alive=True)
    assert conn in worker.writing
    worker.murder_pending()
    assert conn in worker.writing, "cut before its deadline"
    conn.deadline = time.monotonic() - 1
    worker.murder_pending()
    assert conn not in worker.writing and worker.nr_conns == 0
    assert ours.fileno() == -1  # closed
    theirs.settimeout(5)
    received = 0
    while chunk := theirs.recv(1 << 20):
        received += len(chunk)
    assert 0 < received < len(BODY)


def test_a_reader_that_keeps_reading_keeps_its_time(
    worker: BufferingWorker, pair: tuple[_Conn, socket.socket, socket.socket]
) -> None:
    conn, _, theirs = pair
    worker._send(conn, memoryview(BODY), keep_alive=True)
    assert conn in worker.writing
    conn.deadline = time.monotonic() - 1  # its time is up, unless it reads
    theirs.recv(1 << 20)
    _events(worker, 1)  # the socket takes more: progress
    assert conn.deadline > time.monotonic()
    worker.murder_pending()
    assert conn in worker.writing  # not cut


def test_a_response_not_kept_alive_closes_once_sent(
    worker: BufferingWorker, pair: tuple[_Conn, socket.socket, socket.socket]
) -> None:
    conn, ours, theirs = pair
    worker._send(conn, memoryview(b"HTTP/1.1 200 OK\r\n\r\n"), keep_alive=False)
    assert worker.nr_conns == 0 and ours.fileno() == -1
    assert theirs.recv(100) == b"HTTP/1.1 200 OK\r\n\r\n"
