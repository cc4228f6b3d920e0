"""Sending a build's triples to a store in batches that fit it.

Every store has a limit on one request, and says so differently: Virtuoso refuses an
``INSERT DATA`` of more than about 1,000 triples with its packaged settings (error SP031), a
proxy answers HTTP 413, a slow store does not answer in time. :class:`Loader` starts at the
batch size it is given; when the store refuses a batch as too large it halves the batch and
sends the halves, down to a floor, and keeps the size that worked for the rest of the run.
Failures that may pass (the store restarting, a dropped connection) are retried as they are.

Loading is idempotent: a batch is a set of triples without blank nodes, so sending it twice (a
retry after a timeout whose request the store still finished) adds nothing. Nor does the order
matter, so batches may go ``parallel`` at a time: a store costs about the same per request
whatever its size (a Graph Store ``POST`` of 350 triples into Debian's Virtuoso took 62 ms one
at a time and 31 ms four at a time, measured), and the 1M synthetic build has 2,827 graphs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..errors import QueryError, QueryLimitError, QueryTimeoutError, StoreError
from ..sparql_text import iri
from ..store.connector import Endpoint, too_large
from . import gsp_client

__all__ = ["BatchSplit", "Loader", "Progress"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """How far a publish is, for a progress line: graphs, batches, triples and rate."""

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
    #: The Graph Store endpoint takes N-Quads for the whole dataset (Oxigraph server's): a batch
    #: spans graphs, as by SPARQL Update, and the store bulk-loads it.
    quads: bool = False
    #: Batches sent at once (each on its own connection).
    parallel: int = 1
    #: Seconds to wait for the switch, which copies every triple once (minutes at 1M).
    switch_timeout: float = 3600.0
    requests: int = 0
    splits: list[BatchSplit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def method(self) -> str:
        if self.graph_store_url and self.quads:
            return f"Graph Store Protocol at {self.graph_store_url} (N-Quads, bulk)"
        if self.graph_store_url:
            return f"Graph Store Protocol at {self.graph_store_url}"
        return f"SPARQL Update at {self.endpoint.update_url or self.endpoint.query_url}"

    def _retry(self, what: str, send: Callable[[], object], *, batch: bool = False) -> None:
        for attempt in range(self.retries + 1):
            with self._lock:
                self.requests += 1
            try:
                send()
                return
            except gsp_client.GraphStoreRefusedError:
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

    def counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Triples in each of ``graphs``, as the store counts them (a few graphs a request)."""
        found = dict.fromkeys(graphs, 0)
        for chunk in _chunks(list(graphs), GRAPHS_PER_REQUEST):
            values = " ".join(iri(g) for g in chunk)
            _, body = self.endpoint.request(
                query=f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
            solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            for row in solutions:  # type: ignore[union-attr]
                found[row["g"].value] = int(row["n"].value)
        return found

    def clear(self, graphs: Sequence[str], what: str) -> None:
        """Drop ``graphs`` if they exist (a few graphs a request)."""
        for chunk in _chunks(list(graphs), GRAPHS_PER_REQUEST):
            self.update(" ;\n".join(f"DROP SILENT GRAPH {iri(g)}" for g in chunk), what)

    def _switch_once(self, moves: Sequence[tuple[str, str]], drops: Sequence[str]) -> None:
        """One request that MOVEs each staging graph onto its name and DROPs ``drops``.

        Retried only when the store shows it did not happen (the staging graphs still hold
        their triples): a MOVE from an emptied staging graph would empty the published one.
        Raises _BatchTooLargeError when the store refuses the request for its size.
        """
        text = " ;\n".join(
            [f"MOVE SILENT {iri(stage)} TO {iri(name)}" for stage, name in moves]
            + [f"DROP SILENT GRAPH {iri(old)}" for old in drops]
        )
        staged = [stage for stage, _ in moves]
        patient = replace(self.endpoint, timeout=max(self.endpoint.timeout, self.switch_timeout))
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                patient.request(update=text)
                return
            except (QueryError, StoreError, QueryLimitError) as exc:
                if isinstance(exc, QueryTimeoutError):
                    raise StoreError(
                        f"The switch to the new version did not answer within "
                        f"{patient.timeout:g} seconds; the store may still make it. Run "
                        "'lisgraph publish' again (with a larger --switch-timeout) to be sure."
                    ) from exc
                reason = too_large(exc)
                if reason is not None:
                    raise _BatchTooLargeError(reason, exc) from exc
                if isinstance(exc, QueryError) or attempt == self.retries:
                    raise StoreError(f"Switching to the new version failed: {exc}") from exc
                try:
                    held = self.counts(staged)
                except (QueryError, StoreError, QueryLimitError):
                    held = {}
                if held and not any(held.values()):
                    return  # the store made the switch, then the answer was lost
                log.warning("Switching to the new version failed (%s); retrying", exc)
                time.sleep(self.pause * 2**attempt)

    def switch(self, moves: Sequence[tuple[str, str]], drops: Sequence[str]) -> None:
        """Move every staging graph onto its name (``moves``: staging, name), and drop the
        graphs of the old version the new one has not (``drops``): in one request, so readers
        see the old version or the new one.

        When the store refuses that request as too large (Virtuoso: error SQ200 past about a
        thousand graphs), the named graphs move in smaller requests first, and the last
        request moves the rest with ``moves[:1]`` (the union graph) and ``moves[-1:]`` (the
        publication record); the old graphs are dropped after it (front-ends see only the
        graphs the record names). A note in ``notes`` says so.
        """
        try:
            self._switch_once(moves, drops)
            return
        except _BatchTooLargeError as refused:
            reason = refused.reason
        began = time.monotonic()
        last = [moves[0], moves[-1]]
        named = list(moves[1:-1])
        size = max(1, len(named) // 2)
        done = 0
        requests = 0
        while done < len(named):
            chunk = named[done : done + size]
            try:
                self._switch_once(chunk, [])
            except _BatchTooLargeError as again:
                if size == 1:
                    raise StoreError(_switch_message(chunk[0][1], again.reason)) from again.cause
                size = max(1, size // 2)
                continue
            done += len(chunk)
            requests += 1
        try:
            self._switch_once(last, [])
        except _BatchTooLargeError as again:
            raise StoreError(_switch_message(last[0][1], again.reason)) from again.cause
        requests += 1
        mixed = time.monotonic() - began
        for old in _chunks(list(drops), GRAPHS_PER_REQUEST):
            self._switch_once([], old)
        # Not "seconds": at 1M triples (2,827 graphs) Virtuoso took 30 requests and 501 s.
        self.notes.append(
            f"The store refused to switch {len(moves)} graphs in one request ({reason}); "
            f"they were switched in {requests} requests of up to {size} graphs, the union graph "
            "and the publication record in the last, so GRAPH queries may have seen both "
            f"versions for the {mixed:.1f} s that took."
        )

    def _send_batch(self, parts: Sequence[_Part], what: str) -> None:
        url = self.graph_store_url
        if url:
            send: Callable[[], None]
            if self.quads:
                body = b"".join(gsp_client.as_quads(part.lines, part.graph) for part in parts)
                send = lambda: gsp_client.post_quads(self.endpoint, url, body)  # noqa: E731
            else:
                (part,) = parts
                lines = b"\n".join(part.lines) + b"\n"
                send = lambda: gsp_client.post(self.endpoint, url, part.graph, lines)  # noqa: E731
            try:
                self._retry(what, send, batch=True)
                return
            except gsp_client.GraphStoreRefusedError as exc:
                if not self.fall_back:
                    raise
                with self._lock:
                    if self.graph_store_url:  # the first batch refused says so (others may follow)
                        self.notes.append(f"{exc} Loaded by SPARQL Update instead.")
                        log.warning("%s Loading by SPARQL Update instead.", exc)
                    self.graph_store_url = None
        blocks = "".join(f"GRAPH {iri(part.graph)} {{\n{_text(part.lines)}}}\n" for part in parts)
        text = f"INSERT DATA {{\n{blocks}}}"
        self._retry(what, lambda: self.endpoint.request(update=text), batch=True)

    def _next_batch(
        self,
        graphs: Sequence[tuple[str, str, Sequence[bytes]]],
        index: int,
        offset: int,
        size: int | None = None,
    ) -> tuple[list[_Part], int, int]:
        """The next batch (of ``size`` triples, or ``batch_size``) from (graph ``index``, line
        ``offset``) on, and where it ends. By SPARQL Update, or by N-Quads, a batch may span
        graphs; by the Graph Store Protocol it holds one."""
        limit = size or self.batch_size
        parts: list[_Part] = []
        size = 0
        while index < len(graphs) and size < limit:
            graph, name, lines = graphs[index]
            take = lines[offset : offset + limit - size]
            if take:
                parts.append(_Part(graph, name, take))
                size += len(take)
            offset += len(take)
            if offset >= len(lines):
                index, offset = index + 1, 0
            if parts and self.graph_store_url and not self.quads:
                break
        return parts, index, offset

    def load(
        self,
        graphs: Sequence[tuple[str, str, Sequence[bytes]]],
        progress: Callable[[int, int], None],
    ) -> None:
        """Add each ``(graph, name, lines)``'s N-Triples ``lines`` to ``graph`` (``name`` is
        the graph they are staged for, for messages), in batches that fit the store, up to
        ``parallel`` at once; ``progress(triples, graph number)`` after each batch.

        A batch the store refuses as too large is halved (its halves sent again, and the
        batches after it made at the smaller size), down to ``min_batch_size``.

        Raises StoreError when the store fails, or still refuses a batch of the floor size
        (after the batches already sent have had their answers).
        """
        again: deque[_Batch] = deque()  # halves of refused batches, sent before new ones
        made = self._batches(graphs)
        number = 0
        with ThreadPoolExecutor(max(1, self.parallel), thread_name_prefix="publish") as pool:
            running: dict[Future[None], _Batch] = {}
            while True:
                while len(running) < max(1, self.parallel):
                    batch = again.popleft() if again else next(made, None)
                    if batch is None:
                        break
                    number += 1
                    what = f"Loading batch {number} (<{batch.label}>)"
                    running[pool.submit(self._send_batch, batch.parts, what)] = batch
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    batch = running.pop(future)
                    try:
                        future.result()
                    except _BatchTooLargeError as refused:
                        again.extend(self._halves(batch, refused))
                        continue
                    except BaseException:
                        for other in running:
                            other.cancel()
                        raise
                    progress(batch.size, batch.graph_number)

    def _batches(self, graphs: Sequence[tuple[str, str, Sequence[bytes]]]) -> Iterator[_Batch]:
        """The batches of ``graphs`` in turn, each made at the batch size of that moment."""
        index, offset = 0, 0
        while True:
            parts, index, offset = self._next_batch(graphs, index, offset)
            if not parts:
                return
            yield _Batch(parts, min(index + 1, len(graphs)))

    def _halves(self, batch: _Batch, refused: _BatchTooLargeError) -> list[_Batch]:
        """The batch the store refused as too large, in batches of half its size; the smaller
        size kept for the batches still to be made. Raises StoreError at the floor."""
        size = batch.size
        if size <= self.min_batch_size:
            raise StoreError(_floor_message(self, size, batch.label, refused.reason)) from (
                refused.cause
            )
        smaller = max(self.min_batch_size, size // 2)
        self.splits.append(BatchSplit(size, smaller, refused.reason))
        log.info(
            "The store refused %d triples in one request (%s); trying %d",
            size,
            refused.reason,
            smaller,
        )
        self.batch_size = min(self.batch_size, smaller)
        pieces = [(part.graph, part.name, part.lines) for part in batch.parts]
        index, offset, halves = 0, 0, list[_Batch]()
        while True:
            parts, index, offset = self._next_batch(pieces, index, offset, size=smaller)
            if not parts:
                return halves
            halves.append(_Batch(parts, batch.graph_number))


#: Graphs named in one request when clearing or counting many (stores compile long requests).
GRAPHS_PER_REQUEST = 100


@dataclass(frozen=True)
class _Part:
    """The lines of one graph in a batch."""

    graph: str
    name: str
    lines: Sequence[bytes]


def _text(lines: Sequence[bytes]) -> str:
    return (b"\n".join(lines) + b"\n").decode("utf-8")


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _switch_message(graph: str, reason: str) -> str:
    return (
        f"The store refused to switch <{graph}> to the new version even alone ({reason}): raise "
        "the store's limit on the time or size of one request (Virtuoso: [Parameters] "
        "TransactionAfterImageLimit for error SR325, 50 MB as packaged; [SPARQL] "
        "MaxQueryExecutionTime for SR171) and publish again. The "
        "named graphs switched before it already hold the new version; the union graph and "
        "the publication record still hold the old one."
    )


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


@dataclass(frozen=True)
class _Batch:
    """One request's triples, and the number of the graph it ends in (for progress)."""

    parts: list[_Part]
    graph_number: int

    @property
    def size(self) -> int:
        return sum(len(part.lines) for part in self.parts)

    @property
    def label(self) -> str:
        more = len(self.parts) - 1
        return self.parts[0].name + (f" and {more} more" if more else "")
