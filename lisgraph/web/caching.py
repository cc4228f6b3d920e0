"""Cheap answers for what cannot change between builds.

- Every successful GET gets a validator (ETag, from the response's bytes) and ``Cache-Control``,
  and is answered ``304 Not Modified`` when the client already has it.
- Repeated identical SPARQL queries are answered from a per-build cache (see
  :class:`QueryCache`), keyed by the query, the dataset selection and the result formats; a new
  build starts a new, empty cache. The ``X-Lisgraph-Cache`` header says ``hit`` or ``miss``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import Flask, Response, current_app, request

from ..runner import Outcome

__all__ = ["QueryCache", "init_conditional_responses"]


class QueryCache:
    """A bounded least-recently-used map from a query's key to its outcome."""

    def __init__(self, max_entries: int = 512, max_entry_bytes: int = 1 << 20) -> None:
        self.max_entries = max_entries
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[Hashable, Outcome] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Outcome | None:
        with self._lock:
            outcome = self._entries.get(key)
            if outcome is not None:
                self._entries.move_to_end(key)
            return outcome

    def put(self, key: Hashable, outcome: Outcome) -> None:
        if self.max_entries <= 0 or len(outcome.body) > self.max_entry_bytes:
            return
        with self._lock:
            self._entries[key] = outcome
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


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
