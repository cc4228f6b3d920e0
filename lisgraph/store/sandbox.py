"""Run visitors' SPARQL queries under limits, in a child process that can be stopped.

Oxigraph has no query timeout and cannot cancel a running query, so a query runs in a child
process forked from the web worker (sharing the loaded store, copy-on-write). When a query
passes the time limit the child is killed, which frees its core at once, and the next query
gets a fresh child. The child also caps its memory, and refuses results with more rows than
allowed. Serialisation happens in the child, so only bytes cross the process boundary.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import threading
import traceback
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from ..config import Limits
from ..errors import (
    LisgraphError,
    QueryError,
    QueryLimitError,
    QueryRefusedError,
    QueryTimeoutError,
    ResultTooLargeError,
    StoreError,
)
from . import GRAPH_FORMATS, RESULT_FORMATS, Store

__all__ = ["Job", "Outcome", "QuerySandbox", "execute"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A query and the formats the client accepts for each kind of result.

    ``results_format`` (SELECT/ASK) and ``graph_format`` (CONSTRUCT/DESCRIBE) are keys of
    RESULT_FORMATS / GRAPH_FORMATS, ``"table"`` for rows to show in HTML, or None when the client
    accepts no format for that kind.
    """

    query: str
    base_iri: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    results_format: str | None = "json"
    graph_format: str | None = "turtle"
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """The answer: its kind, the format used (None: nothing acceptable), and the body or table."""

    kind: str
    format: str | None
    body: bytes = b""
    table: tuple[list[str], list[list[str]]] | None = None


def _too_many(limit: int, what: str) -> ResultTooLargeError:
    return ResultTooLargeError(
        f"The result has more than {limit:,} {what}, the most this endpoint returns. "
        "Add LIMIT and OFFSET to fetch it in pages, or download a dump."
    )


def _cell(term: object) -> str:
    return "" if term is None else getattr(term, "value", str(term))


def execute(store: Store, job: Job, limits: Limits) -> Outcome:
    """Run ``job`` in this process and serialise its answer. Raises QueryError subclasses."""
    result = store.query(
        job.query,
        base_iri=job.base_iri,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
    )
    raw = result.raw
    if isinstance(raw, ox.QueryBoolean):
        if job.results_format is None:
            return Outcome("boolean", None)
        if job.results_format == "table":
            return Outcome("boolean", "table", table=(["boolean"], [[str(bool(raw)).lower()]]))
        body = raw.serialize(format=RESULT_FORMATS[job.results_format]) or b""
        return Outcome("boolean", job.results_format, body)
    if result.kind == "graph":
        if job.graph_format is None:
            return Outcome("graph", None)
        triples = list(islice(result.triples(), limits.max_rows + 1))
        if len(triples) > limits.max_rows:
            raise _too_many(limits.max_rows, "triples")
        if job.graph_format == "table":
            cells = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in triples]
            return Outcome("graph", "table", table=(["subject", "predicate", "object"], cells))
        fmt = GRAPH_FORMATS[job.graph_format]
        prefixes = job.prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        body = ox.serialize(triples, format=fmt, prefixes=prefixes) or b""
        return Outcome("graph", job.graph_format, body)
    assert isinstance(raw, ox.QuerySolutions)
    if job.results_format is None:
        return Outcome("solutions", None)
    names = [v.value for v in raw.variables]
    if job.results_format == "table":
        rows = list(islice(raw, limits.max_rows + 1))
        if len(rows) > limits.max_rows:
            raise _too_many(limits.max_rows, "rows")
        cells = [[_cell(row[n]) for n in names] for row in rows]
        return Outcome("solutions", "table", table=(names, cells))
    # Oxigraph writes the rows as TSV (one line each, newlines escaped), so they can be counted
    # before the answer is made in the format asked for; the child's memory cap bounds a huge
    # result. (Building TSV row by row in Python cost 3.5 ms for 314 rows; this costs 1 ms.)
    tsv = raw.serialize(format=ox.QueryResultsFormat.TSV) or b""
    if tsv.count(b"\n") - 1 > limits.max_rows:
        raise _too_many(limits.max_rows, "rows")
    if job.results_format == "tsv":
        return Outcome("solutions", "tsv", tsv)
    reparsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    assert isinstance(reparsed, ox.QuerySolutions)
    body = reparsed.serialize(format=RESULT_FORMATS[job.results_format]) or b""
    return Outcome("solutions", job.results_format, body)


# Errors cross the process boundary by name and message only.
_ERRORS: dict[str, type[LisgraphError]] = {
    cls.__name__: cls for cls in (QueryError, QueryRefusedError, ResultTooLargeError, StoreError)
}


def _child(store: Store, conn: Connection, limits: Limits) -> None:
    # The child is forked from a web worker and inherits its Python signal handlers (gunicorn's
    # only set a flag, so SIGTERM would be ignored and the worker's exit would hang joining us).
    for signum in (
        signal.SIGTERM,
        signal.SIGINT,
        signal.SIGHUP,
        signal.SIGQUIT,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGWINCH,
        signal.SIGCHLD,
        signal.SIGTTIN,
        signal.SIGTTOU,
    ):
        signal.signal(signum, signal.SIG_DFL)
    if limits.memory_mb:
        cap = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the worker went away
            os._exit(0)
        try:
            reply: tuple[str, Any] = ("ok", execute(store, job, limits))
        except LisgraphError as exc:
            name = type(exc).__name__
            reply = ("error", (name if name in _ERRORS else "StoreError", str(exc)))
        except MemoryError:
            reply = ("memory", None)
        except Exception:  # a bug: the worker logs it and answers 500, not "over a limit"
            reply = ("bug", traceback.format_exc())
        conn.send(reply)


class QuerySandbox:
    """Runs jobs one at a time in a child process of this process, under ``limits``."""

    def __init__(self, store: Store, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._owner = os.getpid()

    def _ensure_child(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._stop_child()
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_child, args=(self.store, child, self.limits), daemon=True, name="lisgraph-query"
        )
        self._process.start()
        child.close()
        self._conn = parent
        return parent

    def _stop_child(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None

    def owned_here(self) -> bool:
        """Whether this process made the sandbox (a forked worker needs its own)."""
        return os.getpid() == self._owner

    def run(self, job: Job) -> Outcome:
        """Run ``job``; raise QueryTimeoutError when it passes the time limit (and stop it),
        QueryError for a bad or refused query or a too-large result, StoreError otherwise."""
        if not self.owned_here():
            raise StoreError("A query sandbox cannot be shared across processes.")
        if len(job.query) > self.limits.max_query_length:
            raise QueryError(
                f"The query is {len(job.query):,} characters long; this endpoint accepts at most "
                f"{self.limits.max_query_length:,}."
            )
        with self._lock:
            conn = self._ensure_child()
            conn.send(job)
            if not conn.poll(self.limits.timeout):
                self._stop_child()
                raise QueryTimeoutError(
                    f"The query ran longer than this endpoint's limit of {self.limits.timeout:g} "
                    "seconds and was stopped. Narrow it down (add patterns, FILTERs or LIMIT) "
                    "or download a dump to run it locally."
                )
            try:
                status, payload = conn.recv()
            except (EOFError, OSError):
                raise self._child_died() from None
        if status == "ok":
            outcome: Outcome = payload
            return outcome
        if status == "memory":
            raise QueryLimitError(
                "The query needed more memory than this endpoint allows "
                f"({self.limits.memory_mb} MB)."
            )
        if status == "bug":
            log.error("The query process failed:\n%s", payload)
            raise StoreError("The query engine failed while answering this query.")
        name, message = payload
        raise _ERRORS[name](message)

    def _child_died(self) -> LisgraphError:
        """The error for a query process that died mid-query, by how it died."""
        process = self._process
        if process is not None:
            process.join(timeout=1)
        code = process.exitcode if process is not None else None
        self._stop_child()
        # Killed by a signal: SIGSEGV is the parser's stack overflowing on a deep query, SIGKILL
        # the kernel's out-of-memory killer; both are the query's size, not a bug.
        if code in (-signal.SIGSEGV, -signal.SIGKILL, -signal.SIGBUS):
            return QueryLimitError(
                "The query engine stopped while answering this query: it needed more memory "
                f"than this endpoint allows ({self.limits.memory_mb} MB) or more stack than its "
                "parser has. Simplify the query."
            )
        log.error("The query process ended unexpectedly (exit code %s)", code)
        return StoreError("The query engine stopped unexpectedly while answering this query.")

    def close(self) -> None:
        """Stop the child process."""
        with self._lock:
            self._stop_child()
