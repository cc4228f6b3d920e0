"""Throughput of two checkouts of lisgraph, interleaved on one build: the check a change to a hot
path (the worker, request hooks, admission, caches, pages) passes before it lands.

Each round starts ``lisgraph serve`` from one checkout, then the other (the order alternating
from round to round, so that neither always follows the other's load), each on the same build
with the same settings, waits ``--settle`` seconds for the page warmer, and measures with
``wrk`` (``-t2 -c64``, keep-alive) the requests per second of a point lookup (the answer
cached: it is asked once first), an HTML page and ``/health``, and the server's CPU per
request. The medians of the rounds and
their ratio (after / before) are printed, and every figure is written as JSON::

    git worktree add /tmp/before <commit>
    python bench/ab.py --before /tmp/before --after . --build dist --rounds 3 --seconds 10
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench.harness import (
    POINT_LOOKUP,
    ROOT,
    free_port,
    session_cpu_seconds,
    session_of_port,
    started,
    wrk_run,
)

REQUESTS = {
    "lookup": (
        "sparql?query=" + urllib.parse.quote(POINT_LOOKUP),
        "application/sparql-results+json",
    ),
    "page": ("doc/lep/E37000057", "text/html"),
    "health": ("health", "*/*"),
}


def measure(checkout: Path, build: Path, seconds: float, settle: float) -> dict[str, float]:
    """Requests per second of each of REQUESTS against a server run from ``checkout``, and the
    server's CPU per request (``{name}_cpu_us``, all its processes' user and system time)."""
    port = free_port()
    command = [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--build", str(build)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    # Run in its checkout, which python -m puts first on the path: lisgraph is imported from it.
    checkout = checkout.resolve()
    env = {"PYTHONPATH": str(checkout)}
    with started(command, f"http://127.0.0.1:{port}/health", env=env, cwd=checkout) as health:
        root = health.removesuffix("health")
        time.sleep(settle)
        session = session_of_port(port)
        figures = {}
        for name, (path, accept) in REQUESTS.items():
            for _ in range(20):  # one connection each: every worker has the answer cached
                requests.get(root + path, headers={"Accept": accept}, timeout=30)
            cpu = session_cpu_seconds(session)
            run = wrk_run(root + path, seconds, accept)
            if run["non_2xx"] or run["socket_errors"]:
                raise RuntimeError(f"errors under load on {path}: {run}")
            figures[name] = run["rps"]
            figures[f"{name}_cpu_us"] = 1e6 * (session_cpu_seconds(session) - cpu) / run["requests"]
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the baseline's checkout")
    parser.add_argument("--after", type=Path, required=True, help="the changed checkout")
    parser.add_argument("--build", type=Path, required=True, help="the build both serve")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run")
    parser.add_argument("--settle", type=float, default=15.0, help="wait after start-up")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ab.json")
    args = parser.parse_args()
    sides = {"before": args.before, "after": args.after}
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for round_number in range(args.rounds):
        order = ["before", "after"] if round_number % 2 == 0 else ["after", "before"]
        for side in order:
            figures = measure(sides[side], args.build.resolve(), args.seconds, args.settle)
            runs[side].append(figures)
            shown = ", ".join(f"{k} {v:,.0f}/s" for k, v in figures.items())
            print(f"round {round_number + 1} {side:6s} {shown}", flush=True)
    print(f"\n{'request':8s} {'before':>10s} {'after':>10s} {'after/before':>13s}  (medians)")
    summary = {}
    for name in [*REQUESTS, *(f"{n}_cpu_us" for n in REQUESTS)]:
        before = statistics.median(r[name] for r in runs["before"])
        after = statistics.median(r[name] for r in runs["after"])
        summary[name] = {"before": before, "after": after, "ratio": after / before}
        print(f"{name:8s} {before:10,.0f} {after:10,.0f} {after / before:13.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": runs, "medians": summary}, indent=1) + "\n")


if __name__ == "__main__":
    main()
