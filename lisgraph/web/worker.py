"""gunicorn's threaded worker, with each request read whole by the event loop before a thread
takes it (what a buffering proxy such as nginx does in front of an app server).

gunicorn's ``gthread`` worker keeps idle keep-alive connections in its poller, but gives a
connection a thread as soon as its first byte arrives, and that thread then blocks until the
request is complete: one client sending a header byte every few seconds holds a thread for as
long as it likes. Here the worker's event loop reads the request head (and a body of known
size up to the body limit) without blocking, under a deadline for the whole head
(``header_timeout``) and for the whole body (``body_timeout``); a connection costs a thread
only once its request is complete. Threads then read and write with a per-operation timeout
(``io_timeout``), so a reader that stops reading is cut off, and one that keeps reading is
served for as long as it takes.

A body announced larger than the limit, or a chunked body that grows past it, is answered 413
by the event loop, which then reads and discards what the client goes on sending (a lingering
close, up to :data:`DRAIN_FACTOR` times the limit or ``body_timeout``), so clients that write
the whole body before reading (urllib, SPARQLWrapper) still read the 413.

A request the worker has answered before is answered from the bytes it sent then, by the event
loop, without a thread or the app (:mod:`.ready_responses`): the app offers the responses that
depend on nothing but the request head's key and the build, and the worker keeps what it sent.
Every other request goes to a thread and the app, which apply every limit as before.

Told to stop (``SIGTERM``), the worker lets go of the listening sockets as soon as its loop
stops accepting, so the port is free for a new server at once, whatever is still being
answered; running queries get ``stop_grace`` seconds, then they are cancelled and answered 503
(a query may otherwise run for its whole time limit), and the worker exits once its
connections are done.
"""

from __future__ import annotations

import re
import selectors
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from gunicorn import SERVER
from gunicorn.http import get_parser
from gunicorn.util import http_date
from gunicorn.workers.gthread import TConn, ThreadWorker

from ..config import ServerConfig
from .operations import log_access, query_hash
from .ready_responses import (
    MAX_ENTRY_BYTES,
    SHAREABLE,
    RequestFacts,
    ready_response,
    request_facts,
    response_bytes,
)
from .request_guards import MAX_HEADER_LENGTH

if TYPE_CHECKING:
    from .dataset import SnapshotHolder

__all__ = ["BufferingWorker", "DRAIN_FACTOR"]

#: The Server header gunicorn writes, as the fast path writes it.
_SERVER = SERVER.encode()

#: After a 413, at most this many times the body limit is read and discarded before closing.
DRAIN_FACTOR = 64

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d+)[ \t]*(?=\r\n|$)", re.I)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding[ \t]*:[^\r\n]*chunked", re.I)
_EXPECT_CONTINUE = re.compile(rb"\r\nexpect[ \t]*:[ \t]*100-continue", re.I)


def _text_response(status: str, message: str) -> bytes:
    body = (message.rstrip() + "\n").encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


class _Conn(TConn):  # type: ignore[misc]
    """A connection whose socket gets a per-operation timeout whenever a thread serves it."""

    io_timeout: float | None = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.buf = bytearray()
        self.deadline = 0.0
        self.head_end = -1
        self.chunk_pos = 0  # chunked body: offset of the next chunk-size line in buf
        self.chunk_total = 0  # chunked body: payload bytes so far
        self.chunk_partial = 0
        self.chunk_done = False
        self.expects_continue = False
        self.discard_left: int | None = None  # after a 413: bytes still to read and drop
        self.facts: RequestFacts | None = None  # the request head's, if the fast path may answer
        self.pending: tuple[memoryview, bool] = (memoryview(b""), False)  # what is left to send

    def init(self) -> None:
        super().init()
        self.sock.settimeout(self.io_timeout)


class BufferingWorker(ThreadWorker):  # type: ignore[misc]
    """The threaded worker whose event loop reads whole requests (see the module docstring)."""

    alive: bool  # gunicorn's: False once the worker is told to stop

    def init_process(self) -> None:
        config = ServerConfig.from_mapping(self.app.wsgi().config)
        serving = config.serving
        self.header_timeout = serving.header_timeout
        self.body_timeout = serving.body_timeout
        _Conn.io_timeout = serving.io_timeout
        self.max_body = config.max_content_length
        # A request line carries at most the longest query, percent-encoded (3 bytes a
        # character), plus the other parameters; headers are capped by gunicorn itself.
        self.max_head = 3 * config.limits.max_query_length + 64 * 1024
        self.stop_grace = serving.stop_grace
        self.reading: set[_Conn] = set()
        self.writing: set[_Conn] = set()  # answered by the event loop, still being sent
        forwarded = config.scheduling.forwarded_header
        self.also_harmless = frozenset({forwarded.lower().encode()} if forwarded else ())
        # The requests handed to threads whose head the fast path may answer next time.
        self.keyed: weakref.WeakKeyDictionary[socket.socket, RequestFacts] = (
            weakref.WeakKeyDictionary()
        )
        self._date = (0, b"")
        super().init_process()

    def load_wsgi(self) -> None:
        """Load the app, and keep what it offers to send again (the fast path's entries)."""
        from .dataset import EXTENSION_KEY

        super().load_wsgi()
        self.holder: SnapshotHolder = self.wsgi.extensions[EXTENSION_KEY]
        self.wsgi.wsgi_app = _Keeping(self.wsgi.wsgi_app, self.keyed)

    # Stopping: the port at once, running queries after stop_grace seconds.

    def handle_exit(self, sig: int, frame: Any) -> None:
        if self.alive:
            timer = threading.Timer(self.stop_grace, self._cancel_queries)
            timer.daemon = True
            timer.start()
        super().handle_exit(sig, frame)

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:  # stopping: nothing more is accepted here
            for listener in self.sockets:
                listener.close()

    def _cancel_queries(self) -> None:
        self.holder.cancel_queries()

    # New connections and kept-alive ones that become readable are read by the event loop.

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if isinstance(exc, BlockingIOError | ConnectionAbortedError):
                return
            raise
        self.nr_conns += 1
        conn = _Conn(self.cfg, client, address, listener.getsockname())
        self._start_reading(conn)

    def on_client_socket_readable(self, conn: _Conn, client: socket.socket) -> None:
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._start_reading(conn)

    def _start_reading(self, conn: _Conn) -> None:
        if self.cfg.is_ssl:  # TLS is read by the thread (gunicorn's own path)
            self.enqueue_req(conn)
            return
        conn.sock.setblocking(False)
        conn.buf = bytearray()
        conn.head_end = -1
        conn.chunk_pos = conn.chunk_total = conn.chunk_partial = 0
        conn.chunk_done = False
        conn.expects_continue = False
        conn.discard_left = None
        conn.deadline = time.monotonic() + self.header_timeout
        self.reading.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _on_readable(self, conn: _Conn, sock: socket.socket) -> None:
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(conn)
            return
        if conn.discard_left is not None:
            conn.discard_left -= len(data)
            if conn.discard_left <= 0:
                self._drop(conn)
            return
        conn.buf += data
        self._advance(conn)

    def _advance(self, conn: _Conn) -> None:
        if conn.head_end < 0:
            end = conn.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(conn.buf) > self.max_head:
                    self._refuse(
                        conn,
                        "414 URI Too Long",
                        f"The request line and headers are longer than {self.max_head:,} bytes. "
                        "Send long queries by POST (application/sparql-query).",
                        drain=self.max_head,
                    )
                return
            conn.head_end = end + 4
            conn.chunk_pos = conn.head_end
            conn.deadline = time.monotonic() + self.body_timeout
            conn.expects_continue = bool(_EXPECT_CONTINUE.search(conn.buf[: conn.head_end]))
        head = bytes(conn.buf[: conn.head_end])
        received = len(conn.buf) - conn.head_end
        if _CHUNKED.search(head):
            self._walk_chunks(conn)
            sent = conn.chunk_total + conn.chunk_partial
            if self.max_body is not None and sent > self.max_body:
                self._too_large(conn, sent, self.max_body * DRAIN_FACTOR)
                return
            if not conn.chunk_done:
                self._continue(conn)
                return
        else:
            match = _CONTENT_LENGTH.search(head)
            length = int(match.group(1)) if match else 0
            if self.max_body is not None and length > self.max_body:
                self._too_large(conn, length, length - received)
                return
            if received < length:
                self._continue(conn)
                return
            if length == 0 and received == 0 and self._answer_ready(conn):
                return
        self._dispatch(conn)

    def _continue(self, conn: _Conn) -> None:
        """Tell a client waiting for it (``Expect: 100-continue``) to send its body. (gunicorn
        sends another 100 once a thread takes the request; clients read any number of 1xx.)"""
        if conn.expects_continue:
            conn.expects_continue = False
            try:
                conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            except OSError:
                pass

    def _walk_chunks(self, conn: _Conn) -> None:
        """Count the payload of the chunks received so far (their sizes), to find the end."""
        buf = conn.buf
        while not conn.chunk_done:
            line_end = buf.find(b"\r\n", conn.chunk_pos)
            if line_end < 0:
                return
            size_text = bytes(buf[conn.chunk_pos : line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                conn.chunk_done = True  # malformed: gunicorn's parser answers it
                return
            if size == 0:
                # The last chunk; then trailers (rare) and an empty line.
                if buf.find(b"\r\n\r\n", line_end) >= 0 or buf.endswith(b"0\r\n\r\n"):
                    conn.chunk_done = True
                return
            if len(buf) < line_end + 2 + size + 2:
                conn.chunk_partial = len(buf) - (line_end + 2)  # counts towards the limit
                return
            conn.chunk_partial = 0
            conn.chunk_total += size
            conn.chunk_pos = line_end + 2 + size + 2

    def _too_large(self, conn: _Conn, size: int, drain: int) -> None:
        assert self.max_body is not None
        self._refuse(
            conn,
            "413 Content Too Large",
            f"The request body is more than {self.max_body:,} bytes ({size:,} bytes sent or "
            f"announced), the most this server accepts.",
            drain=min(drain, self.max_body * DRAIN_FACTOR),
        )

    def _refuse(self, conn: _Conn, status: str, message: str, drain: int) -> None:
        """Answer from the event loop, then read and drop up to ``drain`` more bytes (or until
        the deadline) before closing, so the client reads the answer rather than a reset."""
        try:
            conn.sock.send(_text_response(status, message))
        except OSError:
            self._drop(conn)
            return
        conn.buf = bytearray()
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        conn.discard_left = drain
        conn.deadline = time.monotonic() + self.body_timeout

    # The fast path: a request answered before, answered again from the bytes sent then.

    def _answer_ready(self, conn: _Conn) -> bool:
        """Send the ready response to the request in ``conn.buf`` (a head without a body, and
        nothing after it), if there is one; whether it was sent (or is being sent)."""
        began = time.perf_counter()
        facts = conn.facts = request_facts(
            bytes(conn.buf[: conn.head_end - 4]),
            self.cfg.limit_request_fields,
            MAX_HEADER_LENGTH,
            self.also_harmless,
        )
        if facts is None or not self.alive:
            return False
        snapshot = self.holder.loaded
        ready = snapshot.ready.get(facts.key)
        if ready is None:
            return False
        if self.holder.unchanged() is not snapshot:  # a new build: a thread loads it
            return False
        if ready.stamp is not None and ready.stamp != snapshot.releases_stamp():
            return False
        keep_alive = (
            facts.keep_alive
            and self.cfg.keepalive
            and len(self.keepalived_conns) < self.max_keepalived
        )
        self.nr += 1
        if self.nr >= self.max_requests:
            self.log.info("Autorestarting worker after current request.")
            self.alive = False
            keep_alive = False
        data, status, size = response_bytes(ready, facts, _SERVER, self._http_date(), keep_alive)
        self.reading.discard(conn)
        self.poller.unregister(conn.sock)
        conn.buf = bytearray()
        log_access(
            remote=conn.client[0] if isinstance(conn.client, tuple) else str(conn.client),
            method="HEAD" if facts.head_only else "GET",
            path=facts.path.decode("latin-1"),
            status=status,
            size=size,
            ms=(time.perf_counter() - began) * 1000,
            query=ready.query_hash,
            agent=facts.user_agent.decode("latin-1"),
        )
        self._send(conn, memoryview(data), keep_alive)
        return True

    def _http_date(self) -> bytes:
        now = int(time.time())
        if self._date[0] != now:
            self._date = (now, http_date(now).encode())
        return self._date[1]

    def _send(self, conn: _Conn, data: memoryview, keep_alive: bool) -> None:
        """Send what is left of ``data`` without blocking; the rest when the socket can take
        it, each part within the per-operation timeout (a reader that stops is cut, one that
        keeps reading is served for as long as it takes); then wait for the next request or
        close."""
        try:
            sent = conn.sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            if conn in self.writing:
                self.writing.discard(conn)
                self.poller.unregister(conn.sock)
            self._close(conn)
            return
        rest = data[sent:]
        if rest:
            if sent or conn not in self.writing:  # a reader that keeps reading keeps its time
                conn.deadline = time.monotonic() + (_Conn.io_timeout or self.body_timeout)
            if conn not in self.writing:
                self.writing.add(conn)
                self.poller.register(
                    conn.sock, selectors.EVENT_WRITE, partial(self._on_writable, conn)
                )
            conn.pending = (rest, keep_alive)
            return
        if conn in self.writing:
            self.writing.discard(conn)
            self.poller.unregister(conn.sock)
        if keep_alive:
            conn.set_timeout()
            self.keepalived_conns.append(conn)
            self.poller.register(
                conn.sock, selectors.EVENT_READ, partial(self.on_client_socket_readable, conn)
            )
        else:
            self._close(conn)

    def _on_writable(self, conn: _Conn, _sock: socket.socket) -> None:
        rest, keep_alive = conn.pending
        self._send(conn, rest, keep_alive)

    def _close(self, conn: _Conn) -> None:
        self.nr_conns -= 1
        conn.close()

    def _dispatch(self, conn: _Conn) -> None:
        """Hand a complete request to a thread, with the bytes read so far."""
        self.reading.discard(conn)
        self.poller.unregister(conn.sock)
        if conn.facts is not None and not conn.facts.head_only:
            self.keyed[conn.sock] = conn.facts  # so that its response may be kept
        else:
            self.keyed.pop(conn.sock, None)
        if conn.parser is None:
            conn.parser = get_parser(self.cfg, conn.sock, conn.client)
        conn.parser.unreader.unread(bytes(conn.buf))
        conn.buf = bytearray()
        conn.data_ready = True
        self.enqueue_req(conn)

    def _drop(self, conn: _Conn) -> None:
        self.reading.discard(conn)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Also close connections whose head or body is not in by its deadline, and those the
        event loop answers that do not read it in time."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self.writing if c.deadline <= now]:
            self.writing.discard(conn)
            try:
                self.poller.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass
            self._close(conn)
        for conn in [c for c in self.reading if c.deadline <= now]:
            if conn.discard_left is None and conn.buf:
                try:
                    conn.sock.send(
                        _text_response(
                            "408 Request Timeout",
                            "The request did not arrive in time; send it again without pauses.",
                        )
                    )
                except OSError:
                    pass
            self._drop(conn)


class _Keeping:
    """The app, wrapped (Flask's ``wsgi_app``) so that what it offers is kept as it is sent: a
    ``200`` to a ``GET`` whose head the worker keyed (``keyed``), complete and of known length,
    offered by the app (``environ[SHAREABLE]``: the build's ready responses and the releases'
    stamp it depends on)."""

    def __init__(
        self,
        app: Callable[[dict[str, Any], Any], Iterable[bytes]],
        keyed: weakref.WeakKeyDictionary[socket.socket, RequestFacts],
    ) -> None:
        self.app = app
        self.keyed = keyed

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        facts = self.keyed.pop(sock, None) if sock is not None else None
        if facts is None:
            return self.app(environ, start_response)
        started: list[Any] = []

        def recording(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers, exc_info]
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording)
        offered = environ.get(SHAREABLE)
        if offered is None or not started or started[2] is not None:
            return body
        status, headers, _ = started
        length = next((v for k, v in headers if k.lower() == "content-length"), None)
        if (
            not status.startswith("200 ")
            or length is None
            or int(length) > MAX_ENTRY_BYTES
            or isinstance(body, environ.get("wsgi.file_wrapper", ()))
        ):
            return body
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        if len(data) == int(length):
            ready_cache, stamp = offered
            query = parse_qs(environ.get("QUERY_STRING", "")).get("query")
            hashed = (
                query_hash(query[0]) if query and environ.get("PATH_INFO") == "/sparql" else None
            )
            ready_cache.offer(facts.key, ready_response(headers, data, stamp, hashed))
        return [data]
