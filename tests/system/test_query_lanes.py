"""Cost lanes in the query pool, with real query processes: heavy queries hold at most their
share of the processes, so a point lookup is answered while they run (the reliability
review's F3: two addresses with one heavy query each held every process)."""

from __future__ import annotations

import threading
import time

from lisgraph.config import Limits, Scheduling
from lisgraph.errors import LisgraphError
from lisgraph.store.embedded import EmbeddedStore
from lisgraph.store.query_pool import QueryPool
from lisgraph.store.sandbox import Job, Outcome

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # "
LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/lisgraph/id/lep/E37000057> ?p ?o }"


def _wait_until(condition: object, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the pool never reached the state waited for"
        time.sleep(0.02)


def test_a_lookup_is_answered_while_heavy_queries_hold_their_share(store: EmbeddedStore) -> None:
    scheduling = Scheduling(
        processes=2, queue_length=8, queue_wait=30, heavy_seconds=0.3, heavy_share=1
    )
    pool = QueryPool(store, Limits(timeout=8), scheduling)
    pool.start()
    outcomes: dict[str, object] = {}

    def heavy(client: str) -> None:
        try:
            outcomes[client] = pool.run(Job(CROSS + client), client)
        except LisgraphError as exc:
            outcomes[client] = exc

    attackers = [threading.Thread(target=heavy, args=(f"10.0.0.{n}",)) for n in (1, 2)]
    try:
        attackers[0].start()
        _wait_until(lambda: pool.admission.usage() == (1, 0))
        attackers[1].start()
        # The second ran on the other process until the heavy line, found the heavy lane full,
        # was stopped (its try charged to its client) and now waits in that lane; the first
        # still runs, promoted.
        _wait_until(lambda: pool.admission.recent("10.0.0.2") > 0)
        assert pool.admission.usage() == (1, 1)
        lookup = pool.run(Job(LOOKUP), "10.0.0.3")
        assert isinstance(lookup, Outcome) and b"value" in lookup.body
        assert all(t.is_alive() for t in attackers)  # answered while both are still held
        assert not outcomes
        # A heavy client's next query is not refused: it waits in the heavy lane.
        assert pool.admission.enter("10.0.0.2").heavy
        assert not pool.admission.enter("10.0.0.3").heavy  # the reader stays cheap
    finally:
        pool.close()
        for thread in attackers:
            thread.join(30)
