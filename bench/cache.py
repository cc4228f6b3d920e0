"""Repeated identical queries from the cache vs the same queries uncached, through HTTP.

Starts ``lisgraph serve`` on loopback (2 workers), then for each query sends ROUNDS rounds of
REQUESTS requests: uncached ones carry a unique comment so the cache never matches; cached ones
repeat one text. Reports the median of the per-round mean latencies and their ratio.

    python bench/cache.py [--rounds 5] [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: ``bench`` and ``lisgraph`` from the checkout

from bench.stores.server import free_port  # noqa: E402

LIS = "https://w3id.org/lisgraph/def/lis#"
QUERIES = {
    "aggregate over every typed resource": (
        "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)"
    ),
    "2-hop join (districts of each LEP)": (
        f"SELECT ?lep ?d WHERE {{ ?lep <{LIS}area> ?a . ?d <{LIS}inLEPArea> ?a }}"
    ),
    "text filter on every literal": (
        "SELECT ?s ?o WHERE { ?s ?p ?o "
        'FILTER(isLiteral(?o) && CONTAINS(LCASE(STR(?o)), "growth")) }'
    ),
    "point lookup": "SELECT ?p ?o WHERE { <https://w3id.org/lisgraph/id/lep/E37000057> ?p ?o }",
}


def _mean_latency(url: str, texts: list[str]) -> float:
    session = requests.Session()
    started = time.perf_counter()
    for text in texts:
        response = session.get(
            url + "sparql",
            params={"query": text},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        response.raise_for_status()
    return (time.perf_counter() - started) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lisgraph", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                requests.get(url + "health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        print("| query | uncached ms (median of rounds) | cached ms | speed-up |")
        print("|---|---|---|---|")
        for name, query in QUERIES.items():
            _mean_latency(url, [query] * 4)  # warm both workers' caches and query processes
            uncached, cached = [], []
            for round_no in range(args.rounds):
                unique = [
                    f"{query} # {round_no}-{i}-{time.time_ns()}" for i in range(args.requests)
                ]
                uncached.append(_mean_latency(url, unique))
                cached.append(_mean_latency(url, [query] * args.requests))
            u, c = statistics.median(uncached) * 1000, statistics.median(cached) * 1000
            print(f"| {name} | {u:.2f} | {c:.2f} | {u / c:.1f}x |")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
