"""Bounded load test of a running lisgraph server (loopback only).

Concurrent clients send a fixed mix of SPARQL queries and page requests for a fixed time, then
the script prints requests per second, latency percentiles, errors, and the resident memory of
the server's processes (read from /proc for the process group given) before and after.

    python bench/load.py --url http://127.0.0.1:5000/ --seconds 45 --clients 32 --pgid PGID
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import requests

LIS = "https://w3id.org/lisgraph/def/lis#"
QUERIES_DIR = Path(__file__).resolve().parent.parent / "lisgraph" / "queries"
MIX: list[tuple[str, str, dict[str, str], dict[str, str]]] = [
    # (name, path, params, headers)
    (
        "select-waves",
        "sparql",
        {"query": (QUERIES_DIR / "01-waves.rq").read_text()},
        {"Accept": "application/sparql-results+json"},
    ),
    (
        "select-statistics",
        "sparql",
        {"query": (QUERIES_DIR / "07-sem-statistics.rq").read_text()},
        {"Accept": "text/csv"},
    ),
    (
        "aggregate",
        "sparql",
        {"query": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"},
        {"Accept": "application/sparql-results+json"},
    ),
    (
        "describe",
        "sparql",
        {"query": "DESCRIBE <https://w3id.org/lisgraph/id/lep/E37000057>"},
        {"Accept": "text/turtle"},
    ),
    ("page-html", "doc/lep/E37000057", {}, {"Accept": "text/html"}),
    ("page-turtle", "doc/strategy/south-east-midlands-lis", {}, {"Accept": "text/turtle"}),
    ("landing", "", {}, {"Accept": "text/html"}),
    ("dump-304", "downloads/lisgraph.ttl.gz", {}, {}),
]


def rss_kb(pgid: int) -> int:
    """Resident memory (KB) of every process in process group ``pgid``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total


def run(url: str, seconds: float, clients: int, max_requests: int) -> dict[str, object]:
    host = urlparse(url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise SystemExit("load tests only target loopback addresses")
    etag = requests.get(url + "downloads/lisgraph.ttl.gz", timeout=30).headers.get("ETag", "")
    latencies: dict[str, list[float]] = {name: [] for name, *_ in MIX}
    errors: list[str] = []
    counter = itertools.count()
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def client(offset: int) -> None:
        session = requests.Session()
        for i in itertools.count(offset):
            if time.monotonic() >= deadline or next(counter) >= max_requests:
                return
            name, path, params, headers = MIX[i % len(MIX)]
            if name == "dump-304":
                headers = {"If-None-Match": etag}
            started = time.perf_counter()
            try:
                response = session.get(url + path, params=params, headers=headers, timeout=60)
                ok = response.status_code in (200, 304)
                detail = f"{name}: HTTP {response.status_code}"
            except requests.RequestException as exc:
                ok, detail = False, f"{name}: {type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies[name].append(elapsed)
                else:
                    errors.append(detail)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    done = sum(len(v) for v in latencies.values())

    def pct(values: list[float], q: int) -> float:
        return (
            round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2) if len(values) > 1 else 0.0
        )

    return {
        "seconds": round(wall, 1),
        "clients": clients,
        "requests": done,
        "errors": len(errors),
        "error_samples": errors[:5],
        "requests_per_second": round(done / wall, 1),
        "latency_ms": {
            name: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95)}
            for name, v in latencies.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="server root, e.g. http://127.0.0.1:5000/")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--pgid", type=int, help="the server's process group, to report its memory")
    args = parser.parse_args()
    url = args.url if args.url.endswith("/") else args.url + "/"
    before = rss_kb(args.pgid) if args.pgid else None
    result = run(url, args.seconds, args.clients, args.max_requests)
    if args.pgid:
        result["server_rss_kb_before"] = before
        result["server_rss_kb_after"] = rss_kb(args.pgid)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
