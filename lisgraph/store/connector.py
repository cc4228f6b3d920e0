"""The HTTP side of a remote SPARQL store: where it answers, how to sign in, and its failures as
lisgraph errors.

Queries go over kept-alive connections (:class:`KeptConnections`: one per store and thread, in
each process), sent with :mod:`http.client`: a front-end asks its store a query per request, and
a new connection, SPARQLWrapper's and urllib's request objects cost the front-end about as much
CPU as a point lookup costs the store (bench/RESULTS.md, "A point lookup over a remote store").
Updates, and every request to a store that signs in by HTTP Digest, go through SPARQLWrapper,
as rdflib's ``SPARQLConnector`` does for its store (publishing is not on a request's path).
Both honour the proxy the environment names (``http_proxy``, ``https_proxy``, ``no_proxy``), as
urllib and requests do (:func:`proxy_for`).

Credentials are settings (:class:`~lisgraph.config.StoreSettings`), given in the environment only:
``LISGRAPH_STORE_USER``, ``LISGRAPH_STORE_PASSWORD`` and ``LISGRAPH_STORE_AUTH`` (``basic``, the
default, or ``digest``).
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from http.client import HTTPException

from SPARQLWrapper import DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

from ..config import StoreSettings
from ..errors import ConfigError, QueryError, QueryTimeoutError, StoreError

__all__ = ["Endpoint", "KeptConnection", "KeptConnections", "proxy_for", "too_large"]


class KeptConnections:
    """Open HTTP connections to stores, kept for the next request: one per store (scheme, host,
    port) and thread, in each process; all closed when the endpoint holding them is dropped.

    A process forked from one that holds connections (a query process from its web worker) makes
    its own: the connections it inherited are never used nor closed there, since their sockets
    are its parent's (a query process closes the inherited descriptors at once, and closing the
    objects later would close whatever descriptor then has that number).
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._pid = os.getpid()
        self._tables: list[dict[tuple[str, str, int | None], KeptConnection]] = []
        self._lock = threading.Lock()
        self._inherited: list[object] = []

    def _table(self) -> dict[tuple[str, str, int | None], KeptConnection]:
        pid = os.getpid()
        table = getattr(self._local, "table", None)
        if table is not None and self._local.pid == pid:
            return table  # type: ignore[no-any-return]
        if pid != self._pid:  # forked: every table so far is the parent's
            self._inherited.append(self._tables)
            self._tables, self._pid, self._lock = [], pid, threading.Lock()
        table = {}
        with self._lock:
            self._tables.append(table)
        self._local.table, self._local.pid = table, pid
        return table

    def close(self) -> None:
        """Close every connection this process keeps here (none may be in use)."""
        if self._pid != os.getpid():
            return
        with self._lock:
            tables, self._tables = self._tables, []
        for table in tables:
            for kept in table.values():
                kept.connection.close()
            table.clear()

    def __del__(self) -> None:
        self.close()

    def get(self, url: urllib.parse.SplitResult, timeout: float) -> tuple[KeptConnection, bool]:
        """A connection to ``url``'s store, and whether it was used before (kept open). Through
        the proxy the environment names for it, if any (see :func:`proxy_for`)."""
        key = (url.scheme, url.hostname or "", url.port)
        table = self._table()
        kept = table.get(key)
        if kept is not None and kept.connection.sock is not None:
            kept.connection.timeout = timeout
            kept.connection.sock.settimeout(timeout)
            return kept, True
        kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        proxy = proxy_for(url)
        if proxy is None:
            kept = KeptConnection(kind(url.hostname or "", url.port, timeout=timeout))
        elif url.scheme == "https":  # a tunnel through the proxy (CONNECT)
            connection = kind(proxy.hostname or "", proxy.port, timeout=timeout)
            connection.set_tunnel(url.hostname or "", url.port, headers=_proxy_signin(proxy))
            kept = KeptConnection(connection)
        else:  # the proxy is sent the whole URL, and its sign-in
            connection = http.client.HTTPConnection(
                proxy.hostname or "", proxy.port, timeout=timeout
            )
            origin = f"{url.scheme}://{url.netloc.rpartition('@')[2]}"
            kept = KeptConnection(connection, origin, _proxy_signin(proxy))
        kept.connection.connect()
        # http.client writes the headers and the body in two sends: without this, the body
        # waits for the store to acknowledge the headers (Nagle's algorithm).
        kept.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        table[key] = kept
        return kept, False

    def discard(self, url: urllib.parse.SplitResult) -> None:
        """Close and forget this thread's connection to ``url``'s store (after a failure)."""
        kept = self._table().pop((url.scheme, url.hostname or "", url.port), None)
        if kept is not None:
            kept.connection.close()


@dataclass(frozen=True)
class KeptConnection:
    """A kept connection, and how a request goes over it: to the store itself (``origin`` ""),
    or to a proxy, which is sent the whole URL (``origin`` + path) and ``headers``."""

    connection: http.client.HTTPConnection
    origin: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def proxy_for(url: urllib.parse.SplitResult) -> urllib.parse.SplitResult | None:
    """The proxy to reach ``url`` through, as the environment says for urllib, SPARQLWrapper and
    requests alike (``http_proxy``, ``https_proxy``, ``no_proxy``); None to connect directly."""
    proxy = urllib.request.getproxies().get(url.scheme)
    if not proxy or urllib.request.proxy_bypass(url.hostname or ""):
        return None
    return urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")


def _proxy_signin(proxy: urllib.parse.SplitResult) -> dict[str, str]:
    """The ``Proxy-Authorization`` header for a proxy URL with a user in it (else none)."""
    if proxy.username is None:
        return {}
    user = urllib.parse.unquote(proxy.username)
    password = urllib.parse.unquote(proxy.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Proxy-Authorization": f"Basic {token}"}


@lru_cache(maxsize=16)
def _encoded(params: tuple[tuple[str, str], ...]) -> str:
    """``params`` form-encoded. Cached: a query that may read every named graph is sent the same
    thousands of ``named-graph-uri`` parameters each time (2,825 at the 1M build)."""
    return urllib.parse.urlencode(params)


@dataclass(frozen=True)
class Endpoint:
    """Where a remote store answers, and how to sign in.

    ``update_url`` defaults to ``query_url`` (Virtuoso and GraphDB take both at one URL).
    ``timeout`` is the client's limit, in seconds, on any one request.
    """

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: float = 30.0
    #: This endpoint's own (``dataclasses.replace`` makes an endpoint with new ones).
    connections: KeptConnections = field(
        default_factory=KeptConnections, init=False, compare=False, repr=False
    )

    @classmethod
    def from_settings(
        cls,
        store: StoreSettings,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        timeout: float = 30.0,
    ) -> Endpoint:
        """The endpoint of ``store``, with its credentials.

        Raises ConfigError for an update or graph store URL that is not http(s).
        """
        for url in (update_url, graph_store_url):
            if url is not None and not url.startswith(("http://", "https://")):
                raise ConfigError(f"The store URL {url!r} is not an http(s) URL.")
        return cls(
            query_url=store.url,
            update_url=update_url,
            graph_store_url=graph_store_url,
            user=store.user,
            password=store.password,
            auth=store.auth,
            timeout=timeout,
        )

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url, agent="lisgraph")
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)  # the Accept header alone says what we want
        wrapper.setTimeout(max(1, round(self.timeout)))
        if self.user:
            wrapper.setCredentials(self.user, self.password or "")
            if self.auth == "digest":
                wrapper.setHTTPAuth(DIGEST)
        return wrapper

    def request(
        self,
        *,
        query: str | None = None,
        update: str | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept: str = "application/sparql-results+json",
    ) -> tuple[str, bytes]:
        """Send one query (or update) and return the response's media type and body.

        Raises QueryTimeoutError when the store does not answer in time, QueryError when it
        rejects the query, StoreError when it cannot be reached, refuses the credentials or fails.
        """
        url = self.query_url if update is None else (self.update_url or self.query_url)
        _allow_many_response_headers()
        if update is None and not (self.user and self.auth == "digest"):
            return self._query_kept(url, query or "", params, accept)
        wrapper = self._wrapper(url)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setQuery(update if update is not None else query or "")
        for name, value in params:
            wrapper.addParameter(name, value)
        wrapper.addCustomHttpHeader("Accept", accept)
        try:
            response = wrapper.query().response
            media_type = response.headers.get_content_type()
            return media_type, response.read()
        except Unauthorized as exc:
            raise StoreError(
                f"The SPARQL store at {url} refused lisgraph's credentials (HTTP 401): set "
                "LISGRAPH_STORE_USER and LISGRAPH_STORE_PASSWORD (and LISGRAPH_STORE_AUTH=digest "
                "for stores such as Virtuoso)."
            ) from exc
        except SPARQLWrapperException as exc:
            if type(exc).__name__ == "QueryBadFormed":
                raise QueryError(f"The SPARQL store rejected the query: {_detail(exc)}") from exc
            raise StoreError(f"The SPARQL store at {url} failed: {_detail(exc)}") from exc
        except urllib.error.HTTPError as exc:
            raise StoreError(f"The SPARQL store at {url} answered HTTP {exc.code}.") from exc
        except TimeoutError as exc:
            raise QueryTimeoutError(
                f"The SPARQL store at {url} did not answer within {self.timeout:g} seconds."
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise QueryTimeoutError(
                    f"The SPARQL store at {url} did not answer within {self.timeout:g} seconds."
                ) from exc
            raise StoreError(f"Cannot reach the SPARQL store at {url}: {exc.reason}.") from exc
        except (OSError, HTTPException) as exc:
            raise StoreError(f"The connection to the SPARQL store at {url} failed: {exc}") from exc

    def _query_kept(
        self, url: str, query: str, params: Sequence[tuple[str, str]], accept: str
    ) -> tuple[str, bytes]:
        """:meth:`request` for a query, over this thread's kept connection to the store; the same
        answer and errors (a failure to reach the store has the OSError or HTTPException that
        said so as its cause, as :func:`.replicas._unreachable` reads it)."""
        parts = urllib.parse.urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = urllib.parse.urlencode([("query", query)])
        body += f"&{_encoded(tuple(params))}" if params else ""
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
            "User-Agent": "lisgraph",
        }
        if self.user:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        try:
            status, media_type, answer = self._send_kept(parts, path, body.encode(), headers)
        except TimeoutError as exc:
            raise QueryTimeoutError(
                f"The SPARQL store at {url} did not answer within {self.timeout:g} seconds."
            ) from exc
        except ConnectionRefusedError as exc:
            raise StoreError(f"Cannot reach the SPARQL store at {url}: {exc}.") from exc
        except (OSError, HTTPException) as exc:
            raise StoreError(f"The connection to the SPARQL store at {url} failed: {exc}") from exc
        if 200 <= status < 300:
            return media_type, answer
        detail = " ".join(answer[:2000].decode("utf-8", "replace").split())[:500]
        if status == 400:
            raise QueryError(f"The SPARQL store rejected the query: {detail}")
        if status == 401:
            raise StoreError(
                f"The SPARQL store at {url} refused lisgraph's credentials (HTTP 401): set "
                "LISGRAPH_STORE_USER and LISGRAPH_STORE_PASSWORD (and LISGRAPH_STORE_AUTH=digest "
                "for stores such as Virtuoso)."
            )
        raise StoreError(f"The SPARQL store at {url} failed: HTTP {status}: {detail}")

    def _send_kept(
        self, url: urllib.parse.SplitResult, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        """POST ``body`` over the kept connection: the status, media type and whole answer. A
        kept connection the store has closed meanwhile is replaced once (a query is read-only,
        so sending it again changes nothing); any other failure closes it and is raised."""
        for attempt in range(2):
            route, kept = self.connections.get(url, self.timeout)  # may raise OSError
            connection = route.connection
            try:
                connection.request(
                    "POST",
                    route.origin + path,
                    body,
                    headers | route.headers if route.headers else headers,
                )
                response = connection.getresponse()
                answer = response.read()
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                self.connections.discard(url)
                if kept and attempt == 0:
                    continue
                raise
            except BaseException:
                self.connections.discard(url)
                raise
            if response.will_close:
                self.connections.discard(url)
            return response.status, response.headers.get_content_type(), answer
        raise AssertionError("unreachable")  # the loop returns or raises


#: Virtuoso echoes every named-graph-uri of a request as an X-SPARQL-named-graph response
#: header. The dataset has one named graph per source (over a hundred), which passes
#: http.client's default limit of 100 headers ("got more than 100 headers").
_MAX_RESPONSE_HEADERS = 100_000


def _allow_many_response_headers() -> None:
    """Raise http.client's limit on response headers to :data:`_MAX_RESPONSE_HEADERS`."""
    if getattr(http.client, "_MAXHEADERS", 0) < _MAX_RESPONSE_HEADERS:
        setattr(http.client, "_MAXHEADERS", _MAX_RESPONSE_HEADERS)  # noqa: B010


def _detail(exc: SPARQLWrapperException) -> str:
    text = str(exc).replace("\\n", " ").strip()
    return text[:500]


# How stores say a request was too big for them: Virtuoso's SP031 ("The length of generated SQL
# text has exceeded 10000 lines of code", an INSERT DATA with too many triples), SR171
# ("Transaction timed out") and SR325 (a transaction's log "went above the limit", past
# [Parameters] TransactionAfterImageLimit): a request doing too much at once; HTTP 413 from a
# store or a proxy, and the wording of other size limits.
_TOO_LARGE = re.compile(
    r"\bSP031\b|\bSR171\b|\bSR325\b|HTTP 413|status code 413|Payload Too Large|Entity Too Large"
    r"|\btoo (?:large|long|big)\b|\bexceed(?:s|ed)?\b|Transaction timed out",
    re.IGNORECASE,
)


def too_large(exc: BaseException) -> str | None:
    """Why the store refused a request as too large (or too slow to finish in time), or None
    when ``exc`` says something else (the store is down, refuses the credentials...).

    Reads the error lisgraph raised from :meth:`Endpoint.request` and what caused it.
    """
    if isinstance(exc, QueryTimeoutError):
        return str(exc)
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, urllib.error.HTTPError) and seen.code in (408, 413, 504):
            return f"HTTP {seen.code} {seen.reason}"
        text = str(seen)
        match = _TOO_LARGE.search(text)
        if match:
            start = text.rfind("\n", 0, match.start()) + 1
            reason = text[start:].split("SPARQL query:")[0]  # Virtuoso echoes the whole update
            reason = reason[2:] if reason.startswith(("b'", 'b"')) else reason  # bytes' repr
            return " ".join(reason.split())[:240]
        seen = seen.__cause__
    return None
