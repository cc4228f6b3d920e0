"""Blue/green through a store pointer, timed: two read-only Oxigraph stores (the build, and the
build with one more triple), two front-ends following ``--store @FILE``, and readers asking the
whole time; the pointer renamed from one store to the other ``--switches`` times.

    python bench/store_switch.py --build dist --poll 0.5 --switches 10
    python bench/store_switch.py --build big/dist --reader lookup --work /tmp/switch-1m  # 1M

For each switch: the seconds from the rename until every front-end answers from the new store
(asked with a cheap lookup of the added triple), and every answer the readers saw (each counts
the default graph and the named graphs at once: it must be one whole version). One JSON object
out.

``--reader count`` (the default) counts every triple of both, which at 1M takes seconds a query:
the readers then hold the query processes and the lookup that times the move waits behind them
(queueing, not the move). ``--reader lookup`` asks, in one answer, whether the added triple is
in the default graph and in a named graph: cheap at any size, and a mixed version would still
show as (1, 0) or (0, 1). ``--work DIR`` keeps the stores and mirrors there for the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import run_lisgraph  # noqa: E402
from bench.stores.oxigraph_server import OxigraphReadOnly  # noqa: E402
from bench.stores.server import free_port, stop_process_group  # noqa: E402

# Cheap, to time the move: 1 in the changed build (its added triple), 0 in the build.
ADDED = "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/lisgraph/id/test/x> ?p ?o }"
BOTH = (
    "SELECT ?n ?m WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } "
    "{ SELECT (COUNT(*) AS ?m) WHERE { GRAPH ?g { ?s ?p ?o } } } }"
)


def changed_copy(build: Path, target: Path) -> Path:
    """The build with one more triple, in a new source graph, and another digest."""
    shutil.copytree(build, target)
    base = "https://w3id.org/lisgraph/"
    triple = f'<{base}id/test/x> <http://www.w3.org/2000/01/rdf-schema#label> "added" '
    with (target / "lisgraph.nq").open("a") as quads:
        quads.write(f"{triple}<{base}graph/test-added> .\n")
    with (target / "lisgraph.nt").open("a") as triples:
        triples.write(f"{triple}.\n")
    info = (target / "build.json").read_text()
    (target / "build.json").write_text(info.replace('"inputs_digest": "', '"inputs_digest": "f'))
    return target


LOOKUP = (
    "SELECT ?n ?m WHERE { { SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/lisgraph/id/test/x> "
    "?p ?o } } { SELECT (COUNT(*) AS ?m) WHERE { GRAPH ?g { <https://w3id.org/lisgraph/id/test/x> "
    "?p ?o } } } }"
)


def counts(session: requests.Session, url: str, query: str = BOTH) -> tuple[int, int]:
    response = session.post(url + "sparql", data={"query": query},
                            headers={"Accept": "text/csv"}, timeout=60)  # fmt: skip
    response.raise_for_status()
    n, m = response.text.splitlines()[1].split(",")
    return int(n), int(m)


def added(session: requests.Session, url: str) -> int | None:
    """1 or 0 as above; None when the front-end is busy (503: its query processes are taken by
    the readers' counts, which at 1M take seconds each)."""
    response = session.post(url + "sparql", data={"query": ADDED},
                            headers={"Accept": "text/csv"}, timeout=60)  # fmt: skip
    if response.status_code == 503:
        return None
    response.raise_for_status()
    return int(response.text.splitlines()[1])


_SWAP = re.compile(r"^\[(\S+ \S+)\] \[(\d+)\] \[INFO\] Now serving build (\w+)", re.MULTILINE)


def worker_swaps(logs: list[Path], renamed: list[tuple[float, str]]) -> list[float]:
    """For each switch: seconds from the rename until the last worker that moved (of every
    front-end) had its snapshot on the new store, from the workers' "Now serving" lines."""
    lines: list[tuple[float, str, str]] = []
    for log in logs:
        for stamp, pid, digest in _SWAP.findall(log.read_text(errors="replace")):
            moment = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=dt.UTC)
            lines.append((moment.timestamp(), log.name + pid, digest))
    swaps = []
    for number, (at, digest) in enumerate(renamed):
        until = renamed[number + 1][0] if number + 1 < len(renamed) else float("inf")
        first: dict[str, float] = {}
        for when, worker, moved_to in sorted(lines):
            if at <= when < until and moved_to == digest:
                first.setdefault(worker, when - at)
        if first:
            swaps.append(round(max(first.values()), 3))
    return swaps


def point(pointer: Path, url: str) -> None:
    fresh = pointer.with_suffix(".new")
    fresh.write_text(url + "\n")
    os.replace(fresh, pointer)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "dist")
    parser.add_argument("--poll", type=float, default=0.5)
    parser.add_argument("--switches", type=int, default=10)
    parser.add_argument("--reader", choices=("count", "lookup"), default="count")
    parser.add_argument("--work", type=Path, help="keep the stores and mirrors here (reused)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout front-ends run")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="lisgraph-store-switch-"))
    work.mkdir(parents=True, exist_ok=True)
    reader_query = BOTH if args.reader == "count" else LOOKUP
    stores, fronts = [], []
    stop = threading.Event()
    try:
        changed = work / "changed"
        if not (changed / "build.json").exists():
            shutil.rmtree(changed, ignore_errors=True)
            changed_copy(args.build.resolve(), changed)
        builds = [args.build.resolve(), changed]
        urls = []
        for n, build in enumerate(builds):
            directory = work / f"store-{n}"
            if not (directory / "data").exists():
                run_lisgraph("store-image", "--build", str(build), "--image", str(work / f"{n}.nq"),
                             "--oxigraph-location", str(directory / "data"))  # fmt: skip
            stores.append(OxigraphReadOnly(directory).start())
            urls.append(stores[-1].query_url)
            run_lisgraph("mirror", "--store", urls[-1], "--mirror-dir", str(work / "mirrors"))
        pointer = work / "store-url"
        point(pointer, urls[0])
        env = {
            **os.environ,
            "LISGRAPH_STORE_POLL_SECONDS": str(args.poll),
            "LISGRAPH_MIRROR_DIR": str(work / "mirrors"),
            "LISGRAPH_QUERY_CACHE_ENTRIES": "0",
            # Every reader comes from 127.0.0.1: one client's share would queue them all.
            "LISGRAPH_CLIENT_QUERIES": "8",
            "LISGRAPH_CLIENT_QUEUED": "16",
        }
        for n in range(2):
            port = free_port()
            log = (work / f"serve-{n}.log").open("wb")
            fronts.append((subprocess.Popen(
                [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--build",
                 str(builds[0]), "--port", str(port), "--workers", "2", "--store", f"@{pointer}"],
                cwd=args.code, env={**env, "PYTHONPATH": str(args.code)}, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            ), f"http://127.0.0.1:{port}/"))  # fmt: skip
        for _, url in fronts:
            deadline = time.monotonic() + 300
            while True:
                try:
                    if requests.get(url + "health", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, "a front-end did not start"
                time.sleep(0.3)
        seen: dict[tuple[int, int] | str, int] = {}

        def read(url: str) -> None:
            session = requests.Session()
            while not stop.is_set():
                try:
                    key: tuple[int, int] | str = counts(session, url, reader_query)
                except requests.RequestException as exc:
                    key = f"error: {type(exc).__name__}"
                seen[key] = seen.get(key, 0) + 1

        readers = [threading.Thread(target=read, args=(url,), daemon=True) for _, url in fronts]
        for reader in readers:
            reader.start()
        moves: list[float] = []
        renamed: list[tuple[float, str]] = []
        digests = [json.loads((b / "build.json").read_text())["inputs_digest"] for b in builds]
        for number in range(args.switches):
            target = urls[(number + 1) % 2]
            began = time.monotonic()
            renamed.append((time.time(), digests[(number + 1) % 2]))
            point(pointer, target)
            sessions = [requests.Session() for _ in fronts]
            while True:
                now = {added(s, url) for s, (_, url) in zip(sessions, fronts, strict=True)}
                if now == {1 if target == urls[1] else 0}:
                    break
                assert time.monotonic() - began < 60, "the front-ends did not move"
            moves.append(time.monotonic() - began)
            time.sleep(args.poll)
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
        swaps = worker_swaps([work / f"serve-{n}.log" for n in range(len(fronts))], renamed)
        result = {
            "swap_s": swaps,
            "swap_s_median": round(statistics.median(swaps), 3) if swaps else None,
            "code": str(args.code),
            "poll_s": args.poll,
            "reader": args.reader,
            "moves_s": [round(m, 3) for m in moves],
            "switches": args.switches,
            "move_s_median": round(statistics.median(moves), 3),
            "move_s_max": round(max(moves), 3),
            "answers_seen": {str(k): v for k, v in seen.items()},
        }
    finally:
        stop.set()  # the readers stop too when a switch fails
        for process, _ in fronts:
            stop_process_group(process)
        for store in stores:
            store.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
