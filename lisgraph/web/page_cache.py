"""Pages and metadata that depend only on the build, made once per build.

Everything but the SPARQL endpoint, search, the dumps and ``/health`` says only what the build
says (and links under the URL root the page was asked at), so a successful GET is kept on the
build's :class:`~lisgraph.web.dataset.Snapshot` and later requests are answered from memory.
The cache is bounded by entries and bytes (least recently used first out); a new build starts
with an empty one. Validators and ``304`` are still added per request (:mod:`.http_cache`).

A page is made at most once per variant, whatever a client varies:

- the key holds what can change a page and nothing else: the path, the query parameters some
  page reads (:data:`PAGE_PARAMETERS`; ``?x=1`` is the same page as no parameter), the formats
  the ``Accept`` header would choose (two headers that choose alike are one entry), the URL
  root (a host in ``ALLOWED_HOSTS``) and the releases;
- a request whose variant is not kept waits while another request makes a variant of the same
  page, then looks again: one render per page at a time per worker, so a flood of one page
  costs one render, not one per request (48 concurrent whole-dataset renders took 1.2 GB);
- after a render of more than :data:`TRIM_AFTER_BYTES`, the memory it freed is given back to
  the system (glibc's ``malloc_trim``), so a worker's size comes back after a flood.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache

from flask import Flask, Response, g, request

from ..views.listing import LISTINGS
from .negotiation import FORMATS, bounded, choose
from .ready_responses import SHAREABLE

__all__ = ["PAGE_PARAMETERS", "TRIM_AFTER_BYTES", "PageCache", "init_app", "page_key"]

# Fragments and the editor's names: an index lookup costs less than the memory it would take
# from the pages kept (the names keep their own small answers, keyed by what they read).
# The change feed: it offers only the quad formats, which the key's formats do not tell apart.
_NOT_CACHED = (
    "/sparql",
    "/search",
    "/health",
    "/downloads/",
    "/static/",
    "/fragments",
    "/editor/names.json",
    "/changes",
)

#: The query parameters a cached page reads: the format, the Graph Store's graph, a class
#: page's paging, sorting and facets, the LEPs or strategies compared, the map's day and
#: colour. Others change no page and are left out of the key.
PAGE_PARAMETERS = frozenset(
    {"format", "output", "graph", "default", "page", "sort", "order", "lep", "strategy", "date"}
    | {"colour"}
    | {facet for listing in LISTINGS.values() for facet in listing.facets}
)

#: A render this large gives the memory it freed back to the system afterwards.
TRIM_AFTER_BYTES = 4 * 1024 * 1024

_RDF_DEFAULTS = tuple(f.key for f in FORMATS if "rdf" in f.kinds and f.key != "html")


@lru_cache(maxsize=1024)
def _accepted(header: str) -> tuple[str, ...]:
    """What an Accept header chooses, for every default and HTML or not: the part of it a
    page can depend on (pages negotiate with :func:`~.negotiation.choose`). Remembered per
    header value (cut to the length ``choose`` reads, so the keys stay short)."""
    chosen = []
    for default in _RDF_DEFAULTS:
        for html in (True, False):
            fmt = choose(header, "rdf", default, html)
            chosen.append(fmt.key if fmt is not None else "")
    return tuple(chosen)


def _malloc_trim() -> Callable[[], object]:
    """glibc's ``malloc_trim(0)`` (give freed heap back to the system), or a no-op elsewhere."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is None:
        return lambda: None
    return lambda: trim(0)


_trim = _malloc_trim()


class PageCache:
    """At most ``entries`` responses and ``max_bytes`` of bodies, least recently used out."""

    def __init__(self, entries: int = 256, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[bytes, list[tuple[str, str]]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        # A lock per page (path) being made, with the number of requests holding or awaiting it.
        self._making: dict[str, tuple[threading.Lock, int]] = {}

    def making(self, path: str) -> threading.Lock:
        """The lock held while a variant of ``path`` is made; give it back with :meth:`made`."""
        with self._lock:
            lock, users = self._making.get(path, (threading.Lock(), 0))
            self._making[path] = (lock, users + 1)
            return lock

    def made_without(self, path: str) -> None:
        """Give back a place taken by :meth:`making` whose lock was never had (a time-out)."""
        with self._lock:
            lock, users = self._making[path]
            if users <= 1:
                del self._making[path]
            else:
                self._making[path] = (lock, users - 1)

    def made(self, path: str, lock: threading.Lock) -> None:
        """Release ``lock`` (taken by :meth:`making`) and forget it when no one else waits."""
        lock.release()
        self.made_without(path)

    def __len__(self) -> int:
        return len(self._items)

    def paths(self) -> set[str]:
        """The paths of the pages kept (any root, query string or Accept)."""
        with self._lock:
            return {key[0] for key in self._items if isinstance(key, tuple)}

    def get(self, key: Hashable) -> tuple[bytes, list[tuple[str, str]]] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: Hashable, body: bytes, headers: list[tuple[str, str]]) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = (body, headers)
            self._bytes += len(body)
            while self._items and (len(self._items) > self.entries or self._bytes > self.max_bytes):
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= len(dropped)


def page_key(releases: object) -> Hashable | None:
    """What the current request's page depends on beyond its build (see the module), or None
    when it is not kept: ``releases`` is the state of the releases beside the build, which a
    page's history and /releases/ show."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(_NOT_CACHED):
        return None
    return (
        request.path,
        tuple((k, v) for k, v in request.args.items(multi=True) if k in PAGE_PARAMETERS),
        # No Accept means any type (RFC 9110), as "*/*" does: one entry for both.
        _accepted(bounded(request.headers.get("Accept", "") or "*/*")),
        request.url_root,
        releases,
    )


def init_app(app: Flask) -> None:
    """Answer build-only pages from the build's cache, making each variant once, and keep new
    ones there."""
    from .dataset import current_snapshot  # the snapshot module imports this one

    @app.before_request
    def _cached() -> Response | None:
        snapshot = current_snapshot()
        releases = snapshot.releases_stamp()
        key = page_key(releases)
        if key is None:
            return None
        item = snapshot.pages.get(key)
        if item is None:
            # Wait for whoever is making this page, then look again (it may be this variant).
            lock = snapshot.pages.making(request.path)
            if not lock.acquire(timeout=snapshot.config.serving.io_timeout):
                snapshot.pages.made_without(request.path)
                return None  # made alongside, rather than not at all
            item = snapshot.pages.get(key)
            if item is None:
                g.lisgraph_page_key = key
                g.lisgraph_page_making = (snapshot.pages, lock)
                return None
            snapshot.pages.made(request.path, lock)
        body, headers = item
        # The same page for the same request head: the worker may send it again as it is sent.
        request.environ[SHAREABLE] = (snapshot.ready, releases)
        return Response(body, status=200, headers=headers)

    @app.after_request
    def _keep(response: Response) -> Response:
        key = g.pop("lisgraph_page_key", None)
        if (
            key is not None
            and request.method == "GET"
            and response.status_code == 200
            and not response.direct_passthrough
            and not response.is_streamed
        ):
            headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
            body = response.get_data()
            current_snapshot().pages.put(key, body, headers)
            if len(body) > TRIM_AFTER_BYTES:
                g.lisgraph_trim = True
        return response

    @app.teardown_request
    def _done(_exc: BaseException | None) -> None:
        making = g.pop("lisgraph_page_making", None)
        if making is not None:
            pages, lock = making
            pages.made(request.path, lock)
        if g.pop("lisgraph_trim", False):
            _trim()
