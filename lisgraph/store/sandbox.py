"""Run visitors' SPARQL queries under limits, in a child process that can be stopped.

Oxigraph has no query timeout and cannot cancel a running query, so a query runs in a child
process forked from the web worker (sharing the loaded store, copy-on-write). When a query
passes the time limit the child is killed, which frees its core at once, and the next query
gets a fresh child. The child also caps its memory, and refuses results with more rows or
bytes than allowed (the bytes are counted as they are written, so a huge answer is stopped
at the limit rather than built whole). Serialisation happens in the child, so only bytes
cross the process boundary. A child that holds more than ``recycle_mb`` after an answer is
replaced.

A child never outlives its worker: it asks the kernel for SIGKILL when its parent dies
(``PR_SET_PDEATHSIG``), closes every socket it inherited (the listening socket, clients'
sockets, its own pipe's other end) so it can hold no port and sees EOF when the worker goes,
and sets its own CPU-time limit before each query, so even an orphan stops at the time limit.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import resource
import signal
import stat
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


class _TooManyBytesError(Exception):
    pass


class _Capped:
    """A file-like sink for Oxigraph's serialisers that stops writing past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooManyBytesError
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


def _too_big(limit: int) -> ResultTooLargeError:
    return ResultTooLargeError(
        f"The answer is larger than {limit:,} bytes, the most this endpoint returns "
        "(lis:maxResultBytes). Ask for fewer rows or shorter values (LIMIT, OFFSET, "
        "fewer variables), or download a dump."
    )


def _capped(limit: int, write: Any) -> bytes:
    """What ``write(sink)`` writes, or ResultTooLargeError once it passes ``limit`` bytes."""
    sink = _Capped(limit)
    try:
        write(sink)
    except _TooManyBytesError:
        raise _too_big(limit) from None
    return sink.value()


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
    cap = limits.max_bytes
    if result.kind == "graph":
        if job.graph_format is None:
            return Outcome("graph", None)
        triples = list(islice(result.triples(), limits.max_rows + 1))
        if len(triples) > limits.max_rows:
            raise _too_many(limits.max_rows, "triples")
        if job.graph_format == "table":
            cells = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in triples]
            _check_table(cells, cap)
            return Outcome("graph", "table", table=(["subject", "predicate", "object"], cells))
        fmt = GRAPH_FORMATS[job.graph_format]
        prefixes = job.prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        body = _capped(
            cap, lambda sink: ox.serialize(triples, sink, format=fmt, prefixes=prefixes)
        )
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
        _check_table(cells, cap)
        return Outcome("solutions", "table", table=(names, cells))
    # Oxigraph writes the rows as TSV (one line each, newlines escaped), so they can be counted
    # before the answer is made in the format asked for; the child's memory cap bounds a huge
    # result. (Building TSV row by row in Python cost 3.5 ms for 314 rows; this costs 1 ms.)
    tsv = _capped(cap, lambda sink: raw.serialize(sink, format=ox.QueryResultsFormat.TSV))
    if tsv.count(b"\n") - 1 > limits.max_rows:
        raise _too_many(limits.max_rows, "rows")
    if job.results_format == "tsv":
        return Outcome("solutions", "tsv", tsv)
    reparsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    assert isinstance(reparsed, ox.QuerySolutions)
    fmt_out = RESULT_FORMATS[job.results_format]
    body = _capped(cap, lambda sink: reparsed.serialize(sink, format=fmt_out))
    return Outcome("solutions", job.results_format, body)


def _check_table(cells: list[list[str]], limit: int) -> None:
    if sum(len(cell) for row in cells for cell in row) > limit:
        raise _too_big(limit)


# Errors cross the process boundary by name and message only.
_ERRORS: dict[str, type[LisgraphError]] = {
    cls.__name__: cls for cls in (QueryError, QueryRefusedError, ResultTooLargeError, StoreError)
}


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Have the kernel SIGKILL this process when the thread that forked it exits (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pipe's EOF and the CPU limit remain
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def _close_inherited_sockets(keep: int) -> None:
    """Close every socket inherited from the worker but our end of the pipe (``keep``)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return
    for name in names:
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _cap_cpu(limits: Limits) -> None:
    """Let the next query use at most about twice the time limit of CPU: SIGXCPU's default
    action ends the process even inside the engine, and even if the worker is gone."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + 2 * limits.timeout) + 2
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _child(store: Store, conn: Connection, limits: Limits, parent: int) -> None:
    _die_with(parent)
    _close_inherited_sockets(conn.fileno())
    # The child is forked from a web worker and inherits its Python signal handlers (gunicorn's
    # only set a flag): restore the defaults. SIGTERM is ignored: a service manager sends it to
    # every process of the service, and a graceful stop lets the query finish; the worker stops
    # its children with SIGKILL, and the kernel does when the worker dies (PDEATHSIG).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for signum in (
        signal.SIGINT,
        signal.SIGHUP,
        signal.SIGQUIT,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGWINCH,
        signal.SIGCHLD,
        signal.SIGTTIN,
        signal.SIGTTOU,
        signal.SIGXCPU,
    ):
        signal.signal(signum, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.nice > 0:  # pages and /health go first when queries take every core
        os.nice(min(limits.nice, 19))
    if limits.memory_mb:
        cap = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the worker went away
            os._exit(0)
        _cap_cpu(limits)
        try:
            reply: tuple[str, Any] = ("ok", execute(store, job, limits))
        except LisgraphError as exc:
            name = type(exc).__name__
            reply = ("error", (name if name in _ERRORS else "StoreError", str(exc)))
        except MemoryError:
            reply = ("memory", None)
        except Exception:  # a bug: the worker logs it and answers 500, not "over a limit"
            reply = ("bug", traceback.format_exc())
        try:
            conn.send((*reply, _resident_mb()))
        except (OSError, ValueError):
            os._exit(0)


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
            target=_child,
            args=(self.store, child, self.limits, os.getpid()),
            daemon=True,
            name="lisgraph-query",
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

    def start(self) -> None:
        """Start the query process now rather than on the first query."""
        with self._lock:
            self._ensure_child()

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
                status, payload, resident_mb = conn.recv()
            except (EOFError, OSError):
                raise self._child_died() from None
            if self.limits.recycle_mb and resident_mb > self.limits.recycle_mb:
                # Memory an answer made the process grow to is not given back: start afresh.
                log.info("Replacing the query process (it holds %.0f MB)", resident_mb)
                self._stop_child()
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
        # Killed by a signal. SIGXCPU: its own CPU-time limit. SIGSEGV: the parser's stack
        # overflowing on a deep query. SIGABRT: the engine aborting when an allocation failed
        # under the memory cap. SIGKILL comes from outside (an operator, or the kernel when
        # the machine ran out of memory), so it is not blamed on the query.
        if code == -signal.SIGXCPU:
            return QueryTimeoutError(
                f"The query used more CPU time than this endpoint allows (about "
                f"{2 * self.limits.timeout:g} seconds) and was stopped. Narrow it down."
            )
        if code in (-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGABRT):
            return QueryLimitError(
                "The query engine stopped while answering this query: it needed more memory "
                f"than this endpoint allows ({self.limits.memory_mb} MB) or more stack than its "
                "parser has. Simplify the query."
            )
        if code == -signal.SIGKILL:
            log.warning("The query process was killed (SIGKILL) while answering a query")
            return QueryLimitError(
                "The query process was killed from outside while answering this query (by an "
                "operator, or by the system when memory ran short). Try again later."
            )
        log.error("The query process ended unexpectedly (exit code %s)", code)
        return StoreError("The query engine stopped unexpectedly while answering this query.")

    def close(self) -> None:
        """Stop the child process."""
        with self._lock:
            self._stop_child()
