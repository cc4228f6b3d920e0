"""Answers to repeated identical queries, kept in memory per worker and per build.

Keyed by the query, the dataset selection and the result formats; a new build starts a new,
empty cache. Bounded by a number of answers and by their total size; an answer larger than a
quarter of that size is not kept, nor is an answer spooled to a file (those are larger than
``RESULT_MEMORY_BYTES``, and are read once).

Identical queries that arrive while one of them runs are answered by that one run
(:meth:`QueryCache.answer`): a burst of clients asking the same new query takes one place in
the query queue per worker, not one each (64 keep-alive clients asking one uncached query got
79 answers of 429 before the answer was cached). When the run fails, the waiting queries fail
alike (a malformed query, its time limit, a busy server), unless the failure was its client's
own (a client's share, 429): then, as when the answer was spooled to a file (read once), each
waiting query runs on its own. (The web app's ``X-Lisgraph-Cache`` header says ``hit``,
``shared`` or ``miss``.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from ..errors import ClientLimitError, LisgraphError
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


@dataclass
class _Run:
    """An answer being computed, and the queries waiting for it."""

    done: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome | None = None  # set when it can be shared (held in memory)
    error: LisgraphError | None = None  # set when it failed for every asker alike


class QueryCache:
    """A least-recently-used map from a query's key to its outcome, bounded by the number of
    entries and their total size in bytes; an entry over a quarter of that size is not kept."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 64 << 20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[Outcome, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._running: dict[Hashable, _Run] = {}

    def answer(self, key: Hashable, run: Callable[[], Outcome]) -> tuple[Outcome, str]:
        """The answer for ``key`` and how it was had: kept here (``"hit"``); the answer of an
        identical query that was running when this one came (``"shared"``); else ``run()``'s,
        kept when it may be (``"miss"``). Raises what ``run`` raises."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry[0], "hit"
            running = self._running.get(key)
            if running is None:
                running = self._running[key] = _Run()
                leader = True
            else:
                leader = False
        if not leader:
            running.done.wait()
            if running.outcome is not None:
                return running.outcome, "shared"
            if running.error is not None:
                raise running.error  # (its message and Retry-After are what is answered)
            return run(), "miss"  # its client's own refusal, or a file: run this one alone
        try:
            outcome = run()
            if outcome.file is None:
                running.outcome = outcome
                self.put(key, outcome)
            return outcome, "miss"
        except LisgraphError as exc:
            if not isinstance(exc, ClientLimitError):
                running.error = exc
            raise
        finally:
            with self._lock:
                del self._running[key]
            running.done.set()

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
