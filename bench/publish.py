"""``lisgraph publish`` into real stores, and serving from them, measured.

    python bench/publish.py --build /tmp/syn1m/dist                        # both stores
    python bench/publish.py --build DIST --stores oxigraph --methods auto   # one store, one way

For each store (Virtuoso from Debian with its packaged ``virtuoso.ini``, only ports and
directories changed; Oxigraph server), started here on 127.0.0.1 with an empty database:

1. ``lisgraph publish`` with default settings (``--graph-store auto``: the store's Graph Store
   Protocol endpoint) and, with ``--methods update``, by SPARQL Update only: wall time,
   triples sent and per second, the batch size it ended at, and the batches the store refused;
2. ``lisgraph serve --store`` (which mirrors first): seconds to the first answer, and whether
   the dumps' checksums equal the build's;
3. the query mix of ``bench/run.py`` (cache off), p50/p95 of sequential requests, against the
   same build served from the embedded store.

Results go to ``bench/out/publish.json`` (rewritten after every step) and, as tables, to
standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import free_port, latencies  # noqa: E402
from bench.sections import ACCEPT, QUERIES  # noqa: E402
from bench.stores.oxigraph_server import OxigraphServer  # noqa: E402
from bench.stores.server import StoreServer  # noqa: E402
from bench.stores.virtuoso import Virtuoso  # noqa: E402


def _virtuoso_larger_transactions(directory: Path) -> Virtuoso:
    """The packaged ini with one setting raised: the 1M build of 2026-11-25 had a union graph of
    986,535 triples, more than a transaction may log as packaged (SR325 when ``--in-place``
    switches it; a publish into a store nobody reads has no such switch)."""
    server = Virtuoso(directory, packaged=True)
    ini = server.dir / "virtuoso.ini"
    raised = "[Parameters]\nTransactionAfterImageLimit = 1500000000\n"
    ini.write_text(ini.read_text().replace("[Parameters]\n", raised, 1))
    return server


STORES = {
    "virtuoso-packaged": lambda d: Virtuoso(d, packaged=True),
    "virtuoso-larger-transactions": _virtuoso_larger_transactions,
    "oxigraph": OxigraphServer,
}
_LOADED = re.compile(
    r"Loaded ([\d,]+) triples by (.+?) in ([\d.]+) s \(([\d,]+) triples/s\), ([\d,]+) per batch"
    r"; staging ([\d.]+) s, switch ([\d.]+) s"
)
_REFUSED = re.compile(r"The store refused ([\d,]+) triples in one request \((.*)\); then sent")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def publish(store: StoreServer, dist: Path, method: str, timeout: float) -> dict[str, Any]:
    """Run ``lisgraph publish`` as a user would; what it did and how long it took."""
    # In place: each method publishes again into the one store (the way measured since issue 16).
    command = [sys.executable, "-m", "lisgraph", "publish", "--build", str(dist), "--in-place"]
    command += store.publish_args(graph_store="auto" if method == "auto" else "none")
    began = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **store.env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - began
    if done.returncode != 0:
        return {"method": method, "error": done.stderr[-2000:], "wall_s": wall}
    loaded = _LOADED.search(done.stdout)
    assert loaded, done.stdout
    return {
        "method": method,
        "wall_s": round(wall, 1),
        "load_s": float(loaded.group(3)),
        "triples_sent": _number(loaded.group(1)),
        "rate": _number(loaded.group(4)),
        "how": loaded.group(2),
        "final_batch": _number(loaded.group(5)),
        "staging_s": float(loaded.group(6)),
        "switch_s": float(loaded.group(7)),
        "notes": [line.strip() for line in done.stdout.splitlines() if "to switch" in line],
        "refused": [
            {"size": _number(m.group(1)), "reason": m.group(2)}
            for m in _REFUSED.finditer(done.stdout)
        ],
    }


@contextmanager
def front_end(dist: Path, store: StoreServer | None, mirror: Path) -> Iterator[tuple[str, float]]:
    """``lisgraph serve`` (two workers, cache off) over ``store`` or the embedded build; its URL
    and the seconds it took to answer (including the mirror, which may take minutes)."""
    port = free_port()
    command = [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--build", str(dist)]
    command += ["--port", str(port), "--workers", "2"]
    if store is not None:
        command += ["--store", store.query_url]
    env = {"LISGRAPH_QUERY_CACHE_ENTRIES": "0", "LISGRAPH_MIRROR_DIR": str(mirror)}
    url = f"http://127.0.0.1:{port}/"
    log = mirror.with_suffix(".log")
    mirror.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"lisgraph serve exited:\n{log.read_text()[-3000:]}")
            try:
                if requests.get(url + "health", timeout=30).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.perf_counter() - began > 3600:
                raise RuntimeError("lisgraph serve did not answer within an hour")
            time.sleep(0.5)
        yield url, time.perf_counter() - began
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def query_mix(url: str, count: int) -> dict[str, dict[str, float]]:
    session = requests.Session()
    results = {}
    for name, query in QUERIES.items():
        target = f"{url}sparql?query={quote(query)}"

        def call(t: str = target) -> None:
            session.get(t, headers={"Accept": ACCEPT}, timeout=300).raise_for_status()

        results[name] = {k: round(v, 1) for k, v in latencies(call, count, budget=60).items()}
    return results


def save(out: Path, results: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


def report(results: dict[str, Any]) -> str:
    lines = [
        "| store | method | wall s | staging s | switch s | triples sent | triples/s "
        "| batches refused; kept |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, store in results["stores"].items():
        for run in store["publish"]:
            if "error" in run:
                lines.append(f"| {name} | {run['method']} | failed | | | {run['error'][:80]} |")
                continue
            refused = ", ".join(f"{r['size']:,}" for r in run["refused"]) or "none"
            lines.append(
                f"| {name} | {run['how']} | {run['wall_s']:.1f} | {run['staging_s']:.1f} "
                f"| {run['switch_s']:.1f} | {run['triples_sent']:,} "
                f"| {run['rate']:,} | refused: {refused}; kept {run['final_batch']:,} |"
            )
    lines += ["", "| query (p50 / p95 ms) | " + " | ".join(results["served"]) + " |"]
    lines.append("|---|" + "---:|" * len(results["served"]))
    for query in QUERIES:
        cells = [
            f"{served['queries'][query]['p50_ms']:.1f} / {served['queries'][query]['p95_ms']:.1f}"
            for served in results["served"].values()
        ]
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    starts = [
        f"{name}: {served['start_s']:.1f} s, dumps "
        + ("identical" if served["same_dumps"] else "DIFFER")
        for name, served in results["served"].items()
    ]
    return "\n".join([*lines, "", "Start to first answer (with the mirror): " + "; ".join(starts)])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True, type=Path, help="the build to publish")
    parser.add_argument(
        "--stores", default="virtuoso-packaged,oxigraph", help=f"of {', '.join(STORES)}"
    )
    parser.add_argument("--methods", default="auto,update", help="auto (default settings), update")
    parser.add_argument("--requests", type=int, default=20, help="sequential requests per query")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per publish")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "publish.json")
    args = parser.parse_args(argv)
    dist = args.build.resolve()
    sums = (dist / "SHA256SUMS").read_text()
    info = json.loads((dist / "build.json").read_text())
    results: dict[str, Any] = {"build": str(dist), "triples": info.get("triples"), "stores": {}}
    results["served"] = {}
    with tempfile.TemporaryDirectory(prefix="lisgraph-bench-publish-") as work:
        with front_end(dist, None, Path(work) / "unused") as (url, seconds):
            results["served"]["embedded"] = {
                "start_s": seconds,
                "same_dumps": True,
                "queries": query_mix(url, args.requests),
            }
        save(args.out, results)
        for name in args.stores.split(","):
            store = STORES[name](Path(work) / name).start()
            try:
                runs: list[dict[str, Any]] = []
                results["stores"][name] = {"publish": runs}
                for method in args.methods.split(","):
                    runs.append(publish(store, dist, method, args.timeout))
                    print(json.dumps(runs[-1]), flush=True)
                    save(args.out, results)
                with front_end(dist, store, Path(work) / f"mirror-{name}") as (url, seconds):
                    served = requests.get(url + "downloads/SHA256SUMS", timeout=60).text
                    results["served"][name] = {
                        "start_s": seconds,
                        "same_dumps": served == sums,
                        "queries": query_mix(url, args.requests),
                    }
                save(args.out, results)
            finally:
                store.stop()
    print(report(results))
    return results


if __name__ == "__main__":
    main()
