"""Cheap answers for what cannot change between builds.

- Every successful GET gets a validator (ETag, from the response's bytes) and ``Cache-Control``,
  and is answered ``304 Not Modified`` when the client already has it.
- Repeated identical SPARQL queries are answered from a per-build cache (see
  :class:`QueryCache`), keyed by the query, the dataset selection and the result formats; a new
  build starts a new, empty cache. The ``X-Lisgraph-Cache`` header says ``hit`` or ``miss``.
  The cache is bounded by a number of answers and by their total size (per worker); an answer
  larger than a quarter of that size is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app, request

from ..store.sandbox import Outcome

__all__ = ["CacheLimits", "QueryCache", "init_conditional_responses"]


@dataclass(frozen=True)
class CacheLimits:
    """How much a worker's query cache holds: answers, and megabytes in all."""

    entries: int = 512
    megabytes: int = 64

    def new_cache(self) -> QueryCache:
        return QueryCache(self.entries, self.megabytes * 1024 * 1024)


def _size(outcome: Outcome) -> int:
    """About how many bytes an answer holds (its body, or the cells of its table)."""
    size = len(outcome.body)
    if outcome.table is not None:
        names, rows = outcome.table
        size += sum(len(n) for n in names) + sum(len(c) + 8 for row in rows for c in row)
    return size


class QueryCache:
    """A least-recently-used map from a query's key to its outcome, bounded by the number of
    entries and their total size in bytes; an entry over a quarter of that size is not kept."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 64 << 20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[Outcome, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Outcome | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, outcome: Outcome) -> None:
        size = _size(outcome)
        if self.max_entries <= 0 or size > self.max_bytes // 4:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._entries[key] = (outcome, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._bytes -= self._entries.popitem(last=False)[1][1]

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """The total size of the answers held."""
        return self._bytes


def init_conditional_responses(app: Flask) -> None:
    """Add ETag and Cache-Control to successful GET responses and answer 304 when they match."""

    @app.after_request
    def _conditional(response: Response) -> Response:
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.direct_passthrough:  # files: send_file sets its own validators
            return response
        if not response.headers.get("ETag"):
            response.add_etag()
        if not response.cache_control.max_age and not response.cache_control.no_store:
            response.cache_control.public = True
            response.cache_control.max_age = int(current_app.config["CACHE_MAX_AGE"])
        response.make_conditional(request)  # turns it into a 304 when the client's copy matches
        return response
