"""A bounded pool of query processes shared by a web worker's threads, admitted server-wide.

Each web worker process has one pool of ``processes`` query processes (each a
:class:`~.sandbox.QuerySandbox`, forked from the worker so that it shares the store the worker
loaded). Which query may run is decided by an :class:`~.admission.Admission` table that every
worker of the server shares, so the limits hold for the whole server: at most ``processes``
queries run at once, at most ``queue_length`` wait (each for at most ``queue_wait`` seconds;
past either, :class:`~lisgraph.errors.ServerBusyError`, 503 with Retry-After), and one client
(by address) has at most ``client_running`` running, ``client_queued`` waiting and, when set,
``client_seconds`` of query time per ``window`` (past them,
:class:`~lisgraph.errors.ClientLimitError`, 429 with Retry-After), whichever worker its
connections land on. Waiting queries are served first come, first served, skipping a client
that already has its share running. Heavy queries (by their text, their client, or their
running time past ``heavy_seconds``) hold at most ``heavy_share`` processes: a query still
running at that line is promoted to the heavy lane if it has room, and otherwise stopped and
queued again as heavy (its text remembered, so it starts there next time); before that line,
one that has run :data:`YIELD_AFTER` seconds gives its process to a cheap query of another
client waiting for one, the same way. Pages, dumps and
metadata never enter the pool, so they never wait behind it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

from ..config import Limits, Scheduling
from ..errors import ServerBusyError
from . import Store
from .admission import POLL_SECONDS, Admission, Ticket
from .sandbox import Job, Outcome, QuerySandbox

__all__ = ["COSTLY_TEXTS", "YIELD_AFTER", "QueryPool"]

#: How many heavy queries' texts a pool remembers.
COSTLY_TEXTS = 4096
#: A cheap query that has run this long gives its process to a cheap query of another client
#: that waits for one (it is then queued again as heavy): cheap ones take milliseconds.
YIELD_AFTER = 0.1


def _text_key(job: Job) -> str:
    """What makes two queries the same work: the text and the dataset it is asked of."""
    what = "\n".join([job.query, *job.default_graphs, "", *job.named_graphs])
    return hashlib.blake2b(what.encode(), digest_size=16).hexdigest()


class QueryPool:
    """Runs jobs on this process's query processes when ``admission`` allows; see the module.

    Without ``admission`` the pool makes its own (the limits then hold for this process only).
    """

    def __init__(
        self,
        store: Store,
        limits: Limits,
        scheduling: Scheduling,
        admission: Admission | None = None,
    ) -> None:
        self.limits = limits
        self.scheduling = scheduling
        self.admission = admission or Admission(scheduling, limits.timeout)
        self._free = [QuerySandbox(store, limits) for _ in range(scheduling.processes)]
        self._all = list(self._free)
        self._cond = threading.Condition()
        # Queries (by text and dataset) that ran past the heavy line here: they start heavy.
        self._costly: OrderedDict[str, None] = OrderedDict()

    def start(self) -> None:
        """Start the query processes now (from a single-threaded process, ideally)."""
        for sandbox in self._all:
            sandbox.start()

    def owned_here(self) -> bool:
        """Whether this process made the pool (a forked worker needs its own)."""
        return self._all[0].owned_here()

    def run(self, job: Job, client: str) -> Outcome:
        """Run ``job`` for ``client`` (an address) when a process and the client's share allow,
        in the cost lane its text and its client call for (see :mod:`.admission`).

        Raises ClientLimitError (429), ServerBusyError (503), and whatever
        :meth:`QuerySandbox.run` raises.
        """
        text = _text_key(job)
        ticket = self.admission.enter(client, heavy=text in self._costly)
        while True:
            outcome, ticket = self._run_admitted(job, text, ticket)
            if outcome is not None:
                return outcome
            # Stopped at the checkpoint with the heavy lane full: its turn comes again there.
            self._remember(text)
            ticket = self.admission.enter(client, heavy=True)

    def _run_admitted(self, job: Job, text: str, ticket: Ticket) -> tuple[Outcome | None, Ticket]:
        started: float | None = None
        entered = time.monotonic()
        try:
            deadline = time.monotonic() + self.scheduling.queue_wait
            with self._cond:
                # A free process here is checked first: the server-wide table allows no more
                # running queries than a pool has processes, but a pool being replaced by a new
                # build's may still be finishing some.
                while not (self._free and self.admission.start(ticket)):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise ServerBusyError(
                            f"No query process became free within "
                            f"{self.scheduling.queue_wait:g} seconds; try again shortly.",
                            retry_after=self.admission.retry_after(),
                        )
                    self._cond.wait(min(left, POLL_SECONDS))
                sandbox = self._free.pop()
            started = time.monotonic()
            try:
                heavy_seconds = self.scheduling.heavy_seconds
                if ticket.heavy or heavy_seconds <= 0:
                    return sandbox.run(job), ticket
                promoted: list[Ticket] = []

                def may_continue(elapsed: float) -> bool:
                    if elapsed < heavy_seconds:  # cheap so far: yields to a cheaper one waiting
                        return elapsed < YIELD_AFTER or not self.admission.should_yield(ticket)
                    heavy = self.admission.promote(ticket)
                    if heavy is not None:
                        promoted.append(heavy)
                    return heavy is not None

                outcome = sandbox.run(job, heavy_seconds, may_continue)
                if promoted:
                    self._remember(text)
                    ticket = promoted[0]
                return outcome, ticket
            finally:
                with self._cond:
                    self._free.append(sandbox)
        finally:
            now = time.monotonic()
            spent = None if started is None else now - started
            self.admission.leave(ticket, spent, waited=now - entered)
            with self._cond:
                self._cond.notify_all()

    def _remember(self, text: str) -> None:
        """Remember that the query ``text`` is heavy (the most recent :data:`COSTLY_TEXTS`)."""
        with self._cond:
            self._costly[text] = None
            self._costly.move_to_end(text)
            while len(self._costly) > COSTLY_TEXTS:
                self._costly.popitem(last=False)

    def cancel(self) -> None:
        """The server is stopping: running queries are stopped now and answered 503, as is
        every query that comes later."""
        for sandbox in self._all:
            sandbox.cancel()
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        """Stop every query process."""
        for sandbox in self._all:
            sandbox.close()
