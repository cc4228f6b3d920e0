"""The server-wide admission table (``lisgraph.store.admission``): limits that hold across the
processes sharing it, first come first served, budgets, and places of dead processes reclaimed.

Other processes are made with ``os.fork`` (as gunicorn makes workers from its master) and
report over a pipe; nothing here waits on a clock (the budget's clock is a variable).
"""

from __future__ import annotations

import gc
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from lisgraph.config import Scheduling
from lisgraph.errors import ClientLimitError, ServerBusyError
from lisgraph.store.admission import HALF_LIFE, Admission

ONE_EACH = Scheduling(
    processes=2, queue_length=2, client_running=1, client_queued=0, client_burst=0
)


@pytest.fixture
def make() -> Iterator[Callable[..., Admission]]:
    made: list[Admission] = []

    def factory(scheduling: Scheduling = ONE_EACH, **kwargs: object) -> Admission:
        admission = Admission(scheduling, timeout=10, **kwargs)  # type: ignore[arg-type]
        made.append(admission)
        return admission

    yield factory
    for admission in made:
        admission.close()


def _in_other_process(admission: Admission, client: str) -> int:
    """Fork a process that takes a running place for ``client`` and stays until killed; its
    pid, once the place is taken."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            ticket = admission.enter(client)
            os.write(write, b"1" if admission.start(ticket) else b"0")
            while True:
                signal.pause()
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as reader:
        assert reader.read(1) == b"1"
    return pid


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_clients_share_holds_across_processes_and_a_killed_holder_is_reclaimed(
    make: Callable[..., Admission],
) -> None:
    admission = make()
    other = _in_other_process(admission, "10.0.0.1")
    try:
        assert admission.usage("10.0.0.1").running == 1
        with pytest.raises(ClientLimitError) as refused:
            admission.enter("10.0.0.1")
        assert refused.value.retry_after >= 1
        # Another client is not held back by it.
        ticket = admission.enter("10.0.0.2")
        assert admission.start(ticket)
        admission.leave(ticket)
    finally:
        _kill(other)
    # The killed process's place is free again: the client may query.
    assert admission.usage().running == 0
    ticket = admission.enter("10.0.0.1")
    assert admission.start(ticket)
    admission.leave(ticket)
    assert admission.usage().running == admission.usage().waiting == 0


def test_a_zombie_holder_counts_as_gone(make: Callable[..., Admission]) -> None:
    admission = make()
    other = _in_other_process(admission, "10.0.0.1")
    os.kill(other, signal.SIGKILL)
    try:
        # Not reaped yet: a zombie, as a killed worker is until gunicorn's master reaps it.
        for _ in range(1000):
            if Path(f"/proc/{other}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.01)
        else:
            pytest.fail("the killed process never became a zombie")
        ticket = admission.enter("10.0.0.1")
        admission.leave(ticket)
    finally:
        os.waitpid(other, 0)


def test_the_server_wide_queue_is_bounded_503(make: Callable[..., Admission]) -> None:
    admission = make(Scheduling(processes=1, queue_length=1, client_running=1, client_queued=1))
    other = _in_other_process(admission, "10.0.0.1")  # the server's one running query
    try:
        waiting = admission.enter("10.0.0.2")
        assert not admission.start(waiting)  # the process is taken, in another process
        with pytest.raises(ServerBusyError) as busy:
            admission.enter("10.0.0.3")
        assert busy.value.retry_after >= 1
        assert admission.usage() == (1, 1)
    finally:
        _kill(other)
    assert admission.start(waiting)
    admission.leave(waiting)


def test_first_come_first_served_skipping_a_client_at_its_share(
    make: Callable[..., Admission],
) -> None:
    admission = make(Scheduling(processes=2, queue_length=4, client_running=1, client_queued=2))
    a1 = admission.enter("a")
    assert admission.start(a1)
    a2, b1, c1 = admission.enter("a"), admission.enter("b"), admission.enter("c")
    assert not admission.start(a2)  # a has its one running
    assert not admission.start(c1)  # b came first and may run
    assert admission.start(b1)
    assert not admission.start(c1)  # both processes are taken
    admission.leave(a1)
    assert admission.start(a2)  # a's next query came before c's
    for ticket in (a2, b1, c1):
        admission.leave(ticket)
    assert admission.usage() == (0, 0)


def test_a_client_has_at_most_its_running_and_queued_queries(
    make: Callable[..., Admission],
) -> None:
    admission = make(
        Scheduling(processes=4, queue_length=8, client_running=1, client_queued=2, client_burst=0)
    )
    tickets = [admission.enter("a") for _ in range(3)]
    assert admission.start(tickets[0])
    with pytest.raises(ClientLimitError):
        admission.enter("a")
    assert admission.usage("a") == (1, 2)
    for ticket in tickets:
        admission.leave(ticket)


def test_queries_waiting_count_against_a_clients_share_before_any_runs(
    make: Callable[..., Admission],
) -> None:
    admission = make(
        Scheduling(processes=1, queue_length=4, client_running=1, client_queued=0, client_burst=0)
    )
    other = _in_other_process(admission, "b")  # the server's one process is taken
    try:
        waiting = admission.enter("a")
        assert not admission.start(waiting)
        with pytest.raises(ClientLimitError):  # a second query of a: no queued share
            admission.enter("a")
        admission.leave(waiting)
    finally:
        _kill(other)


def test_a_clients_query_seconds_drain_at_the_budgets_rate(make: Callable[..., Admission]) -> None:
    now = [1000.0]
    admission = make(
        Scheduling(processes=2, queue_length=2, client_seconds=10, window=60),
        clock=lambda: now[0],
    )
    ticket = admission.enter("a")
    assert admission.start(ticket)
    admission.leave(ticket, seconds=12)  # 2 s over a budget that earns back 1 s per 6 s
    with pytest.raises(ClientLimitError) as spent:
        admission.enter("a")
    assert spent.value.retry_after == 13
    admission.leave(admission.enter("b"))  # others are not charged
    now[0] += 13
    admission.leave(admission.enter("a"))
    assert admission.owed("a") == pytest.approx(12 - 13 / 6)


def _table_descriptors() -> set[str]:
    """This process's descriptors of admission tables (other tests' apps hold some too, and
    drop theirs when they are collected)."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            if "lisgraph-admission" in os.readlink(f"/proc/self/fd/{fd}"):
                found.add(fd)
        except OSError:  # closed meanwhile
            continue
    return found


def test_a_dropped_table_gives_back_its_memory_and_descriptor() -> None:
    gc.collect()
    before = _table_descriptors()
    admission = Admission(ONE_EACH, timeout=10)
    mine = _table_descriptors() - before
    assert mine  # the table's own descriptors are seen
    del admission
    gc.collect()
    assert not mine & _table_descriptors()
    for _ in range(20):
        admission = Admission(ONE_EACH, timeout=10)
        admission.leave(admission.enter("a"))
        del admission
    gc.collect()
    assert _table_descriptors() <= before  # none of the twenty is left open


LANES = Scheduling(
    processes=2, queue_length=8, client_running=1, client_queued=2, client_burst=6,
    heavy_seconds=1.0, heavy_share=1,
)  # fmt: skip


def test_a_cheap_client_may_queue_a_burst_while_the_queue_is_under_half_full(
    make: Callable[..., Admission],
) -> None:
    admission = make(replace(LANES, queue_length=16))
    burst = [admission.enter("comunica") for _ in range(7)]  # 1 running + a burst of 6
    with pytest.raises(ClientLimitError) as refused:
        admission.enter("comunica")
    message = str(refused.value)
    assert "0 queries running and 7 waiting" in message  # what it has
    assert "Retry-After" in message
    for ticket in burst:
        admission.leave(ticket)
    # With the queue half full (others waiting), the burst is not offered: 1 + 2 each.
    others = [admission.enter(c) for c in "abcdefgh"]
    assert admission.usage() == (0, 8)
    mine = [admission.enter("comunica") for _ in range(3)]
    with pytest.raises(ClientLimitError):
        admission.enter("comunica")
    for ticket in others + mine:
        admission.leave(ticket)


def test_heavy_queries_hold_at_most_their_share_and_cheap_ones_find_a_process(
    make: Callable[..., Admission],
) -> None:
    admission = make(LANES)
    heavy = admission.enter("attacker-1", heavy=True)
    assert heavy.heavy and admission.start(heavy)
    second = admission.enter("attacker-2", heavy=True)
    assert not admission.start(second)  # the heavy lane (one process) is full
    lookup = admission.enter("reader")
    assert not lookup.heavy
    assert admission.start(lookup)  # came after the heavy one, but the other process is free
    admission.leave(lookup, seconds=0.01)
    admission.leave(heavy, seconds=30)
    assert admission.start(second)
    admission.leave(second)


def test_heavy_queries_wait_in_at_most_half_the_queue(make: Callable[..., Admission]) -> None:
    admission = make(LANES)
    waiting = [admission.enter(f"attacker-{n}", heavy=True) for n in range(4)]
    with pytest.raises(ServerBusyError) as busy:
        admission.enter("attacker-5", heavy=True)
    assert "heavy" in str(busy.value)
    cheap = admission.enter("reader")  # the other half of the queue is kept for cheap queries
    for ticket in [*waiting, cheap]:
        admission.leave(ticket)


def test_a_running_query_is_promoted_only_while_the_heavy_lane_has_room(
    make: Callable[..., Admission],
) -> None:
    admission = make(LANES)
    first, second = admission.enter("a"), admission.enter("b")
    assert admission.start(first) and admission.start(second)
    promoted = admission.promote(first)
    assert promoted is not None and promoted.heavy
    assert admission.promote(second) is None  # the lane is full: the pool stops and requeues it
    admission.leave(second, seconds=1.0)
    admission.leave(promoted, seconds=5.0)
    assert admission.usage() == (0, 0)


def test_a_client_whose_queries_cost_lately_is_heavy_until_it_halves_away(
    make: Callable[..., Admission],
) -> None:
    now = [1000.0]
    admission = make(LANES, clock=lambda: now[0])
    ticket = admission.enter("a")
    assert admission.start(ticket)
    admission.leave(ticket, seconds=4.0)
    assert admission.recent("a") == pytest.approx(4.0)
    again = admission.enter("a")  # not refused: queued in the heavy lane
    assert again.heavy
    admission.leave(again)
    assert not admission.enter("b").heavy  # others are not affected
    now[0] += 2 * HALF_LIFE + 1  # 4 s -> under 1 s
    assert admission.recent("a") < LANES.heavy_seconds
    assert not admission.enter("a").heavy


def test_no_lanes_when_heavy_seconds_is_zero(make: Callable[..., Admission]) -> None:
    admission = make(replace(LANES, heavy_seconds=0))
    assert not admission.enter("a", heavy=True).heavy


def test_a_cheap_query_yields_its_process_only_to_another_clients_cheap_query(
    make: Callable[..., Admission],
) -> None:
    admission = make(LANES)
    slow, other = admission.enter("a"), admission.enter("b")
    assert admission.start(slow)
    assert not admission.should_yield(slow)  # a process is free
    assert admission.start(other)
    assert not admission.should_yield(slow)  # both taken, but nobody waits
    mine = admission.enter("a")
    assert not admission.should_yield(slow)  # its own next query does not push it out
    heavy = admission.enter("c", heavy=True)
    assert not admission.should_yield(slow)  # a heavy one waits for the heavy lane
    lookup = admission.enter("d")
    assert admission.should_yield(slow)  # a cheap one of another client waits
    for ticket in (slow, other, mine, heavy, lookup):
        admission.leave(ticket)


def test_waiting_in_the_heavy_lane_counts_as_cost(make: Callable[..., Admission]) -> None:
    admission = make(LANES)
    heavy = admission.enter("a", heavy=True)
    admission.leave(heavy, None, waited=10.0)  # it never ran: gave up after 10 s in the queue
    assert admission.recent("a") == pytest.approx(10.0, abs=0.5)
    cheap = admission.enter("b")
    admission.leave(cheap, None, waited=10.0)  # waiting in the cheap lane costs nothing
    assert admission.recent("b") == 0.0
