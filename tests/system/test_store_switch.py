"""Blue/green: the front-ends follow a **store pointer** (``--store @FILE``: a file holding the
store's URL), so a new version is bulk-loaded into a new store that nobody reads, and the switch
is one atomic rename of that file. Every answer comes from one whole version, ``GRAPH`` queries
included, and no store that serves reads is ever written to."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.stores.oxigraph_server import OXIGRAPH, SKIP_REASON, OxigraphReadOnly
from lisgraph.builder import BuildResult

from ..helpers import run_lisgraph, start_server, stop_server
from .test_oxigraph_replicas import point, replicas_of
from .test_remote import _changed_build

# One query reading the default graph and the named graphs (through GRAPH): one answer, so what
# one version holds in both, if answers come from whole versions.
BOTH = (
    "SELECT ?n ?m WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } "
    "{ SELECT (COUNT(*) AS ?m) WHERE { GRAPH ?g { ?s ?p ?o } } } }"
)


def _front_ends(built: BuildResult, pointer: Path, mirrors: Path, logs: Path) -> list[Any]:
    """Two front-ends (two workers each) following the store pointer, polling every 0.2 s."""
    env = {"LISGRAPH_STORE_POLL_SECONDS": "0.2", "LISGRAPH_MIRROR_DIR": str(mirrors)}
    return [
        start_server(
            built.out_dir, "--workers", "2", "--store", f"@{pointer}", env=env,
            log=logs / f"serve-{n}.log",
        )
        for n in (1, 2)
    ]  # fmt: skip


def _counts(url: str) -> tuple[int, int]:
    """Triples in the default graph, and in the named graphs, in one answer."""
    response = requests.post(
        url + "sparql", data={"query": BOTH}, headers={"Accept": "text/csv"}, timeout=30
    )
    assert response.status_code == 200, response.text
    n, m = response.text.splitlines()[1].split(",")
    return int(n), int(m)


def test_front_ends_move_to_a_new_store_whole(built: BuildResult, tmp_path: Path) -> None:
    if OXIGRAPH is None:
        pytest.skip(SKIP_REASON)
    changed = _changed_build(built.out_dir, tmp_path / "changed")
    (tmp_path / "blue").mkdir()
    (tmp_path / "green").mkdir()
    (blue,) = replicas_of(built.out_dir, tmp_path / "blue", count=1)
    (green,) = replicas_of(changed, tmp_path / "green", count=1)
    pointer = tmp_path / "store-url"
    mirrors = tmp_path / "mirrors"
    fronts = []
    try:
        point(pointer, [blue.query_url])
        fronts = _front_ends(built, pointer, mirrors, tmp_path)
        old = {_counts(url) for _, url in fronts}
        assert old == {(built.triples, built.quads)}
        new = (built.triples + 1, built.quads + 1)
        # The new version's dumps, mirrored before the switch (else front-ends wait for them).
        mirrored = run_lisgraph("mirror", "--store", green.query_url, "--mirror-dir", str(mirrors))
        assert mirrored.returncode == 0, mirrored.stderr

        seen: list[tuple[int, int] | str] = []
        stop = threading.Event()

        def read(url: str) -> None:
            while not stop.is_set() and len(seen) < 2000:
                try:
                    seen.append(_counts(url))
                except (AssertionError, requests.RequestException) as exc:
                    seen.append(f"{url}: {exc}")

        readers = [threading.Thread(target=read, args=(url,)) for _, url in fronts]
        for reader in readers:
            reader.start()
        time.sleep(0.5)
        switched = time.monotonic()
        point(pointer, [green.query_url])
        deadline = switched + 20
        while {_counts(url) for _, url in fronts} != {new}:
            assert time.monotonic() < deadline, "the front-ends did not move to the new store"
            time.sleep(0.05)
        blue.stop()  # retired: nothing reads it any more
        time.sleep(0.5)
        stop.set()
        for reader in readers:
            reader.join(timeout=30)
        errors = [s for s in seen if isinstance(s, str)]
        assert not errors, errors[:3]
        # Every answer came from one whole version, the old or the new, GRAPH included.
        assert set(seen) <= {(built.triples, built.quads), new}, set(seen)
        assert (built.triples, built.quads) in seen and new in seen
    finally:
        for process, _ in fronts:
            stop_server(process)
        blue.stop()
        green.stop()


def test_front_ends_over_read_replicas_move_to_new_replicas_whole(
    built: BuildResult, tmp_path: Path
) -> None:
    """Two front-ends over two read replicas (one store pointer naming both): a new version is
    loaded offline into two new replicas while readers ask, the pointer is renamed to them, and
    every answer is one whole version with no error, also after the old replicas are stopped
    and one of the new ones dies (its queries go to the other)."""
    if OXIGRAPH is None:
        pytest.skip(SKIP_REASON)
    (tmp_path / "blue").mkdir()
    blue = replicas_of(built.out_dir, tmp_path / "blue")
    green: list[OxigraphReadOnly] = []
    pointer, mirrors = tmp_path / "store-url", tmp_path / "mirrors"
    fronts = []
    seen: Counter[tuple[int, int] | str] = Counter()
    stop = threading.Event()
    readers: list[threading.Thread] = []
    try:
        point(pointer, [server.query_url for server in blue])
        fronts = _front_ends(built, pointer, mirrors, tmp_path)
        old, new = (built.triples, built.quads), (built.triples + 1, built.quads + 1)
        assert {_counts(url) for _, url in fronts} == {old}

        def read(url: str) -> None:
            while not stop.is_set():
                try:
                    answer: tuple[int, int] | str = _counts(url)
                except (AssertionError, requests.RequestException) as exc:
                    answer = f"{url}: {exc}"
                with lock:
                    seen[answer] += 1

        lock = threading.Lock()

        readers = [threading.Thread(target=read, args=(url,)) for _, url in fronts * 2]
        for reader in readers:
            reader.start()
        # The new version, loaded offline into new replicas and mirrored, under the readers.
        changed = _changed_build(built.out_dir, tmp_path / "changed")
        (tmp_path / "green").mkdir()
        green = replicas_of(changed, tmp_path / "green")
        mirrored = run_lisgraph(
            "mirror", "--store", green[0].query_url, "--mirror-dir", str(mirrors)
        )
        assert mirrored.returncode == 0, mirrored.stderr
        point(pointer, [server.query_url for server in green])
        deadline = time.monotonic() + 30
        while {_counts(url) for _, url in fronts} != {new}:
            assert time.monotonic() < deadline, "the front-ends did not move to the new replicas"
            time.sleep(0.05)
        for server in blue:
            server.stop()  # retired: nothing reads them any more
        green[0].kill()  # a replica dies: its share of the queries goes to the other
        answered = seen[new]
        deadline = time.monotonic() + 30
        while seen[new] < answered + 20:
            assert time.monotonic() < deadline, "the readers stopped getting answers"
            time.sleep(0.1)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
        for process, _ in fronts:
            stop_server(process)
        for server in blue + green:
            server.stop()
    errors = [s for s in seen if isinstance(s, str)]
    assert not errors, errors[:3]
    assert set(seen) <= {old, new}, seen
    assert seen[old] and seen[new] >= 20  # and 20 of them after the replica died
