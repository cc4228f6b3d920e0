"""lisgraph's publish against the store's own bulk loader, on the same quads (issue 26): rounds
that interleave, for each store, the bare loader, lisgraph's bulk path and lisgraph's publish over
HTTP, each into a new store; wall times, the store process's peak RSS (sampled from /proc every
0.1 s) and the quads loaded.

    python bench/publish_vs_loader.py --build DIST --rounds 3 [--stores oxigraph,virtuoso]

- Oxigraph: bare = ``oxigraph load --location NEW --file IMAGE`` (the image written once, before
  the rounds); bulk = ``lisgraph store-image --image NEW.nq --oxigraph-location NEW`` (writes the
  image, then runs that loader); http = ``lisgraph publish`` into a new ``oxigraph serve``.
- Virtuoso with Debian's packaged ini: bare = ``ld_dir`` + ``rdf_loader_run()`` + ``checkpoint``
  of the image already in the store's directory (the packaged ``DirsAllowed`` has ``.``, the
  server's directory); bulk = ``lisgraph store-image --image DIR/v.nq --virtuoso-isql HOST:PORT``
  (writes the image into that directory, then runs the same statements itself);
  http = ``lisgraph publish`` by its digest endpoint (``/sparql-auth``).

Starting a store is not timed. One JSON object out (and in ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import run_lisgraph  # noqa: E402
from bench.stores.oxigraph_server import OXIGRAPH, OxigraphServer  # noqa: E402
from bench.stores.virtuoso import ISQL, Virtuoso  # noqa: E402

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc/PID/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except OSError:
            pass
    return found


@contextmanager
def peak_rss(pid: Callable[[], int | None], name: str | None = None) -> Iterator[dict[str, int]]:
    """Sample the RSS of the process ``pid()`` names (or, with ``name``, of the largest
    descendant whose command is ``name``) every 0.1 s; ``peak["bytes"]`` once done."""
    peak = {"bytes": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            root = pid()
            if root is not None:
                pids = _tree(root) if name else [root]
                for each in pids:
                    try:
                        command = Path(f"/proc/{each}/comm").read_text().strip()
                    except OSError:
                        continue
                    if name is None or command == name:
                        peak["bytes"] = max(peak["bytes"], _rss(each))
            stop.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def oxigraph_run(way: str, dist: Path, image: Path, work: Path) -> dict[str, Any]:
    assert OXIGRAPH
    location = work / "ox"
    work.mkdir(parents=True, exist_ok=True)
    if way in ("bare", "bulk"):
        holder: dict[str, subprocess.Popen[bytes]] = {}
        if way == "bare":
            command = [OXIGRAPH, "load", "--location", str(location), "--file", str(image)]
        else:
            command = [sys.executable, "-m", "lisgraph", "store-image", "--build", str(dist),
                       "--image", str(work / "v.nq"),
                       "--oxigraph-location", str(location)]  # fmt: skip
        began = time.monotonic()
        with peak_rss(lambda: holder["p"].pid if "p" in holder else None, "oxigraph") as peak:
            holder["p"] = subprocess.Popen(
                command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            _, err = holder["p"].communicate()
        seconds = time.monotonic() - began
        if holder["p"].returncode != 0:
            raise RuntimeError(f"{command[:3]} failed: {err[-2000:]!r}")
        server = OxigraphServer(work / "serve")
        server.command = lambda: [OXIGRAPH, "serve-read-only", "--location", str(location),  # type: ignore[method-assign]
                                  "--bind", f"127.0.0.1:{server.port}"]  # fmt: skip
        server.first_start = lambda: False  # type: ignore[method-assign]
        server.start()
    else:
        server = OxigraphServer(work / "serve").start()
        began = time.monotonic()
        with peak_rss(lambda: server.process.pid if server.process else None) as peak:
            run_lisgraph("publish", "--build", str(dist), "--no-progress", "--endpoint",
                         server.query_url, "--update-endpoint", server.update_url)  # fmt: skip
        seconds = time.monotonic() - began
    try:
        quads = int(server.select(COUNT)[1][0])
    finally:
        server.kill()
    return {"s": round(seconds, 1), "peak_rss_mb": round(peak["bytes"] / 2**20), "quads": quads}


def virtuoso_run(way: str, dist: Path, image: Path, work: Path) -> dict[str, Any]:
    assert ISQL
    server = Virtuoso(work / "v", packaged=True).start()

    def isql(statement: str) -> str:
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{server.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True, text=True, timeout=3600, check=False,
        )  # fmt: skip
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql {statement!r} failed: {done.stdout}{done.stderr}")
        return done.stdout

    try:
        if way == "bare":
            shutil.copyfile(image, server.dir / "v.nq")
        with peak_rss(lambda: server.process.pid if server.process else None) as peak:
            began = time.monotonic()
            if way == "bulk":  # the command writes the image and runs the same three statements
                signin = {"LISGRAPH_STORE_USER": "dba", "LISGRAPH_STORE_PASSWORD": "dba"}
                target = str(server.dir / "v.nq")
                isql_address = f"127.0.0.1:{server.sql_port}"
                run_lisgraph("store-image", "--build", str(dist), "--image", target,
                             "--virtuoso-isql", isql_address, env=signin)  # fmt: skip
            elif way == "bare":
                isql("ld_dir('.', 'v.nq', 'urn:unused');")
                isql("rdf_loader_run();")
                isql("checkpoint;")
                errors = isql("SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
                assert " 0\n" in errors or "\n0\n" in errors, errors
            else:
                run_lisgraph("publish", "--build", str(dist), "--no-progress",
                             "--endpoint", server.sparql_auth, env=server.env)  # fmt: skip
            seconds = time.monotonic() - began
        query = COUNT.replace("} }", "} FILTER(STRSTARTS(STR(?g), 'https://w3id.org/lisgraph/')) }")
        quads = int(server.select(query)[1][0])
    finally:
        server.kill()
    return {"s": round(seconds, 1), "peak_rss_mb": round(peak["bytes"] / 2**20), "quads": quads}


RUNS = {"oxigraph": oxigraph_run, "virtuoso": virtuoso_run}


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stores", default="oxigraph,virtuoso")
    parser.add_argument("--ways", default="bare,bulk,http")
    parser.add_argument(
        "--http-rounds", type=int, help="publish over HTTP in the first N rounds only"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "out" / "publish_vs_loader.json"
    )
    args = parser.parse_args()
    dist = args.build.resolve()
    stores, ways = args.stores.split(","), args.ways.split(",")
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lisgraph-pvl-") as temp:
        # each store's bare loader gets the quads lisgraph's bulk path gives it: Oxigraph's image
        # has the union again as the default graph, Virtuoso's has none (--virtuoso-isql implies
        # --no-default-graph: ld_dir would put default-graph triples in the graph it is given)
        images = {store: Path(temp) / f"{store}.nq" for store in stores}
        for store, image in images.items():
            extra = ["--no-default-graph"] if store == "virtuoso" else []
            run_lisgraph("store-image", "--build", str(dist), "--image", str(image), *extra)
        for number in range(args.rounds):
            for store in stores:
                order = ways if number % 2 == 0 else ways[::-1]
                if args.http_rounds is not None and number >= args.http_rounds:
                    order = [way for way in order if way != "http"]
                for way in order:
                    work = Path(temp) / f"{store}-{way}-{number}"
                    load = _load()
                    result = RUNS[store](way, dist, images[store], work)
                    result.update(
                        store=store, way=way, round=number, load_before=load, load_after=_load()
                    )
                    print(json.dumps(result), file=sys.stderr, flush=True)
                    runs.append(result)
                    shutil.rmtree(work, ignore_errors=True)
    summary: dict[str, Any] = {}
    for store in stores:
        of = {way: [r for r in runs if r["store"] == store and r["way"] == way] for way in ways}
        medians = {way: statistics.median(r["s"] for r in rs) for way, rs in of.items() if rs}
        summary[store] = {
            way: {
                "median_s": medians[way],
                "seconds": [r["s"] for r in rs],
                "peak_rss_mb": [r["peak_rss_mb"] for r in rs],
                "quads": sorted({r["quads"] for r in rs}),
                "x_bare": round(medians[way] / medians["bare"], 2) if medians.get("bare") else None,
            }
            for way, rs in of.items()
            if rs
        }
    result = {"build": str(dist), "rounds": args.rounds, "summary": summary, "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
