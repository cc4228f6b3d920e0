"""Run visitors' SPARQL queries under limits, in a child process that can be stopped.

Oxigraph has no query timeout and cannot cancel a running query, so a query runs in a child
process forked from the web worker (sharing the loaded store, copy-on-write). When a query
passes the time limit the child is killed, which frees its core at once, and the next query
gets a fresh child. The child also caps its memory, and refuses results with more rows or
bytes than allowed. A child that holds more than ``recycle_mb`` after an answer is replaced.

**Answers are spooled, then streamed.** The child writes the answer with the one serialisation
(:func:`.results.write_result`, as the CLI and the pages do) into a :class:`~.results.Spool`,
counting rows and bytes as they are written: a small answer (up to ``memory_bytes``) stays in
memory and crosses the pipe as bytes (so the answer cache can keep it); a larger one goes to an
unlinked temporary file in ``spool_dir``, whose descriptor is passed to the worker over the pipe
(``SCM_RIGHTS``). The worker then streams the file to the client (``wsgi.file_wrapper``, so
gunicorn uses sendfile) while the child takes the next query, and closing the response closes
the file, which frees its disk space whether the client read it all or went away. So neither
the child nor the worker ever holds a large answer, a slow reader holds a thread and a file but
no query process, and an answer over the byte limit is refused before its first byte is sent
(its size is known before the headers). A file rather than a pipe from the child to the client:
a pipe would keep the query process busy for as long as the slowest reader reads, and the
answer's status could no longer say that it was cut. An unlinked file rather than a named one:
nothing is left on disk however either process ends. What still grows with an answer is the
engine's own memory for values a query computes (CONCAT...), held until the query ends; the
byte limit and the process's memory cap bound that.

A child never outlives its worker: it asks the kernel for SIGKILL when its parent dies
(``PR_SET_PDEATHSIG``), closes every socket it inherited (the listening socket, clients'
sockets, its own pipe's other end) so it can hold no port and sees EOF when the worker goes,
and sets its own CPU-time limit before each query, so even an orphan stops at the time limit.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import multiprocessing
import multiprocessing.util
import os
import resource
import signal
import stat
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from typing import IO, Any, overload

from ..config import Limits
from ..errors import (
    LisgraphError,
    QueryError,
    QueryLimitError,
    QueryRefusedError,
    QueryTimeoutError,
    ResultTooLargeError,
    ServerBusyError,
    StoreError,
)
from . import Store
from .results import AnswerLimits, Spool, write_result

__all__ = ["Job", "Outcome", "QuerySandbox", "answer_limits", "execute"]

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
    """The answer: its kind, the format used (None: nothing acceptable), and the body (in
    memory), the table (rows to show), or an open file holding ``size`` bytes (a spooled
    answer, unlinked already: the caller reads it and closes it, which frees its disk space)."""

    kind: str
    format: str | None
    body: bytes = b""
    table: tuple[list[str], list[list[str]]] | None = None
    file: IO[bytes] | None = None
    size: int = 0

    @classmethod
    def of(cls, kind: str, fmt: str, spool: Spool) -> Outcome:
        """The outcome holding what ``spool`` holds (its file, when it has one)."""
        if spool.in_memory:
            body = spool.getvalue()
            spool.close()
            return cls(kind, fmt, body, size=len(body))
        size = spool.size
        return cls(kind, fmt, file=spool.detach_file(), size=size)

    def close(self) -> None:
        """Close the file of a spooled answer (nothing to do for one in memory)."""
        if self.file is not None:
            self.file.close()


def answer_limits(limits: Limits) -> AnswerLimits:
    """How a visitor's answer is written under ``limits``."""
    return AnswerLimits(
        max_rows=limits.max_rows,
        max_bytes=limits.max_bytes,
        memory_bytes=limits.memory_bytes,
        spool_dir=limits.spool_dir,
    )


def execute(store: Store, job: Job, limits: Limits) -> Outcome:
    """Run ``job`` in this process and write its answer (with :func:`.results.write_result`,
    as the in-process path does). Raises QueryError subclasses, and OSError when the spool
    cannot be written."""
    result = store.query(
        job.query,
        base_iri=job.base_iri,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
    )
    fmt = job.graph_format if result.kind == "graph" else job.results_format
    if fmt is None:
        return Outcome(result.kind, None)
    if fmt == "table":
        return Outcome(result.kind, "table", table=result.table(answer_limits(limits)))
    spool = write_result(result, fmt, prefixes=job.prefixes, limits=answer_limits(limits))
    return Outcome.of(result.kind, fmt, spool)


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
    """Close every socket inherited from the worker but our end of the pipe (``keep``), and every
    unlinked file (the spooled answers the worker is sending: kept open here, their disk space
    would not be freed when the worker closes them)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return
    for name in names:
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        try:
            status = os.fstat(fd)
            if stat.S_ISSOCK(status.st_mode) or (
                stat.S_ISREG(status.st_mode) and status.st_nlink == 0
            ):
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
        spooled: IO[bytes] | None = None
        try:
            outcome = execute(store, job, limits)
            reply: tuple[str, Any] = ("ok", outcome)
            if outcome.file is not None:  # the file itself follows the reply, by descriptor
                spooled = outcome.file
                reply = ("spooled", replace(outcome, file=None))
        except LisgraphError as exc:
            name = type(exc).__name__
            reply = ("error", (name if name in _ERRORS else "StoreError", str(exc)))
        except MemoryError:
            reply = ("memory", None)
        except Exception:  # a bug: the worker logs it and answers 500, not "over a limit"
            reply = ("bug", traceback.format_exc())
        try:
            conn.send((*reply, _resident_mb()))
            if spooled is not None:
                send_handle(conn, spooled.fileno(), parent)
        except (OSError, ValueError):
            os._exit(0)
        finally:
            if spooled is not None:
                spooled.close()  # the worker's descriptor now keeps the file


#: How often a query under a checkpoint is asked whether it may go on (seconds).
STEP = 0.05


def _stopping() -> ServerBusyError:
    return ServerBusyError(
        "This server is stopping, and the query was cancelled; send it again shortly.",
        retry_after=5,
    )


def _stop_query_processes() -> None:
    """At exit, kill this process's own query processes. multiprocessing's exit handler would
    send them SIGTERM, which they ignore, and then wait for them forever: a script or test that
    ran a query through an app it did not close never exited. Registered after
    multiprocessing's (imported above), so it runs first."""
    for sandbox in list(_SANDBOXES):
        if sandbox.owned_here():
            sandbox.close()


_SANDBOXES: weakref.WeakSet[QuerySandbox] = weakref.WeakSet()
atexit.register(_stop_query_processes)


class QuerySandbox:
    """Runs jobs one at a time in a child process of this process, under ``limits``."""

    def __init__(self, store: Store, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._owner = os.getpid()
        self._cancelled = False
        _SANDBOXES.add(self)

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

    def cancel(self) -> None:
        """Stop the running query, if any, at once (the server is stopping): its caller gets
        ServerBusyError (503), and so does every later call."""
        self._cancelled = True
        process = self._process
        if process is not None and process.is_alive():
            process.kill()

    def start(self) -> None:
        """Start the query process now rather than on the first query."""
        with self._lock:
            self._ensure_child()

    def owned_here(self) -> bool:
        """Whether this process made the sandbox (a forked worker needs its own)."""
        return os.getpid() == self._owner

    @overload
    def run(self, job: Job) -> Outcome: ...

    @overload
    def run(
        self, job: Job, checkpoint: float, may_continue: Callable[[float], bool]
    ) -> Outcome | None: ...

    def run(
        self,
        job: Job,
        checkpoint: float | None = None,
        may_continue: Callable[[float], bool] | None = None,
    ) -> Outcome | None:
        """Run ``job``; raise QueryTimeoutError when it passes the time limit (and stop it),
        QueryError for a bad or refused query or a too-large result, StoreError otherwise.

        With a ``checkpoint`` (seconds): while the query runs, ``may_continue(seconds so far)``
        is asked every :data:`STEP` seconds from :data:`STEP` on, and once more at the
        checkpoint; when it says no, the query is stopped and None returned."""
        if not self.owned_here():
            raise StoreError("A query sandbox cannot be shared across processes.")
        with self._lock:
            if self._cancelled:
                raise _stopping()
            conn = self._ensure_child()
            began = time.monotonic()
            conn.send(job)
            left = self.limits.timeout
            if checkpoint is not None and may_continue is not None and checkpoint < left:
                while not conn.poll(min(STEP, checkpoint - (time.monotonic() - began))):
                    elapsed = time.monotonic() - began
                    if not may_continue(elapsed):
                        self._stop_child()
                        return None
                    if elapsed >= checkpoint:
                        break
                left -= time.monotonic() - began
            if not conn.poll(max(0.0, left)):
                self._stop_child()
                raise QueryTimeoutError(
                    f"The query ran longer than this endpoint's limit of {self.limits.timeout:g} "
                    "seconds and was stopped. Narrow it down (add patterns, FILTERs or LIMIT) "
                    "or download a dump to run it locally."
                )
            try:
                status, payload, resident_mb = conn.recv()
                if status == "spooled":
                    # A descriptor of the child's unlinked spool file: the answer is read from
                    # it while this query process takes the next query.
                    spooled = os.fdopen(recv_handle(conn), "rb")
                    status, payload = "ok", replace(payload, file=spooled)
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
        if self._cancelled:
            return _stopping()
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
