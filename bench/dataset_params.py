"""What the dataset a front-end sends with each remote query costs: a point lookup through
``lisgraph serve --store`` before and after a change, against the embedded store, interleaved.

    python bench/dataset_params.py --build dist --before 47c921a
    python bench/dataset_params.py --build /tmp/syn1m/dist --before 47c921a --stores oxigraph
    python bench/dataset_params.py --build dist --before 546cacf --distinct --query point,graph

For each store (Oxigraph server, read-only, over the build's store image loaded by
``oxigraph load``; Virtuoso with lisgraph's test ini, published to by ``lisgraph publish``),
started here on 127.0.0.1: three front-ends (two workers each, query cache off), the embedded
store, ``serve --store`` running the ``--before`` commit's ``lisgraph`` (exported with
``git archive``) and ``serve --store`` running this checkout's. Then ``--rounds`` rounds, each
sending ``--block`` point lookups to every front-end in turn (the order rotating each round):
the median latency per front-end, and the CPU per request of the front-end's processes and of
the store's (utime + stime of each process group, over its blocks only).

One JSON object to ``bench/out/dataset_params.json``, and a table to standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stores.oxigraph_server import OXIGRAPH  # noqa: E402
from bench.stores.server import free_port, stop_process_group  # noqa: E402
from bench.stores.virtuoso import Virtuoso  # noqa: E402
from lisgraph.publish.store_image import write_store_image  # noqa: E402

BASE = "https://w3id.org/lisgraph/"
UNION = BASE + "graph/lisgraph"
POINT = f"SELECT ?p ?o WHERE {{ <{BASE}id/lep/E37000057> ?p ?o }}"
#: A lookup in every named graph (GRAPH with a variable: the source graphs go with it), of a
#: subject in few graphs (3 in the 1M synthetic build, 2 in the real one).
GRAPH_POINT = f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{BASE}id/organisation/fe-news> ?p ?o }} }}"
QUERIES = {"point": POINT, "graph": GRAPH_POINT}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pgid: int) -> float:
    """CPU time (user + system, with reaped children) of every process in group ``pgid``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[2]) == pgid:
            total += sum(int(value) for value in stat[11:15])
    return total / CLOCK_TICKS


@contextmanager
def process(
    command: list[str], url: str, env: dict[str, str], log: Path, cwd: Path = ROOT
) -> Iterator[int]:
    """A server in its own process group, up once ``url`` answers 200; yields its group id."""
    with log.open("wb") as out:
        started = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 1800  # a front-end mirrors the store first
        while True:
            if started.poll() is not None:
                raise RuntimeError(f"{command[:4]} exited:\n{log.read_text()[-3000:]}")
            try:
                if requests.get(url, timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer")
            time.sleep(0.5)
        yield started.pid
    finally:
        stop_process_group(started)


def front_end(
    dist: Path, store_url: str | None, code: Path, mirror: Path, log: Path, cache: bool = False
) -> tuple[str, Any]:
    """``lisgraph serve`` from the code in ``code`` (two workers, cache off): its URL, and the
    context that runs it."""
    port = free_port()
    command = [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--build", str(dist)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    if store_url:
        command += ["--store", store_url]
    env = {"PYTHONPATH": str(code), "LISGRAPH_MIRROR_DIR": str(mirror)}
    if not cache:
        env["LISGRAPH_QUERY_CACHE_ENTRIES"] = "0"
    url = f"http://127.0.0.1:{port}/"
    # From ``code``: ``python -m`` puts the working directory first on sys.path.
    return url, process(command, url + "health", env, log, cwd=code)


def oxigraph_store(dist: Path, work: Path) -> tuple[str, Any]:
    """Oxigraph server, read-only, over the build's store image (loaded by ``oxigraph load``)."""
    return read_only_server(loaded_store(dist, work), work / "oxigraph.log")


def loaded_store(dist: Path, work: Path) -> Path:
    """A new Oxigraph store in ``work/oxigraph``, loaded offline from the build's store image."""
    image = write_store_image(dist, UNION, work / "image.nq")
    location = work / "oxigraph"
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(image.path)],
        check=True, capture_output=True, timeout=1800,
    )  # fmt: skip
    image.path.unlink()
    return location


def read_only_server(location: Path, log: Path) -> tuple[str, Any]:
    """``oxigraph serve-read-only`` over ``location`` on a free port: its query URL, and the
    context that runs it (several may serve one location: read replicas)."""
    port = free_port()
    command = [str(OXIGRAPH), "serve-read-only", "--location", str(location)]
    command += ["--bind", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/query"
    return url, process(command, f"{url}?query=ASK%7B%7D", {}, log)


@contextmanager
def virtuoso_store(dist: Path, work: Path, bulk: bool = False) -> Iterator[tuple[str, int]]:
    """Virtuoso (lisgraph's test ini), the build published to it by ``lisgraph publish`` (or,
    with ``bulk``, loaded by ``lisgraph store-image --virtuoso-isql``)."""
    server = Virtuoso(work / "virtuoso").start()
    try:
        how = (
            ["store-image", "--build", str(dist), "--image", str(server.dir / "image.nq"),
             "--virtuoso-isql", f"127.0.0.1:{server.sql_port}"]
            if bulk
            else ["publish", "--build", str(dist), *server.publish_args("auto")]
        )  # fmt: skip
        signin = {"LISGRAPH_STORE_USER": "dba", "LISGRAPH_STORE_PASSWORD": "dba"} if bulk else {}
        done = subprocess.run(
            [sys.executable, "-m", "lisgraph", *how],
            cwd=ROOT, env={**os.environ, **server.env, **signin}, capture_output=True, text=True,
            timeout=3600, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        assert server.process is not None
        yield server.query_url, server.process.pid
    finally:
        server.stop()


def settle(pgids: list[int], limit: float = 600) -> float:
    """Wait until the servers are idle (their page warmers done: under 5% of a core each for
    2 s), at most ``limit`` seconds; the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        before = [cpu_seconds(pgid) for pgid in pgids]
        time.sleep(2)
        if all(cpu_seconds(pgid) - used < 0.1 for pgid, used in zip(pgids, before, strict=True)):
            break
    return round(time.monotonic() - began, 1)


def lookup(session: requests.Session, url: str, query: str = POINT) -> float:
    began = time.perf_counter()
    response = session.post(
        url + "sparql", data={"query": query},
        headers={"Accept": "application/sparql-results+json"}, timeout=300,
    )  # fmt: skip
    elapsed = time.perf_counter() - began
    assert response.status_code == 200, response.text[:300]
    assert response.json()["results"]["bindings"], "the lookup has an answer"
    return elapsed


def measure(
    fronts: dict[str, tuple[str, int]],
    store_pgid: int | None,
    rounds: int,
    block: int,
    query: str = POINT,
    distinct: bool = False,
) -> dict[str, dict[str, float]]:
    """Each front-end's latencies and CPU per lookup. ``distinct``: every lookup's text differs
    (a numbered comment), so no answer cache or ready response can answer it."""
    numbers = iter(range(10**9))

    def text() -> str:
        return f"{query} # {next(numbers)}" if distinct else query

    names = list(fronts)
    times: dict[str, list[float]] = {name: [] for name in names}
    front_cpu = dict.fromkeys(names, 0.0)
    store_cpu = dict.fromkeys(names, 0.0)
    sessions = {name: requests.Session() for name in names}
    for name in names:  # warm: connections, the store's caches
        for _ in range(3):
            lookup(sessions[name], fronts[name][0], text())
    for number in range(rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            url, pgid = fronts[name]
            before = cpu_seconds(pgid), cpu_seconds(store_pgid) if store_pgid else 0.0
            for _ in range(block):
                times[name].append(lookup(sessions[name], url, text()))
            front_cpu[name] += cpu_seconds(pgid) - before[0]
            if store_pgid:
                store_cpu[name] += cpu_seconds(store_pgid) - before[1]
    count = rounds * block
    return {
        name: {
            "requests": count,
            "median_ms": round(1000 * statistics.median(times[name]), 2),
            "p90_ms": round(1000 * statistics.quantiles(times[name], n=10)[-1], 2),
            "front_end_cpu_ms": round(1000 * front_cpu[name] / count, 2),
            "store_cpu_ms": round(1000 * store_cpu[name] / count, 2),
        }
        for name in names
    }


def run_store(kind: str, args: argparse.Namespace, before: Path, work: Path) -> dict[str, Any]:
    dist = args.build.resolve()
    work.mkdir(parents=True)
    with ExitStack() as stack:
        if kind == "oxigraph":
            store_url, starting = (
                read_only_server(args.location, work / "oxigraph.log")
                if args.location
                else oxigraph_store(dist, work)
            )
            store_pgid: int = stack.enter_context(starting)
        else:
            loaded = virtuoso_store(dist, work, bulk=args.virtuoso_bulk)
            store_url, store_pgid = stack.enter_context(loaded)
        # Shared: the mirror is made once, by the first (or given: --mirror).
        mirror = args.mirror or work / f"mirror-{kind}"
        fronts = {}
        for name, url, code in (
            ("embedded", None, ROOT),
            ("before", store_url, before),
            ("after", store_url, ROOT),
        ):
            log = work / f"serve-{name}.log"
            front_url, running = front_end(dist, url, code, mirror, log, args.cache)
            fronts[name] = (front_url, stack.enter_context(running))
        settled = settle([store_pgid, *(pgid for _, pgid in fronts.values())])
        by_query: dict[str, Any] = {}
        for query in args.query.split(","):
            by_query[query] = measure(
                fronts, store_pgid, args.rounds, args.block, QUERIES[query], args.distinct
            )
    for results in by_query.values():
        embedded = results["embedded"]
        for name in ("before", "after"):
            row = results[name]
            row["front_end_cpu_vs_embedded"] = round(
                row["front_end_cpu_ms"] / embedded["front_end_cpu_ms"], 2
            )
            row["cpu_vs_embedded"] = round(
                (row["front_end_cpu_ms"] + row["store_cpu_ms"]) / embedded["front_end_cpu_ms"], 2
            )
        results["after/before median"] = {
            "ratio": round(results["after"]["median_ms"] / results["before"]["median_ms"], 3)
        }
    results = by_query if len(by_query) > 1 else by_query[args.query]
    results["settled_s"] = settled
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "dist")
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--stores", default="oxigraph,virtuoso")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--location", type=Path, help="Oxigraph: serve this store (loaded from the image already)"
    )
    parser.add_argument("--mirror", type=Path, help="where the build is mirrored already")
    parser.add_argument(
        "--virtuoso-bulk",
        action="store_true",
        help="load Virtuoso by store-image --virtuoso-isql instead of publish over HTTP",
    )
    parser.add_argument("--block", type=int, default=10)
    parser.add_argument(
        "--query", default="point", help=f"one or more of {sorted(QUERIES)}, comma-separated"
    )
    parser.add_argument(
        "--distinct", action="store_true", help="every lookup a new text (no cache answers it)"
    )
    parser.add_argument(
        "--cache", action="store_true", help="the front-ends' answer cache on (off by default)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "dataset_params.json")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"before": args.before, "build": str(args.build)}
    with tempfile.TemporaryDirectory(prefix="lisgraph-dataset-params-") as tmp:
        work = Path(tmp)
        before = work / "before"
        before.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.before, "lisgraph"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive.stdout, check=True)
        for kind in args.stores.split(","):
            results[kind] = run_store(kind, args, before, work / kind)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
