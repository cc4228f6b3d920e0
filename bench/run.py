"""lisgraph's benchmark: build, query, peer and dereferencing, measured in one run, as ratios.

    python bench/run.py                 # everything (synthetic 100k and 1M builds; minutes)
    python bench/run.py --sizes 100000  # builds of the real data and 100k only
    python bench/run.py --smoke         # tiny and quick: what the test suite runs

Every server is started here, on 127.0.0.1, with the same data, and stopped at the end:

- lisgraph: ``lisgraph serve`` as users start it (gunicorn, one worker per core), query cache off
  (``LISGRAPH_QUERY_CACHE_ENTRIES=0``) so evaluation is measured, then on for the cached runs;
- in-process: the same queries on pyoxigraph in this process (the engine's own speed: the limit);
- naive: an rdflib memory store behind Flask and gunicorn (``bench/naive_endpoint.py``);
- hello: a Flask route returning two bytes on the same gunicorn setup (the web stack's own limit);
- Virtuoso (Debian's ``virtuoso-opensource``), loaded with ``lisgraph publish``, when installed.

Latency is p50/p95 of sequential requests on one keep-alive session; throughput is requests per
second with concurrent clients (``wrk`` when installed, else a pool of Python threads). Every
figure is the median of ``--repeats`` runs. Results go to ``bench/out/results.json`` and, as
tables, to standard output.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: ``bench`` and ``lisgraph`` from the checkout

from bench.report import ratios, report, save  # noqa: E402
from bench.sections import build_section, query_section, start_section  # noqa: E402


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="synthetic build sizes")
    parser.add_argument("--seconds", type=float, default=10, help="each throughput run")
    parser.add_argument("--requests", type=int, default=200, help="each latency run")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--no-virtuoso", action="store_true", help="leave the peer out")
    parser.add_argument(
        "--query-size", type=int, default=100_000,
        help="also run the query sections on synthetic data of this size (0: real data only)",
    )  # fmt: skip
    parser.add_argument("--smoke", action="store_true", help="tiny and quick (for the tests)")
    parser.add_argument(
        "--scale-only", action="store_true", help="only the query sections at --query-size"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"), help="results directory")
    args = parser.parse_args(argv)
    if args.smoke:
        # 1 s windows: a slower engine gets a longer one (sections.window)
        args.sizes, args.seconds, args.requests, args.repeats, args.clients = "2000", 1, 5, 1, 2
        args.no_virtuoso, args.query_size = True, 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lisgraph-bench-") as work:
        results: dict[str, Any] = {}
        if not args.scale_only:
            results["build"] = build_section(sizes, args.repeats, Path(work))
            dist = Path(work) / "real"
            subprocess.run(
                [sys.executable, "-m", "lisgraph", "build", "--out", str(dist)],
                check=True, capture_output=True, cwd=ROOT,
            )  # fmt: skip
            save(out, results)
            results["start"] = start_section(dist, args.repeats)
            results["queries"] = query_section(
                dist, args.seconds, args.requests, args.repeats, args.clients,
                not args.no_virtuoso,
            )  # fmt: skip
            results["queries"]["data"] = "real data"
            save(out, results)
        if args.query_size:
            big = Path(work) / f"synthetic-{args.query_size}"
            if not big.exists():
                subprocess.run(
                    [sys.executable, "-m", "lisgraph", "synth", "--triples", str(args.query_size),
                     "--out", str(big)],
                    check=True, capture_output=True, cwd=ROOT,
                )  # fmt: skip
            subprocess.run(
                [sys.executable, "-m", "lisgraph", "build", "--out", str(big / "dist")],
                check=True, capture_output=True, cwd=ROOT,
                env={**os.environ, "LISGRAPH_PROJECT_DIR": str(big)},
            )  # fmt: skip
            results["queries at scale"] = query_section(
                big / "dist", args.seconds, args.requests, args.repeats, args.clients,
                not args.no_virtuoso,
            )  # fmt: skip
            results["queries at scale"]["data"] = f"synthetic {args.query_size:,}"
    if "queries" in results:
        results["ratios"] = ratios(results["queries"])
    if "queries at scale" in results:
        results["ratios at scale"] = ratios(results["queries at scale"])
    save(out, results)
    (out / "results.md").write_text(report(results))
    print(report(results))
    return results


if __name__ == "__main__":
    main()
