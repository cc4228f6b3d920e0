"""A bounded pool of query processes shared by a web worker's threads, fed by a bounded queue,
with a fair share per client.

Each web worker process has one pool of ``processes`` query processes (each a
:class:`~.sandbox.QuerySandbox`). A query waits for a free process in a queue of at most
``queue_length`` queries, for at most ``queue_wait`` seconds; past either,
:class:`~lisgraph.errors.ServerBusyError` (503 with Retry-After). One client (by address) may
have ``client_running`` queries running and ``client_queued`` waiting, and, when
``client_seconds`` is set, use that many query-seconds per ``window``; past them,
:class:`~lisgraph.errors.ClientLimitError` (429 with Retry-After). Waiting queries are served
first come, first served, skipping a client that already has its share running.

The limits hold per worker process: with W workers a server runs at most W x ``processes``
queries at once, and one client at most W x ``client_running`` (its connections may land on
any worker). Pages, dumps and metadata never enter the pool, so they never wait behind it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque

from ..config import Limits, Scheduling
from ..errors import ClientLimitError, ServerBusyError
from . import Store
from .sandbox import Job, Outcome, QuerySandbox

__all__ = ["QueryPool"]


class _Ticket:
    """One waiting query."""

    __slots__ = ("client",)

    def __init__(self, client: str) -> None:
        self.client = client


class QueryPool:
    """Runs jobs on a bounded set of query processes of this process; see the module."""

    def __init__(self, store: Store, limits: Limits, scheduling: Scheduling) -> None:
        self.limits = limits
        self.scheduling = scheduling
        self._free = [QuerySandbox(store, limits) for _ in range(scheduling.processes)]
        self._all = list(self._free)
        self._cond = threading.Condition()
        self._waiting: deque[_Ticket] = deque()  # tickets, first come first served
        self._running: defaultdict[str, int] = defaultdict(int)
        self._queued: defaultdict[str, int] = defaultdict(int)
        self._spent: defaultdict[str, deque[tuple[float, float]]] = defaultdict(deque)

    def start(self) -> None:
        """Start the query processes now (from a single-threaded process, ideally)."""
        for sandbox in self._all:
            sandbox.start()

    def owned_here(self) -> bool:
        """Whether this process made the pool (a forked worker needs its own)."""
        return self._all[0].owned_here()

    def _retry_after(self) -> int:
        return max(1, math.ceil(self.limits.timeout / max(1, len(self._all))))

    def _budget_left(self, client: str, now: float) -> float:
        spent = self._spent[client]
        while spent and spent[0][0] < now - self.scheduling.window:
            spent.popleft()
        return self.scheduling.client_seconds - sum(seconds for _, seconds in spent)

    def _admit(self, client: str) -> _Ticket:
        """Queue a ticket for ``client`` or raise; call with the condition held."""
        s = self.scheduling
        if s.client_seconds > 0 and self._budget_left(client, time.monotonic()) <= 0:
            oldest = self._spent[client][0][0]
            raise ClientLimitError(
                f"This client has used its {s.client_seconds:g} seconds of query time for "
                f"{s.window:g} seconds; ask again later.",
                retry_after=max(1, math.ceil(oldest + s.window - time.monotonic())),
            )
        if self._running[client] >= s.client_running and self._queued[client] >= s.client_queued:
            raise ClientLimitError(
                f"This client already has {self._running[client]} queries running and "
                f"{self._queued[client]} waiting, the most one client may have here. Wait for "
                "an answer before sending the next query.",
                retry_after=self._retry_after(),
            )
        if len(self._waiting) >= s.queue_length and not self._free:
            raise ServerBusyError(
                f"Every query process is busy and {len(self._waiting)} queries are waiting; "
                "try again shortly.",
                retry_after=self._retry_after(),
            )
        ticket = _Ticket(client)
        self._waiting.append(ticket)
        self._queued[client] += 1
        return ticket

    def _my_turn(self, ticket: _Ticket, client: str) -> bool:
        if not self._free or self._running[client] >= self.scheduling.client_running:
            return False
        # The first waiting ticket whose client has room goes next.
        for waiting in self._waiting:
            if waiting is ticket:
                return True
            if self._running[waiting.client] < self.scheduling.client_running:
                return False
        return False

    def run(self, job: Job, client: str) -> Outcome:
        """Run ``job`` for ``client`` (an address) when a process and the client's share allow.

        Raises ClientLimitError (429), ServerBusyError (503), and whatever
        :meth:`QuerySandbox.run` raises.
        """
        with self._cond:
            ticket = self._admit(client)
            deadline = time.monotonic() + self.scheduling.queue_wait
            try:
                while not self._my_turn(ticket, client):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise ServerBusyError(
                            f"No query process became free within "
                            f"{self.scheduling.queue_wait:g} seconds; try again shortly.",
                            retry_after=self._retry_after(),
                        )
                    self._cond.wait(left)
            finally:
                self._waiting.remove(ticket)
                self._queued[client] -= 1
                self._cond.notify_all()
            sandbox = self._free.pop()
            self._running[client] += 1
        started = time.monotonic()
        try:
            return sandbox.run(job)
        finally:
            with self._cond:
                self._free.append(sandbox)
                self._running[client] -= 1
                if self.scheduling.client_seconds > 0:
                    self._spent[client].append((time.monotonic(), time.monotonic() - started))
                if not self._running[client] and not self._queued[client]:
                    del self._running[client], self._queued[client]
                self._cond.notify_all()

    def close(self) -> None:
        """Stop every query process."""
        for sandbox in self._all:
            sandbox.close()
