"""lisgraph against Debian's packaged Virtuoso on the same build, in one run and interleaved:
the point lookup both answer (JSON results), lisgraph's HTML page against its own Turtle, and
the CPU a cached request costs lisgraph's server (issue 28).

Virtuoso runs with ``/etc/virtuoso-opensource-7/virtuoso.ini`` as packaged (only its ports and
directories changed) and is loaded by ``lisgraph publish``, as a user would load it. lisgraph
runs ``lisgraph serve --workers 2`` on the build. Each round measures both with ``wrk -t2
-c64`` (keep-alive), the order alternating from round to round; the answer is asked once
beforehand on 64 connections, so that every worker has it. Every figure, the non-2xx answers
included, is printed and written as JSON::

    python bench/versus_virtuoso.py --build dist --rounds 3 --seconds 10

The CPU per request is the server's processes' user and system time over the lookup run (read
from ``/proc``, all processes of the server's session: gunicorn's master, workers and query
processes) divided by the requests answered.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

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
from bench.stores.virtuoso import Virtuoso

JSON = "application/sparql-results+json"
PAGE = "doc/lep/E37000057"


def prime(url: str, accept: str) -> None:
    """Ask ``url`` once on each of 64 connections, so every worker has the answer cached."""

    def once(_: int) -> None:
        requests.get(url, headers={"Accept": accept}, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(once, range(64)))


def measure_lisgraph(root: str, session: int, seconds: float) -> dict[str, Any]:
    lookup = root + "sparql?query=" + urllib.parse.quote(POINT_LOOKUP)
    prime(lookup, JSON)
    cpu = session_cpu_seconds(session)
    figures: dict[str, Any] = {"lookup": wrk_run(lookup, seconds, JSON)}
    cpu = session_cpu_seconds(session) - cpu
    figures["lookup"]["cpu_us_per_request"] = 1e6 * cpu / max(1, figures["lookup"]["requests"])
    for name, accept in (("page_html", "text/html"), ("page_turtle", "text/turtle")):
        prime(root + PAGE, accept)
        figures[name] = wrk_run(root + PAGE, seconds, accept)
    return figures


def measure_virtuoso(virtuoso: Virtuoso, seconds: float) -> dict[str, Any]:
    lookup = virtuoso.sparql + "?query=" + urllib.parse.quote(POINT_LOOKUP)
    prime(lookup, JSON)
    return {"lookup": wrk_run(lookup, seconds, JSON)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, required=True, help="the build both serve")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="lisgraph's checkout")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run")
    parser.add_argument("--settle", type=float, default=10.0, help="wait after start-up")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "versus.json")
    args = parser.parse_args()
    build, checkout = args.build.resolve(), args.checkout.resolve()
    runs: dict[str, list[dict[str, Any]]] = {"virtuoso": [], "lisgraph": []}
    with tempfile.TemporaryDirectory(prefix="lisgraph-versus-") as scratch:
        virtuoso = Virtuoso(Path(scratch) / "virtuoso", packaged=True).start()
        try:
            subprocess.run(
                [sys.executable, "-m", "lisgraph", "publish", "--build", str(build)]
                + virtuoso.publish_args(),
                cwd=checkout,
                env={**os.environ, **virtuoso.env, "PYTHONPATH": str(checkout)},
                check=True,
                capture_output=True,
            )
            port = free_port()
            command = [sys.executable, "-m", "lisgraph", "serve", "--no-build"]
            command += ["--build", str(build), "--host", "127.0.0.1", "--port", str(port)]
            command += ["--workers", "2"]
            env = {"PYTHONPATH": str(checkout)}
            health = f"http://127.0.0.1:{port}/health"
            with started(command, health, env=env, cwd=checkout):
                session = session_of_port(port)
                time.sleep(args.settle)
                root = health.removesuffix("health")
                for round_number in range(args.rounds):
                    order = ["virtuoso", "lisgraph"]
                    if round_number % 2:
                        order.reverse()
                    for side in order:
                        if side == "virtuoso":
                            figures = measure_virtuoso(virtuoso, args.seconds)
                        else:
                            figures = measure_lisgraph(root, session, args.seconds)
                        runs[side].append(figures)
                        shown = ", ".join(
                            f"{name} {f['rps']:,.0f}/s ({f['non_2xx']} non-2xx)"
                            for name, f in figures.items()
                        )
                        print(f"round {round_number + 1} {side:8s} {shown}", flush=True)
        finally:
            virtuoso.stop()
    summary = _summary(runs)
    for line in summary["lines"]:
        print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": runs, "medians": summary}, indent=1) + "\n")


def _summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    def median(side: str, name: str, field: str) -> float:
        return float(statistics.median(r[name][field] for r in runs[side]))

    lookup_l, lookup_v = median("lisgraph", "lookup", "rps"), median("virtuoso", "lookup", "rps")
    html, turtle = median("lisgraph", "page_html", "rps"), median("lisgraph", "page_turtle", "rps")
    cpu = median("lisgraph", "lookup", "cpu_us_per_request")
    non_2xx = {side: sum(f["non_2xx"] for r in runs[side] for f in r.values()) for side in runs}
    lines = [
        f"point lookup, requests/s (medians): lisgraph {lookup_l:,.0f}, Virtuoso {lookup_v:,.0f}:"
        f" {lookup_l / lookup_v:.2f}x",
        f"page, requests/s (medians): HTML {html:,.0f}, Turtle {turtle:,.0f}: {html / turtle:.2f}x",
        f"CPU per cached lookup (lisgraph's server, median): {cpu:,.0f} us",
        f"non-2xx answers: lisgraph {non_2xx['lisgraph']}, Virtuoso {non_2xx['virtuoso']}",
    ]
    return {
        "lookup_ratio": lookup_l / lookup_v,
        "html_over_turtle": html / turtle,
        "cpu_us_per_lookup": cpu,
        "non_2xx": non_2xx,
        "lines": lines,
    }


if __name__ == "__main__":
    main()
