"""Which visitors' queries may run now, decided for the whole server, not per worker process.

gunicorn serves with several worker processes, and a client's connections land on any of them,
so limits kept in one worker's memory would hold per worker: with W workers, W times the
queries at once and W times one client's share. :class:`Admission` keeps the state the limits
need in one small table that every worker of a server shares, so the limits hold server-wide:

- at most ``processes`` queries run at once in the whole server;
- at most ``queue_length`` wait while every one of those is taken (past it: 503), each for at
  most ``queue_wait`` seconds (the pool's part);
- one client (by address) has at most ``client_running`` running and, all told, at most
  ``client_running + client_queued`` running or waiting (past it: 429), and, when
  ``client_seconds`` is set, uses at most that many query-seconds per ``window`` (past it:
  429). The budget is a leaky bucket: seconds spent drain away at ``client_seconds /
  window`` per second, so a client over it waits only as long as its overdraft takes to drain;
- waiting queries are served first come, first served across the server, skipping a client
  that already has its share running;
- **cost lanes**: a ticket is *cheap* or *heavy*. Heavy queries run on at most
  ``heavy_share`` processes and wait in at most half the queue, so a cheap query (a point
  lookup, an ASK, a page's own query) always finds a process and a place. A query enters the
  heavy lane when its text proved costly before (the pool remembers), or when its client is
  heavy: it has a heavy query running or waiting, or its queries took more than
  ``heavy_seconds`` of late (seconds spent running, or waiting in the heavy lane, halved every
  :data:`HALF_LIFE` seconds). A cheap query that runs past ``heavy_seconds`` is promoted
  (:meth:`Admission.promote`) when the heavy lane has room; when not, the pool stops it and
  queues it again as heavy; and one that has run a tenth of a second gives its process to a
  cheap query of another client waiting for one (:meth:`Admission.should_yield`). A client's cheap
  queries are never refused because another of its queries is heavy; they wait in the heavy
  lane, behind nobody else's cheap ones;
- a client with no heavy query may have a burst of up to ``client_burst`` queries waiting
  while the queue is under half full (Comunica's federated queries fire 13-24 at once), and
  ``client_queued`` otherwise.

How it is shared. The app is made, and the table with it, in gunicorn's master before it forks
the workers (``preload_app``), so every worker inherits the same memory: a ``memfd`` (an
anonymous file) mapped ``MAP_SHARED``, of fixed size, guarded by a POSIX record lock
(``fcntl``) on the same file, with a thread lock for the threads of one process (record locks
are per process). Why this and not ``multiprocessing`` semaphores or a manager process: a
semaphore taken by a worker that is then SIGKILLed (the OOM killer, an operator) stays taken
forever, and a manager is one more process that can die. The kernel drops a dead process's
record lock, and every entry in the table names the process that holds it (its pid and start
time, so a reused pid is not mistaken for it): entries of a process that is gone are reclaimed
the next time anyone looks. The table holds at most ``processes + queue_length`` queries and a
fixed number of client budgets (least indebted out), so it cannot grow; waiting is a short
poll of the table (:data:`POLL_SECONDS`), woken at once by releases in the same process.
Made in one process only (Flask's test client, the development server), it is simply that
process's state.

The query processes themselves stay per worker (:mod:`.query_pool`): each is forked from its
worker and shares the store that worker loaded (copy-on-write), which after a new build is that
worker's build. Idle query processes cost little; what is bounded server-wide is how many run.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import NamedTuple

from ..config import Scheduling
from ..errors import ClientLimitError, ServerBusyError

__all__ = ["HALF_LIFE", "POLL_SECONDS", "Admission", "Ticket", "Usage"]

#: How often a waiting query looks at the table again (releases in its own process wake it at
#: once; a release in another worker is seen within this).
POLL_SECONDS = 0.02

_FREE, _WAITING, _RUNNING = 0, 1, 2
_CHEAP, _HEAVY = 0, 1
# state, lane, pid, process start time, client hash, ticket number
_TICKET = struct.Struct("<BBxxiQQQ")
# client hash, seconds owed (the budget), when last updated (monotonic clock), recent seconds
_BUDGET = struct.Struct("<Qddd")
#: Seconds after which a client's recent query time counts half (its lane, not its budget).
HALF_LIFE = 15.0
_HEADER = struct.Struct("<Q")  # the last ticket number given
_BUDGET_SLOTS = 4096
_BUDGET_PROBES = 8


def _client_key(client: str) -> int:
    """A client's address as 8 bytes (never 0, which marks a free budget slot)."""
    digest = hashlib.blake2b(client.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


def _start_time(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot), or None if it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    if fields[0] in (b"Z", b"X"):  # field 3: state
        return None
    return int(fields[19])  # field 22: starttime


def _alive(pid: int, started: int) -> bool:
    if os.path.isdir("/proc/self"):
        return _start_time(pid) == started
    try:  # no /proc: the pid alone
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _unmap(mapping: mmap.mmap, fd: int) -> None:
    mapping.close()
    os.close(fd)


@dataclass(frozen=True)
class Ticket:
    """One query's place in the table (waiting, then running), and whether it is heavy."""

    index: int
    number: int
    client: int
    heavy: bool = False


class Usage(NamedTuple):
    """Queries running and waiting (in the whole server, or of one client)."""

    running: int
    waiting: int


@dataclass
class _Entry:
    index: int
    state: int
    lane: int
    pid: int
    started: int
    client: int
    number: int


class Admission:
    """The server-wide table of queries running and waiting, and of clients' budgets; see the
    module. Make it before forking the processes that share it."""

    def __init__(
        self, scheduling: Scheduling, timeout: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.scheduling = scheduling
        self.timeout = timeout
        self.clock = clock
        self.capacity = scheduling.processes + max(0, scheduling.queue_length)
        self._tickets_at = _HEADER.size
        self._budgets_at = self._tickets_at + self.capacity * _TICKET.size
        self.size = self._budgets_at + _BUDGET_SLOTS * _BUDGET.size
        try:
            self._fd = os.memfd_create("lisgraph-admission", os.MFD_CLOEXEC)
        except (AttributeError, OSError):  # not Linux: an unlinked temporary file
            self._fd = os.dup(tempfile.TemporaryFile().fileno())
        os.ftruncate(self._fd, self.size)
        self._map = mmap.mmap(self._fd, self.size, mmap.MAP_SHARED)
        # The mapping and the descriptor go with the table (apps made and dropped, in tests).
        self._release = weakref.finalize(self, _unmap, self._map, self._fd)
        self._thread_lock = threading.Lock()
        self._me: tuple[int, int] | None = None
        # A lock held by another thread at fork time would stay held in the child forever.
        ref = weakref.ref(self)

        def after_fork() -> None:
            admission = ref()
            if admission is not None:
                admission._after_fork()

        os.register_at_fork(after_in_child=after_fork)

    def _after_fork(self) -> None:
        self._thread_lock = threading.Lock()
        self._me = None

    def close(self) -> None:
        """Unmap the table (only when no one of this process uses it any more)."""
        self._release()

    # The table

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock:
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def _identity(self) -> tuple[int, int]:
        pid = os.getpid()
        if self._me is None or self._me[0] != pid:
            self._me = (pid, _start_time(pid) or 0)
        return self._me

    def _entries(self) -> list[_Entry]:
        """Every ticket slot; those of processes that are gone are freed first."""
        me = self._identity()
        alive: dict[tuple[int, int], bool] = {me: True}
        entries = []
        for index in range(self.capacity):
            at = self._tickets_at + index * _TICKET.size
            state, lane, pid, started, client, number = _TICKET.unpack_from(self._map, at)
            if state != _FREE:
                owner = (pid, started)
                if owner not in alive:
                    alive[owner] = _alive(pid, started)
                if not alive[owner]:
                    _TICKET.pack_into(self._map, at, _FREE, 0, 0, 0, 0, 0)
                    state = _FREE
            entries.append(_Entry(index, state, lane, pid, started, client, number))
        return entries

    def _write(self, index: int, state: int, ticket: Ticket) -> None:
        pid, started = self._identity()
        at = self._tickets_at + index * _TICKET.size
        lane = _HEAVY if ticket.heavy else _CHEAP
        _TICKET.pack_into(self._map, at, state, lane, pid, started, ticket.client, ticket.number)

    # Budgets

    def _budget_slot(self, client: int, now: float, claim: bool) -> tuple[int, float, float] | None:
        """The slot of ``client``'s budget, what it owes now and its recent query-seconds; with
        ``claim``, a slot for it (an empty or paid-off one, else the least indebted of its
        probes)."""
        rate = self.scheduling.client_seconds / max(self.scheduling.window, 1e-9)
        start = client % _BUDGET_SLOTS
        best: tuple[float, int] | None = None
        for probe in range(_BUDGET_PROBES):
            slot = (start + probe) % _BUDGET_SLOTS
            at = self._budgets_at + slot * _BUDGET.size
            key, owed, stamp, recent = _BUDGET.unpack_from(self._map, at)
            left = max(0.0, owed - rate * (now - stamp)) if key else 0.0
            lately = recent * 0.5 ** (max(0.0, now - stamp) / HALF_LIFE) if key else 0.0
            if key == client:
                return slot, left, lately
            if best is None or left + lately < best[0]:
                best = (left + lately, slot)
        if claim and best is not None:
            return best[1], 0.0, 0.0
        return None

    def owed(self, client: str) -> float:
        """Query-seconds ``client`` has spent and not yet earned back."""
        with self._locked():
            found = self._budget_slot(_client_key(client), self.clock(), claim=False)
        return found[1] if found else 0.0

    def recent(self, client: str) -> float:
        """Query-seconds ``client`` has spent of late (halved every :data:`HALF_LIFE` s)."""
        with self._locked():
            found = self._budget_slot(_client_key(client), self.clock(), claim=False)
        return found[2] if found else 0.0

    # What the pool calls

    def retry_after(self) -> int:
        """Seconds a refused client is told to wait (a query's time limit over the processes)."""
        return max(1, math.ceil(self.timeout / max(1, self.scheduling.processes)))

    def enter(self, client: str, heavy: bool = False) -> Ticket:
        """Queue a query of ``client``: its ticket, waiting; in the heavy lane when ``heavy``
        (its text proved costly) or when the client is heavy (see the module).

        Raises ClientLimitError (429) when the client has its share running and waiting, or has
        spent its query-seconds; ServerBusyError (503) when every process is taken and the queue
        (for a heavy query: its half of the queue) is full.
        """
        s = self.scheduling
        key = _client_key(client)
        with self._locked():
            found = self._budget_slot(key, self.clock(), claim=False)
            owed, lately = (found[1], found[2]) if found else (0.0, 0.0)
            if s.client_seconds > 0 and owed >= s.client_seconds:
                rate = s.client_seconds / s.window
                raise ClientLimitError(
                    f"This client has used its {s.client_seconds:g} seconds of query time "
                    f"for {s.window:g} seconds; ask again later.",
                    retry_after=max(1, math.ceil((owed - s.client_seconds) / rate + 0.01)),
                )
            entries = self._entries()
            mine = [e for e in entries if e.state != _FREE and e.client == key]
            running = sum(e.state == _RUNNING for e in mine)
            queued = len(mine) - running
            lanes = s.heavy_seconds > 0
            heavy_client = lanes and (
                lately >= s.heavy_seconds or any(e.lane == _HEAVY for e in mine)
            )
            heavy = lanes and (heavy or heavy_client)
            all_running = sum(e.state == _RUNNING for e in entries)
            all_waiting = sum(e.state == _WAITING for e in entries)
            # Running or waiting, a client has at most its shares in the server (a query
            # waiting while none of the client's runs still takes a place in the queue); a
            # client with nothing heavy may queue a burst while the queue is under half full.
            share = s.client_running + s.client_queued
            if not heavy_client and all_waiting < s.queue_length // 2:
                share = max(share, s.client_running + s.client_burst)
            if running + queued >= share:
                raise ClientLimitError(
                    f"This client already has {running} queries running and {queued} waiting, "
                    f"the most one client may have here now (it may have {s.client_running} "
                    f"running and {s.client_queued} waiting, or a burst of "
                    f"{s.client_burst} waiting while the server is not busy and none of its "
                    "queries is heavy). Retry after the time in the Retry-After header, or "
                    "wait for an answer before sending the next query.",
                    retry_after=self.retry_after(),
                )
            free = [e for e in entries if e.state == _FREE]
            heavy_waiting = sum(e.state == _WAITING and e.lane == _HEAVY for e in entries)
            full = all_waiting >= s.queue_length and all_running >= s.processes
            if heavy and heavy_waiting >= max(1, s.queue_length // 2):
                full = True
            if not free or full:
                raise ServerBusyError(
                    f"Every query process is busy and {all_waiting} queries are waiting"
                    + (f" ({heavy_waiting} of them heavy, as this one is)" if heavy else "")
                    + "; try again shortly.",
                    retry_after=self.retry_after(),
                )
            (number,) = _HEADER.unpack_from(self._map, 0)
            number += 1
            _HEADER.pack_into(self._map, 0, number)
            ticket = Ticket(free[0].index, number, key, heavy)
            self._write(ticket.index, _WAITING, ticket)
            return ticket

    def start(self, ticket: Ticket) -> bool:
        """Mark ``ticket`` running if it is its turn (a process is free, its client has room,
        a heavy ticket's lane has room, and no earlier waiting query that may run is ahead);
        whether it was."""
        s = self.scheduling
        with self._locked():
            entries = self._entries()
            held = [e for e in entries if e.state != _FREE]
            if sum(e.state == _RUNNING for e in held) >= s.processes:
                return False
            running: dict[int, int] = {}
            heavy_running = 0
            for e in held:
                if e.state == _RUNNING:
                    running[e.client] = running.get(e.client, 0) + 1
                    heavy_running += e.lane == _HEAVY
            heavy_full = heavy_running >= s.heavy_share
            if running.get(ticket.client, 0) >= s.client_running:
                return False
            if ticket.heavy and heavy_full:
                return False
            for e in sorted((e for e in held if e.state == _WAITING), key=lambda e: e.number):
                if e.number == ticket.number:
                    self._write(ticket.index, _RUNNING, ticket)
                    return True
                if running.get(e.client, 0) < s.client_running and not (
                    e.lane == _HEAVY and heavy_full
                ):
                    return False  # an earlier query that may run goes first
            return False  # the ticket is gone (never: a process's own entries are kept)

    def promote(self, ticket: Ticket) -> Ticket | None:
        """Move running ``ticket`` to the heavy lane if the lane has room: the heavy ticket, or
        None (the caller then stops the query and enters it again, heavy)."""
        with self._locked():
            entries = self._entries()
            heavy_running = sum(e.state == _RUNNING and e.lane == _HEAVY for e in entries)
            if heavy_running >= self.scheduling.heavy_share:
                return None
            promoted = replace(ticket, heavy=True)
            self._write(ticket.index, _RUNNING, promoted)
            return promoted

    def should_yield(self, ticket: Ticket) -> bool:
        """Whether running ``ticket`` should give its process up: every process is taken and
        a cheap query of another client, with room to run, waits."""
        s = self.scheduling
        with self._locked():
            entries = self._entries()
        running: dict[int, int] = {}
        for e in entries:
            if e.state == _RUNNING:
                running[e.client] = running.get(e.client, 0) + 1
        if sum(running.values()) < s.processes:
            return False
        return any(
            e.state == _WAITING
            and e.lane == _CHEAP
            and e.client != ticket.client
            and running.get(e.client, 0) < s.client_running
            for e in entries
        )

    def leave(
        self, ticket: Ticket, seconds: float | None = None, waited: float | None = None
    ) -> None:
        """Free ``ticket``'s place; a query that ran charges its ``seconds`` to its client, and
        a heavy one that never ran the seconds it ``waited`` (to its lane, not its budget): a
        client keeping the heavy lane's queue full stays heavy."""
        with self._locked():
            at = self._tickets_at + ticket.index * _TICKET.size
            if _TICKET.unpack_from(self._map, at)[5] == ticket.number:
                _TICKET.pack_into(self._map, at, _FREE, 0, 0, 0, 0, 0)
            ran = seconds is not None
            waited_heavy = not ran and ticket.heavy and bool(waited)
            if ran or waited_heavy:
                now = self.clock()
                found = self._budget_slot(ticket.client, now, claim=True)
                if found is not None:
                    slot, owed, lately = found
                    if seconds is not None:  # the budget counts only what ran (nothing when off)
                        owed = owed + seconds if self.scheduling.client_seconds > 0 else 0.0
                    lane = (seconds if ran else waited) or 0.0
                    at = self._budgets_at + slot * _BUDGET.size
                    _BUDGET.pack_into(self._map, at, ticket.client, owed, now, lately + lane)

    def usage(self, client: str | None = None) -> Usage:
        """Queries running and waiting now, in the server or of ``client``."""
        with self._locked():
            entries = [e for e in self._entries() if e.state != _FREE]
        if client is not None:
            key = _client_key(client)
            entries = [e for e in entries if e.client == key]
        running = sum(e.state == _RUNNING for e in entries)
        return Usage(running, len(entries) - running)
