"""No store answer outlives the thread that asked for it.

pyoxigraph's query results may only be dropped on the thread that made them: dropped on another
one, pyoxigraph reports an error and leaks the Rust object, which keeps the snapshot's store it
reads alive (a whole old build, after a switch). The server answers requests in threads, so an
answer caught in a reference cycle (an exception's traceback holding a view's frame, a cache
holding a result) would be run down later by the collector on whatever thread it runs on.

This test answers every kind of page and error from worker threads with the collector off, then
collects on the test's own thread: any answer left in a cycle is dropped there, on the wrong
thread, and reported.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

LEP = "/id/lep/E37000057"

#: Every kind of answer the app gives from the store: pages, RDF, SPARQL answers and errors.
TARGETS = [
    ("/", "text/html"),
    (LEP, "text/html"),
    (LEP, "text/turtle"),
    (LEP, "application/ld+json"),
    ("/id/lep/E99999999", "text/html"),
    ("/id/district/E06000042", "text/html"),
    ("/compare", "text/html"),
    ("/compare?lep=E37000057&lep=E37000006", "text/html"),
    ("/compare/strategies", "text/html"),
    ("/map", "text/html"),
    ("/map?date=2019-07-31", "text/html"),
    ("/sparql?query=SELECT%20*%20WHERE%20%7B?s%20?p%20?o%7D%20LIMIT%205", "text/csv"),
    ("/sparql?query=CONSTRUCT%20WHERE%20%7B?s%20?p%20?o%7D%20LIMIT%205", "text/turtle"),
    ("/sparql?query=SELEC", "application/sparql-results+json"),
    ("/sparql", "text/turtle"),
    ("/search?q=cumbria", "text/html"),
    ("/fragments", "text/turtle"),
    ("/fragments?subject=http%3A%2F%2Fexample.org%2Fnothing", "text/turtle"),
    ("/health", "application/json"),
    ("/catalog", "text/turtle"),
    ("/def/lis", "text/html"),
    ("/no/such/page", "text/html"),
    ("/doc/lep/E37000057", "application/x-unknown"),
    ("/sparql?query=ASK%7B%7D", "application/x-unknown"),
]


@pytest.fixture()
def unraisable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What is reported as it is dropped, from after earlier tests' garbage is collected; the
    collector is off meanwhile, so that only this test's collection runs it down."""
    reported: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(repr(u.exc_value)))
    gc.collect()
    reported.clear()
    gc.disable()
    try:
        yield reported
    finally:
        gc.enable()


def test_no_answer_is_dropped_on_another_thread(app: Flask, unraisable: list[str]) -> None:
    def answer(target: tuple[str, str]) -> int:
        url, accept = target
        with app.test_client().get(url, headers={"Accept": accept}) as response:
            response.get_data()
            return response.status_code

    with ThreadPoolExecutor(max_workers=4) as threads:
        statuses = [s for _ in range(2) for s in threads.map(answer, TARGETS)]
    assert {200, 303, 400, 404, 406} <= set(statuses)
    gc.collect()
    assert unraisable == []


def test_an_answer_left_in_a_cycle_is_found(app: Flask, unraisable: list[str]) -> None:
    """The probe: what the test above looks for is seen when it happens."""
    from lisgraph.web.dataset import current_snapshot

    def leave_in_a_cycle() -> None:
        with app.app_context():
            result = current_snapshot().store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        cycle: dict[str, object] = {"result": result.raw}
        cycle["self"] = cycle

    with ThreadPoolExecutor(max_workers=1) as threads:
        threads.submit(leave_in_a_cycle).result()
    gc.collect()
    assert any("dropped on another thread" in r for r in unraisable)
