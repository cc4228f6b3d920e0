"""Answers to repeated identical queries, kept in memory per worker and per build.

Keyed by the query, the dataset selection and the result formats; a new build starts a new,
empty cache. Bounded by a number of answers and by their total size; an answer larger than a
quarter of that size is not kept, nor is an answer spooled to a file (those are larger than
``RESULT_MEMORY_BYTES``, and are read once). (The web app's ``X-Lisgraph-Cache`` header says
``hit`` or ``miss``.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from .sandbox import Outcome

__all__ = ["CacheLimits", "QueryCache"]


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
        if self.max_entries <= 0 or size > self.max_bytes // 4 or outcome.file is not None:
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
