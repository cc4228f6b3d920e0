"""Pages and metadata that depend only on the build, made once per build.

Everything but the SPARQL endpoint, the dumps and ``/health`` says only what the build says
(and links under the URL root the page was asked at), so a successful GET is kept on the
build's :class:`~lisgraph.web.dataset.Snapshot`, keyed by path, query string, ``Accept`` and
URL root, and later requests are answered from memory. The cache is bounded by entries and
bytes (least recently used first out); a new build starts with an empty one. Validators and
``304`` are still added per request (:mod:`.http_cache`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import Flask, Response, g, request

__all__ = ["PageCache", "init_app"]

_NOT_CACHED = ("/sparql", "/health", "/downloads/", "/static/")


class PageCache:
    """At most ``entries`` responses and ``max_bytes`` of bodies, least recently used out."""

    def __init__(self, entries: int = 256, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[bytes, list[tuple[str, str]]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

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
            while self._items and (
                len(self._items) > self.entries or self._bytes > self.max_bytes
            ):
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= len(dropped)


def _key(releases: object) -> Hashable | None:
    """What a page depends on beyond its build: the request, and ``releases`` (the state of the
    releases beside the build, which a page's history and /releases/ show)."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(_NOT_CACHED):
        return None
    return (
        request.path,
        request.query_string,
        # No Accept means any type (RFC 9110), as "*/*" does: one entry for both.
        request.headers.get("Accept", "") or "*/*",
        request.url_root,
        releases,
    )


def init_app(app: Flask) -> None:
    """Answer build-only pages from the build's cache, and keep new ones there."""
    from .dataset import current_snapshot  # the snapshot module imports this one

    @app.before_request
    def _cached() -> Response | None:
        snapshot = current_snapshot()
        key = _key(snapshot.releases_stamp())
        if key is None:
            return None
        item = snapshot.pages.get(key)
        if item is None:
            g.lisgraph_page_key = key
            return None
        body, headers = item
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
            current_snapshot().pages.put(key, response.get_data(), headers)
        return response
