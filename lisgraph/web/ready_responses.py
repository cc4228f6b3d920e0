"""Responses kept as the bytes sent, so that a repeated request is answered without the app.

A cached SPARQL answer or page still costs the whole request cycle (gunicorn's parser, the WSGI
environment, every Flask hook, an ETag hashed from the body, gzip), about 0.6 ms of CPU a
request. Here the worker's event loop answers a request from ready bytes when it has sent the
same response before (:mod:`.worker`):

- **The key** is what can change such a response, read from the raw request head: the
  request target (path and query string, as sent), ``Host``, ``Accept`` and ``Accept-Encoding``.
  Two requests that differ in any of them are two entries (the app's own caches are finer;
  this one is for repeats).
- **Only requests whose every header is known** take this path (:func:`request_facts`): the
  keyed headers once each, and headers that change no response (``User-Agent``, ``Referer``,
  browsers' ``Sec-Fetch-*``...). Anything else (a body, ``Range``, ``If-Modified-Since``,
  ``X-Forwarded-Proto``, an unknown header, a header past the app's length limit, more than
  the worker's number of fields) goes through the app, which applies every limit as before.
- **Only responses the app offers** are kept: it marks one (``environ[SHAREABLE]``) when the
  response depends on nothing but the key and the build: a SPARQL answer from the answer cache,
  a page from the page cache. The worker keeps the final bytes (after compression and
  validators), a ``200`` to a ``GET`` of at most :data:`MAX_ENTRY_BYTES`; a key is kept the
  second time it is offered, so a stream of one-off requests does not push out the repeated
  ones. Each build has its own (:class:`~.dataset.Snapshot`), bounded in entries and bytes.
- **Conditional requests** (``If-None-Match``) are answered ``304`` here as the app would answer
  them (weak comparison, the entity headers removed), and ``HEAD`` with the headers alone.

A response from here says ``X-Lisgraph-Cache: ready``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

__all__ = [
    "MAX_ENTRY_BYTES",
    "SHAREABLE",
    "Ready",
    "ReadyResponses",
    "RequestFacts",
    "ready_response",
    "request_facts",
    "response_bytes",
]

#: The WSGI environment's key under which the app offers a response: its value is a pair of
#: the build's :class:`ReadyResponses` and the releases' stamp the response depends on (None:
#: none).
SHAREABLE = "lisgraph.shareable"

#: The largest body kept.
MAX_ENTRY_BYTES = 1024 * 1024

#: Request headers that take part in the key (each at most once).
_KEYED = (b"host", b"accept", b"accept-encoding")

#: Request headers that change no response of the app's (it reads none of them; CORS answers
#: every origin alike). ``If-None-Match`` is answered here. A request with any other header goes
#: through the app.
HARMLESS_HEADERS = frozenset(
    {
        b"user-agent",
        b"connection",
        b"keep-alive",
        b"if-none-match",
        b"accept-language",
        b"cache-control",
        b"pragma",
        b"referer",
        b"origin",
        b"cookie",
        b"dnt",
        b"priority",
        b"te",
        b"upgrade-insecure-requests",
        b"sec-fetch-dest",
        b"sec-fetch-mode",
        b"sec-fetch-site",
        b"sec-fetch-user",
        b"sec-gpc",
        b"sec-ch-ua",
        b"sec-ch-ua-mobile",
        b"sec-ch-ua-platform",
    }
)

#: Characters no header line may hold (gunicorn answers 400 to a request with one).
_FORBIDDEN = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")

#: Headers a 304 leaves out (Werkzeug's entity headers, less Expires and Content-Location).
_ENTITY_HEADERS = frozenset(
    {
        b"allow",
        b"content-encoding",
        b"content-language",
        b"content-length",
        b"content-md5",
        b"content-range",
        b"content-type",
        b"last-modified",
    }
)

#: Headers the server writes itself on every response (gunicorn's, and the cache marker).
_OWN_HEADERS = frozenset({b"date", b"server", b"connection", b"x-lisgraph-cache"})


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What the fast path needs of a request head it may answer."""

    key: tuple[bytes, bytes, bytes, bytes]  # target, Host, Accept, Accept-Encoding
    head_only: bool  # HEAD
    version: bytes  # b"1.0" or b"1.1"
    keep_alive: bool  # what the client asked for (Connection, and the version's default)
    if_none_match: bytes | None
    user_agent: bytes
    path: bytes


def request_facts(
    head: bytes,
    max_fields: int,
    max_value: int,
    also_harmless: frozenset[bytes] = frozenset(),
) -> RequestFacts | None:
    """The facts of a complete request head (up to and without its blank line), or None when
    it is not one the fast path answers (see the module): not ``GET``/``HEAD``, not
    HTTP/1.0 or 1.1, a target not starting with ``/``, a header not known to be harmless or
    keyed (``also_harmless``: more names, lower case, such as a configured forwarded-address
    header), a keyed header twice, a value longer than ``max_value`` or more than
    ``max_fields`` fields."""
    lines = head.split(b"\r\n")
    if len(lines) - 1 > max_fields:
        return None
    parts = lines[0].split(b" ")
    if len(parts) != 3:
        return None
    method, target, protocol = parts
    if method not in (b"GET", b"HEAD") or not target.startswith(b"/"):
        return None
    if protocol == b"HTTP/1.1":
        version, keep_alive = b"1.1", True
    elif protocol == b"HTTP/1.0":
        version, keep_alive = b"1.0", False
    else:
        return None
    keyed: dict[bytes, bytes] = {}
    if_none_match: bytes | None = None
    user_agent = b""
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip() or _FORBIDDEN.search(line):
            return None
        name = name.lower()
        value = value.strip(b" \t")
        if len(value) > max_value:
            return None
        if name in _KEYED:
            if name in keyed:
                return None
            keyed[name] = value
        elif name == b"connection":
            tokens = {t.strip().lower() for t in value.split(b",")}
            if b"close" in tokens:
                keep_alive = False
            elif b"keep-alive" in tokens:
                keep_alive = True
            if tokens - {b"close", b"keep-alive", b""}:
                return None  # Upgrade and other hop-by-hop requests: the app's
        elif name == b"if-none-match":
            if if_none_match is not None:
                return None
            if_none_match = value
        elif name == b"user-agent":
            user_agent = value
        elif name not in HARMLESS_HEADERS and name not in also_harmless:
            return None
    if b"host" not in keyed and version == b"1.1":
        return None  # the app answers 400
    return RequestFacts(
        key=(
            target,
            keyed.get(b"host", b""),
            keyed.get(b"accept", b""),
            keyed.get(b"accept-encoding", b""),
        ),  # fmt: skip
        head_only=method == b"HEAD",
        version=version,
        keep_alive=keep_alive,
        if_none_match=if_none_match,
        user_agent=user_agent,
        path=target.partition(b"?")[0],
    )


@dataclass(frozen=True, slots=True)
class Ready:
    """A ``200`` response as sent, less the lines the server writes each time (``Date``,
    ``Server``, ``Connection``)."""

    headers: bytes  # "Name: value\r\n" lines
    not_modified_headers: bytes  # the lines a 304 keeps
    body: bytes
    etag: bytes | None
    stamp: int | None  # the releases' state the response depends on (None: none)
    query_hash: str | None  # for the access log


def ready_response(
    headers: list[tuple[str, str]], body: bytes, stamp: int | None, query_hash: str | None
) -> Ready:
    """What to keep of a ``200`` response with ``headers`` and ``body``."""
    full, short = [], []
    etag = None
    for name, value in headers:
        lname = name.lower().encode("latin-1")
        if lname in _OWN_HEADERS:
            continue
        line = f"{name}: {value}\r\n".encode("latin-1")
        full.append(line)
        if lname not in _ENTITY_HEADERS:
            short.append(line)
        if lname == b"etag":
            etag = value.encode("latin-1")
    return Ready(b"".join(full), b"".join(short), body, etag, stamp, query_hash)


def _opaque(tag: bytes) -> bytes:
    return tag.strip().removeprefix(b"W/")


def not_modified(ready: Ready, if_none_match: bytes) -> bool:
    """Whether ``If-None-Match`` matches the response's ETag (weak comparison, RFC 9110 13.1.2,
    as Werkzeug's conditional responses compare for GET and HEAD)."""
    if ready.etag is None:
        return False
    if if_none_match.strip() == b"*":
        return True
    mine = _opaque(ready.etag)
    return any(_opaque(tag) == mine for tag in if_none_match.split(b","))


def response_bytes(
    ready: Ready, facts: RequestFacts, server: bytes, date: bytes, keep_alive: bool
) -> tuple[bytes, int, int]:
    """The bytes to send for ``facts`` from ``ready`` (with the server's own ``Server`` and
    ``Date`` lines, as the server writes them): the whole response, its status and the body's
    length."""
    connection = b"keep-alive" if keep_alive else b"close"
    own = b"Server: " + server + b"\r\nDate: " + date + b"\r\nConnection: " + connection + b"\r\n"
    if facts.if_none_match is not None and not_modified(ready, facts.if_none_match):
        status, headers, body = 304, ready.not_modified_headers, b""
        line = b"HTTP/" + facts.version + b" 304 Not Modified\r\n"
    else:
        status, headers = 200, ready.headers
        body = b"" if facts.head_only else ready.body
        line = b"HTTP/" + facts.version + b" 200 OK\r\n"
    return line + own + headers + b"X-Lisgraph-Cache: ready\r\n\r\n" + body, status, len(body)


class ReadyResponses:
    """At most ``entries`` responses and ``max_bytes`` of bodies, least recently used out; a
    key is kept the second time it is offered (:meth:`offer`)."""

    def __init__(self, entries: int = 512, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[bytes, ...], Ready] = OrderedDict()
        self._offered: set[int] = set()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple[bytes, ...]) -> Ready | None:
        with self._lock:
            ready = self._items.get(key)
            if ready is not None:
                self._items.move_to_end(key)
            return ready

    def offer(self, key: tuple[bytes, ...], ready: Ready) -> bool:
        """Keep ``ready`` under ``key`` if the key was offered before; whether it is kept."""
        if len(ready.body) > MAX_ENTRY_BYTES or self.entries <= 0:
            return False
        seen = hash(key)
        with self._lock:
            if seen not in self._offered and key not in self._items:
                if len(self._offered) >= 4 * self.entries:
                    self._offered.clear()
                self._offered.add(seen)
                return False
            self._offered.discard(seen)
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = ready
            self._bytes += len(ready.body)
            while self._items and (len(self._items) > self.entries or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)
            return True
