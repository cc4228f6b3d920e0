"""Sending a build's triples to a store in batches that fit it.

Every store has a limit on one request, and says so differently: Virtuoso refuses an
``INSERT DATA`` of more than about 1,000 triples with its packaged settings (error SP031), a
proxy answers HTTP 413, a slow store does not answer in time. :class:`Loader` starts at the
batch size it is given; when the store refuses a batch as too large it halves the batch and
sends the halves, down to a floor, and keeps the size that worked for the rest of the run.
Failures that may pass (the store restarting, a dropped connection) are retried as they are.

Loading is idempotent: a batch is a set of triples without blank nodes, so sending it twice (a
retry after a timeout whose request the store still finished) adds nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..errors import QueryError, QueryLimitError, QueryTimeoutError, StoreError
from ..sparql_text import iri
from ..store.connector import Endpoint, too_large
from . import graph_store

__all__ = ["BatchSplit", "Loader", "Progress"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """How far a publish is, for a progress line: graphs, batches, triples and rate."""

    graph: str
    graph_number: int
    graphs: int
    batches: int
    triples_sent: int
    triples: int
    seconds: float
    batch_size: int
    method: str

    @property
    def rate(self) -> float:
        """Triples sent per second so far."""
        return self.triples_sent / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class BatchSplit:
    """A batch the store refused as too large, and the size tried next."""

    size: int
    next_size: int
    reason: str


class _BatchTooLargeError(Exception):
    """A batch the store refused for its size (internal: the loader splits it)."""

    def __init__(self, reason: str, cause: Exception) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cause = cause


@dataclass
class Loader:
    """Sends requests to the store: batches of N-Triples into a graph (by the Graph Store
    Protocol at ``graph_store_url``, or by SPARQL Update), and other updates, with retries.

    ``batch_size`` is where batches start and, after a refusal, the size that worked.
    """

    endpoint: Endpoint
    batch_size: int
    min_batch_size: int = 50
    retries: int = 3
    pause: float = 1.0
    graph_store_url: str | None = None
    #: When the Graph Store endpoint was found (not given), a refusal falls back to Update.
    fall_back: bool = False
    on_progress: Callable[[Progress], None] | None = None
    requests: int = 0
    splits: list[BatchSplit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def method(self) -> str:
        if self.graph_store_url:
            return f"Graph Store Protocol at {self.graph_store_url}"
        return f"SPARQL Update at {self.endpoint.update_url or self.endpoint.query_url}"

    def _retry(self, what: str, send: Callable[[], object], *, batch: bool = False) -> None:
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                send()
                return
            except graph_store.GraphStoreRefusedError:
                raise
            except (QueryError, StoreError, QueryLimitError) as exc:
                reason = too_large(exc) if batch else None
                # A timeout is the batch's size only if the store still answers a small query.
                if reason is not None and not (
                    isinstance(exc, QueryTimeoutError) and not self._store_answers()
                ):
                    raise _BatchTooLargeError(reason, exc) from exc
                if isinstance(exc, QueryError):  # a bad request: the same again fails again
                    raise
                if attempt == self.retries:
                    raise StoreError(f"{what} failed after {attempt + 1} attempts: {exc}") from exc
                log.warning("%s failed (%s); retrying", what, exc)
                time.sleep(self.pause * 2**attempt)

    def _store_answers(self) -> bool:
        """Whether the store answers a trivial query now (after a timeout: was it the batch's
        size, or is the store not answering at all?)."""
        try:
            self.endpoint.request(query="ASK {}")
        except (StoreError, QueryError, QueryLimitError):
            return False
        return True

    def update(self, text: str, what: str) -> None:
        """Send one SPARQL Update request (with retries)."""
        self._retry(what, lambda: self.endpoint.request(update=text))

    def count(self, graph: str) -> int:
        """Triples in ``graph``, as the store counts them."""
        _, body = self.endpoint.request(
            query=f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}",
            accept="text/csv",
        )
        lines = body.decode("utf-8").split()
        return int(lines[1]) if len(lines) > 1 else 0

    def _send_batch(self, graph: str, lines: Sequence[bytes], what: str) -> None:
        body = b"\n".join(lines) + b"\n"
        if self.graph_store_url:
            url = self.graph_store_url
            try:
                self._retry(
                    what, lambda: graph_store.post(self.endpoint, url, graph, body), batch=True
                )
                return
            except graph_store.GraphStoreRefusedError as exc:
                if not self.fall_back:
                    raise
                self.notes.append(f"{exc} Loading by SPARQL Update instead.")
                log.warning("%s Loading by SPARQL Update instead.", exc)
                self.graph_store_url = None
        text = f"INSERT DATA {{ GRAPH {iri(graph)} {{\n{body.decode('utf-8')}}} }}"
        self._retry(what, lambda: self.endpoint.request(update=text), batch=True)

    def load(
        self, graph: str, lines: Sequence[bytes], name: str, progress: Callable[[int], None]
    ) -> None:
        """Add ``lines`` (N-Triples) to ``graph`` in batches that fit the store; ``name`` is
        the graph they are staged for (for messages); ``progress(n)`` after each batch of n.

        Raises StoreError when the store fails, or still refuses a batch of the floor size.
        """
        start = 0
        number = 0
        while start < len(lines):
            batch = lines[start : start + self.batch_size]
            number += 1
            try:
                self._send_batch(graph, batch, f"Loading batch {number} of <{name}>")
            except _BatchTooLargeError as refused:
                if len(batch) <= self.min_batch_size:
                    raise StoreError(_floor_message(self, len(batch), name, refused.reason)) from (
                        refused.cause
                    )
                smaller = max(self.min_batch_size, len(batch) // 2)
                self.splits.append(BatchSplit(len(batch), smaller, refused.reason))
                log.info(
                    "The store refused %d triples in one request (%s); trying %d",
                    len(batch),
                    refused.reason,
                    smaller,
                )
                self.batch_size = smaller
                number -= 1
                continue
            start += len(batch)
            progress(len(batch))


def _floor_message(loader: Loader, size: int, name: str, reason: str) -> str:
    timed_out = "did not answer within" in reason
    advice = (
        "raise --timeout (seconds per request), or the store's own time limit"
        if timed_out
        else "raise the store's limit on one request, or lower --min-batch-size "
        f"(now {loader.min_batch_size})"
    )
    return (
        f"The store refused a batch of {size} triples of <{name}> by {loader.method}, even at "
        f"the smallest batch size (--min-batch-size {loader.min_batch_size}): {reason}. To "
        f"publish, {advice}. Nothing was switched: the old version is still published."
    )
