"""Validators, 304s and the per-build query cache, over HTTP, in-process (Flask test client)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from io import BufferedRandom
from pathlib import Path

import pytest

from lisgraph.errors import ClientLimitError, LisgraphError, ServerBusyError
from lisgraph.store.answer_cache import CacheLimits, QueryCache
from lisgraph.store.sandbox import Outcome

from .helpers import InProcessHTTP

QUERY = "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("doc/lep/E37000057", "text/turtle"),
        ("doc/lep/E37000057", "text/html"),
        ("def/lis", "text/html"),
        ("catalog", "text/turtle"),
        (".well-known/void", "text/turtle"),
        ("", "text/html"),
    ],
)
def test_pages_have_validators_and_answer_304(
    http: InProcessHTTP, server: str, path: str, accept: str
) -> None:
    first = http.get(server + path, headers={"Accept": accept}, timeout=30)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert (
        "max-age=300" in first.headers["Cache-Control"]
        and "public" in first.headers["Cache-Control"]
    )
    again = http.get(server + path, headers={"Accept": accept, "If-None-Match": etag}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    changed = http.get(
        server + path, headers={"Accept": accept, "If-None-Match": '"other"'}, timeout=30
    )
    assert changed.status_code == 200 and changed.content == first.content


def test_repeated_query_is_answered_from_the_cache(http: InProcessHTTP, server: str) -> None:
    unique = f"{QUERY} # {time.time()}"  # a query no earlier test has sent
    params = {"query": unique}
    headers = {"Accept": "application/sparql-results+json"}
    # Two workers each keep their own cache: ask until both have answered once.
    states = []
    bodies = set()
    for _ in range(8):
        response = http.get(server + "sparql", params=params, headers=headers, timeout=30)
        states.append(response.headers["X-Lisgraph-Cache"])
        bodies.add(response.content)
    assert states[0] == "miss" and "hit" in states
    assert states.count("miss") <= 2, states  # at most one miss per worker
    assert len(bodies) == 1, "cached and uncached answers differ"
    # Another format is another entry, not the JSON answer.
    csv = http.get(server + "sparql", params=params, headers={"Accept": "text/csv"}, timeout=30)
    assert csv.headers["Content-Type"].startswith("text/csv")


def test_post_results_are_not_marked_cacheable(http: InProcessHTTP, server: str) -> None:
    response = http.post(server + "sparql", data={"query": QUERY}, timeout=30)
    assert response.status_code == 200 and "ETag" not in response.headers


def _answer(size: int) -> Outcome:
    return Outcome("solutions", "json", b"x" * size)


def test_the_query_cache_is_bounded_by_bytes_least_recently_used_out() -> None:
    cache = QueryCache(max_entries=100, max_bytes=1000)
    cache.put("big", _answer(251))  # over a quarter of the budget: not kept
    assert cache.get("big") is None and cache.bytes == 0
    for name in "abcd":
        cache.put(name, _answer(250))
    assert cache.bytes == 1000 and len(cache) == 4
    assert cache.get("a") is not None  # now the most recently used
    cache.put("e", _answer(250))  # evicts b, the least recently used
    assert cache.get("b") is None
    assert [k for k in "acde" if cache.get(k) is not None] == list("acde")
    assert cache.bytes == 1000
    cache.put("e", _answer(100))  # replacing an entry counts its new size only
    assert cache.bytes == 850


def test_the_query_cache_counts_table_cells() -> None:
    cache = QueryCache(max_entries=10, max_bytes=400)
    rows = [["x" * 40, "y" * 40]] * 2  # (40 + 8) * 4 = 192 bytes of cells: over a quarter
    cache.put("table", Outcome("solutions", "table", table=(["a", "b"], rows)))
    assert cache.get("table") is None
    cache.put("small", Outcome("solutions", "table", table=(["a"], [["x"]])))
    assert cache.get("small") is not None and 0 < cache.bytes <= 100


def test_a_cache_of_no_entries_keeps_nothing() -> None:
    cache = CacheLimits(entries=0).new_cache()
    cache.put("a", _answer(1))
    assert cache.get("a") is None and len(cache) == 0


def _burst(cache: QueryCache, run: Callable[[], Outcome], count: int) -> list[str]:
    """``count`` threads asking ``cache`` for one key at once; how each was answered."""
    states: list[str] = []
    lock = threading.Lock()

    def ask() -> None:
        try:
            _, state = cache.answer("q", run)
        except LisgraphError:
            state = "error"
        with lock:
            states.append(state)

    threads = [threading.Thread(target=ask) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(states)


def test_identical_queries_arriving_together_run_once() -> None:
    cache = QueryCache(max_entries=10, max_bytes=10_000)
    runs = []
    gate = threading.Event()

    def run() -> Outcome:
        runs.append(1)
        gate.wait(10)  # held until every other thread is waiting for it
        return _answer(10)

    threading.Timer(0.5, gate.set).start()  # (a thread that comes later finds it kept)
    states = _burst(cache, run, 16)
    assert len(runs) == 1
    assert states.count("miss") == 1 and set(states) <= {"miss", "shared", "hit"}
    assert cache.answer("q", run)[1] == "hit"


@pytest.mark.parametrize(
    ("error", "alike"),
    [
        (ServerBusyError("busy", retry_after=3), True),
        (ClientLimitError("the leader's client has its share", retry_after=3), False),
    ],
)
def test_a_shared_failure_is_everyones_unless_it_was_the_leaders_own(
    error: LisgraphError, alike: bool
) -> None:
    cache = QueryCache(max_entries=10, max_bytes=10_000)
    calls = []
    gate = threading.Event()

    def failing_first() -> Outcome:
        calls.append(1)
        if len(calls) == 1:
            gate.wait(10)
            raise error
        return _answer(10)

    threading.Timer(0.5, gate.set).start()
    states = _burst(cache, failing_first, 4)
    if alike:  # those that waited for it failed alike; any that came after ran
        assert states.count("error") >= 1 and len(calls) == 1 + states.count("miss")
    else:  # the others ran (or one ran, and the rest had its kept answer)
        assert states.count("error") == 1 and len(calls) >= 2


def test_a_spooled_answer_is_not_shared(tmp_path: Path) -> None:
    gate = threading.Event()
    gate.set()
    spooled = QueryCache(max_entries=10, max_bytes=10_000)
    files: list[BufferedRandom] = []

    def to_a_file() -> Outcome:
        handle = (tmp_path / f"answer{len(files)}").open("w+b")
        files.append(handle)
        gate.wait(10)
        return Outcome("solutions", "json", file=handle, size=0)

    assert _burst(spooled, to_a_file, 3) == ["miss"] * 3  # a file is read once: one run each
    assert len(files) == 3
    for handle in files:
        handle.close()
