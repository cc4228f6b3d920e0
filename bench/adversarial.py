"""Adversarial load (issue 18): does a well-behaved client stay served while others attack?

Bounded and loopback only. For each K in ``--slow`` (default 16, 256, 1024), for ``--seconds``:

- K slow-header clients: each sends part of a request head, then one byte every 5 s, and
  reconnects whenever the server closes it (so K connections stay open);
- N expensive queries in flight from one address (``--flood``, default 4 = 2 x workers), each
  thread re-sending as soon as it has an answer;
- ``--readers`` slow readers of the biggest dump (4 KB receive buffer, 1 KB/s);
- a well-behaved client asking, in turn, ``/health``, a point-lookup query (distinct each time,
  so never from the cache) and a resource page, each with a 5 s timeout.

It reports, per K: the well-behaved client's p50/p99 and success rate per kind, what the
flooding address got (statuses), and the server's memory, sampled every 0.5 s over every
process in its session: the sum of RSS (a page shared by the workers and query processes after
the fork counts once in each) and the sum of PSS (each shared page counted once in all).
``--big 4`` adds a run where 4 clients each ask for a ~600 MB answer (read as it arrives) while
a fifth asks point lookups.

lisgraph is started here with ``LISGRAPH_FORWARDED_HEADER=X-Forwarded-For`` so that the
flooder and the well-behaved client, both on 127.0.0.1, count as two addresses (as behind a
proxy); ``--virtuoso`` runs the same against Virtuoso (the test suite's ini) loaded with the
same build (no pages there: the resource "page" is a DESCRIBE).

    python bench/adversarial.py --build dist --json out.json
    python bench/adversarial.py --build dist --virtuoso --json out-virtuoso.json
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: ``bench`` and ``lisgraph`` from the checkout

from bench.stores.server import free_port  # noqa: E402

LIS = "https://w3id.org/lisgraph/def/lis#"
SEMLEP = "https://w3id.org/lisgraph/id/lep/E37000057"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# Virtuoso refuses the cross product by its cost estimate; this one runs to its limit.
VIRTUOSO_HEAVY = (
    "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . "
    'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "q.*z.*x$")) }'
)
BIG = (
    "SELECT ?x6 WHERE { ?s ?p ?o . ?t ?q ?r BIND(CONCAT(STR(?o), STR(?s), STR(?r)) AS ?x0) "
    "BIND(CONCAT(?x0, ?x0) AS ?x1) BIND(CONCAT(?x1, ?x1) AS ?x2) BIND(CONCAT(?x2, ?x2) AS ?x3) "
    "BIND(CONCAT(?x3, ?x3) AS ?x4) BIND(CONCAT(?x4, ?x4) AS ?x5) BIND(CONCAT(?x5, ?x5) AS ?x6) "
    "} LIMIT 100000"
)

# ~600 MB of stored terms (no computed values) in JSON: 1,000,000 rows of six terms. Past the
# default row and byte limits: the server must be started with larger ones (see --big-query).
BIG_STORED = "SELECT ?s ?p ?o ?t ?q ?r WHERE {{ ?s ?p ?o . ?t ?q ?r }} LIMIT {rows}"


def _session(pgid: int) -> list[Path]:
    """The /proc entries of every process in session ``pgid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == pgid:
                found.append(entry)
        except (OSError, IndexError, ValueError):
            continue
    return found


def session_pss_mb(pgid: int) -> float:
    """The session's memory with each shared page counted once (the sum of PSS, the
    proportional set size: a page shared by n processes counts 1/n in each), in MiB."""
    total_kb = 0
    for entry in _session(pgid):
        try:
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total_kb / 1024


def session_rss_mb(pgid: int) -> float:
    """The session's RSS summed over its processes (a shared page counts in each), in MiB."""
    total = 0
    for entry in _session(pgid):
        try:
            total += int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


class Sampler(threading.Thread):
    def __init__(self, pgid: int) -> None:
        super().__init__(daemon=True)
        self.pgid, self.stop = pgid, threading.Event()
        self.samples: list[float] = []
        self.pss: list[float] = []

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(session_rss_mb(self.pgid))
            self.pss.append(session_pss_mb(self.pgid))
            time.sleep(0.5)


def slow_headers(host: str, port: int, count: int, until: float, path: str) -> dict[str, int]:
    """Keep ``count`` slow-header connections open until ``until`` (one thread, no blocking)."""
    sel = selectors.DefaultSelector()
    stats: Counter[str] = Counter()
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode()

    def connect() -> None:
        sock = socket.socket()
        sock.setblocking(False)
        try:
            sock.connect_ex((host, port))
            sel.register(sock, selectors.EVENT_READ, [0.0, False])
            stats["opened"] += 1
        except OSError:
            stats["connect_errors"] += 1
            sock.close()

    for _ in range(count):
        connect()
    while time.monotonic() < until:
        now = time.monotonic()
        for key in list(sel.get_map().values()):
            sock, state = cast(socket.socket, key.fileobj), key.data
            if now - state[0] >= 5:
                try:
                    sock.send(head if not state[1] else b"a")
                    state[1], state[0] = True, now
                except (BlockingIOError, OSError):
                    pass
        for key, _ in sel.select(timeout=0.5):
            sock = cast(socket.socket, key.fileobj)
            try:
                sock.recv(4096)  # an answer (408) or the end: either way, reconnect
            except (BlockingIOError, OSError):
                pass
            stats["closed_by_server"] += 1
            sel.unregister(sock)
            sock.close()
            connect()
    for key in list(sel.get_map().values()):
        sel.unregister(key.fileobj)
        cast(socket.socket, key.fileobj).close()
    sel.close()
    return dict(stats)


def flooder(
    endpoint: str, query: str, until: float, statuses: Counter[str | int], headers: dict[str, str]
) -> None:
    session = requests.Session()
    n = 0
    while time.monotonic() < until:
        n += 1
        try:
            r = session.post(
                endpoint,
                data={"query": f"{query} #{n}{threading.get_ident()}"},
                headers=headers,
                timeout=max(1.0, until - time.monotonic() + 40),
            )
            statuses[r.status_code] += 1
            if r.status_code == 429:
                time.sleep(min(float(r.headers.get("Retry-After", "1")), 1.0))
        except requests.RequestException as exc:
            statuses[type(exc).__name__] += 1


def slow_reader(url: str, until: float, stats: Counter[str]) -> None:
    parts = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    try:
        sock.connect((parts.hostname, parts.port))
        sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        while time.monotonic() < until:
            if not sock.recv(1024):
                stats["reader_eof"] += 1
                return
            stats["reader_bytes"] += 1024
            time.sleep(1)
    except OSError as exc:
        stats[f"reader_{type(exc).__name__}"] += 1
    finally:
        sock.close()


def well_behaved(targets: dict[str, Any], until: float, headers: dict[str, str]) -> dict[str, Any]:
    session = requests.Session()
    times: dict[str, list[float]] = {k: [] for k in targets}
    ok: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    n = 0
    while time.monotonic() < until:
        for kind, make in targets.items():
            n += 1
            method, url, kwargs = make(n)
            sent[kind] += 1
            started = time.monotonic()
            try:
                r = session.request(
                    method,
                    url,
                    headers={**headers, **kwargs.pop("headers", {})},
                    timeout=5,
                    **kwargs,
                )
                if r.status_code == 200:
                    ok[kind] += 1
                    times[kind].append((time.monotonic() - started) * 1000)
            except requests.RequestException:
                pass
        time.sleep(0.2)
    out = {}
    for kind, values in times.items():
        values.sort()
        out[kind] = {
            "sent": sent[kind],
            "ok": ok[kind],
            "success": round(ok[kind] / max(1, sent[kind]), 3),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p99_ms": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1)
            if values
            else None,
        }
    return out


def scenario(
    args: argparse.Namespace, base: str, endpoint: str, pgid: int, k: int, virtuoso: bool
) -> dict[str, Any]:
    parts = urlsplit(endpoint)
    until = time.monotonic() + args.seconds
    flood_statuses: Counter[str | int] = Counter()
    reader_stats: Counter[str] = Counter()
    slow_stats: dict[str, int] = {}
    sampler = Sampler(pgid)
    sampler.start()
    threads = [
        threading.Thread(
            target=lambda: slow_stats.update(
                slow_headers(parts.hostname or "", parts.port or 80, k, until, parts.path)
            )
        )
    ]
    heavy = VIRTUOSO_HEAVY if virtuoso else CROSS
    for _ in range(args.flood):
        threads.append(
            threading.Thread(
                target=flooder,
                args=(endpoint, heavy, until, flood_statuses, {"X-Forwarded-For": "10.0.0.66"}),
            )
        )
    if not virtuoso:
        for _ in range(args.readers):
            threads.append(
                threading.Thread(
                    target=slow_reader, args=(base + "downloads/lisgraph.nq", until, reader_stats)
                )
            )
    for t in threads:
        t.start()
    time.sleep(2)  # let the attack settle

    def lookup(n: int) -> tuple[str, str, dict[str, Any]]:
        q = f"SELECT ?n WHERE {{ ?w <{LIS}waveNumber> ?n }} #{n}"
        return "GET", endpoint, {"params": {"query": q}, "headers": {"Accept": "text/csv"}}

    if virtuoso:
        targets = {
            "health (ASK {})": lambda n: ("GET", endpoint, {"params": {"query": "ASK {}"}}),
            "point lookup": lookup,
            "resource (DESCRIBE)": lambda n: (
                "GET",
                endpoint,
                {"params": {"query": f"DESCRIBE <{SEMLEP}>"}, "headers": {"Accept": "text/turtle"}},
            ),
        }
    else:
        page = base + "doc/" + SEMLEP.split("/lisgraph/", 1)[1].replace("id/", "", 1)
        targets = {
            "/health": lambda n: ("GET", base + "health", {}),
            "point lookup": lookup,
            "resource page (HTML)": lambda n: ("GET", page, {"headers": {"Accept": "text/html"}}),
        }
    good = well_behaved(targets, until, {"X-Forwarded-For": "10.0.0.7"})
    for t in threads:
        t.join(timeout=60)
    sampler.stop.set()
    sampler.join()
    return {
        "slow_clients": k,
        "seconds": args.seconds,
        "well_behaved": good,
        "flooding_address": dict(flood_statuses),
        "slow_header_clients": slow_stats,
        "slow_readers": dict(reader_stats),
        "rss_mb": {
            "start": round(sampler.samples[0]),
            "max": round(max(sampler.samples)),
            "end": round(sampler.samples[-1]),
        },
        "pss_mb": {
            "start": round(sampler.pss[0]),
            "max": round(max(sampler.pss)),
            "end": round(sampler.pss[-1]),
        },
    }


def big_answers(endpoint: str, pgid: int, clients: int, query: str = BIG) -> dict[str, Any]:
    """``clients`` clients each ask for a ~600 MB answer (read as it arrives, counting bytes,
    so the client holds none of it) while a well-behaved client asks /health and a point
    lookup (a query of its own address, so it needs a query process) in turn."""
    sampler = Sampler(pgid)
    sampler.start()
    results: list[Any] = []

    def ask(i: int) -> None:
        started = time.monotonic()
        try:
            with requests.post(
                endpoint,
                data={"query": query + f" #{i}"},
                timeout=120,
                stream=True,
                headers={
                    "Accept": "application/sparql-results+json",
                    "X-Forwarded-For": f"10.0.1.{i}",
                },
            ) as r:
                if r.status_code != 200:
                    results.append(
                        (
                            r.status_code,
                            len(r.content),
                            r.text[:100],
                            round(time.monotonic() - started, 1),
                        )
                    )
                    return
                first = None
                size = 0
                for chunk in r.iter_content(1 << 20):
                    first = first or round(time.monotonic() - started, 1)
                    size += len(chunk)
                complete = size == int(r.headers.get("Content-Length", -1))
                results.append(
                    (
                        200,
                        size,
                        "complete" if complete else "CUT SHORT",
                        round(time.monotonic() - started, 1),
                        {"first_byte_s": first},
                    )
                )
        except requests.RequestException as exc:
            results.append((type(exc).__name__, 0, "", round(time.monotonic() - started, 1)))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(1)
    health = requests.get(endpoint.rsplit("/", 1)[0] + "/health", timeout=10).status_code
    until = time.monotonic() + 150

    def lookup(n: int) -> tuple[str, str, dict[str, Any]]:
        q = f"SELECT ?n WHERE {{ ?w <{LIS}waveNumber> ?n }} #big{n}"
        return "GET", endpoint, {"params": {"query": q}, "headers": {"Accept": "text/csv"}}

    meanwhile: dict[str, Any] = {}

    def others() -> None:
        while any(t.is_alive() for t in threads) and time.monotonic() < until:
            run = well_behaved(
                {"point lookup": lookup}, time.monotonic() + 2, {"X-Forwarded-For": "10.0.2.1"}
            )
            for kind, stats in run.items():
                total = meanwhile.setdefault(kind, {"sent": 0, "ok": 0, "p50_ms": []})
                total["sent"] += stats["sent"]
                total["ok"] += stats["ok"]
                if stats["p50_ms"] is not None:
                    total["p50_ms"].append(stats["p50_ms"])

    watcher = threading.Thread(target=others)
    watcher.start()
    for t in threads:
        t.join(150)
    watcher.join(10)
    for stats in meanwhile.values():
        stats["p50_ms"] = round(statistics.median(stats["p50_ms"]), 1) if stats["p50_ms"] else None
    time.sleep(1)
    sampler.stop.set()
    sampler.join()
    return {
        "clients": clients,
        "answers": results,
        "health_meanwhile": health,
        "others_meanwhile": meanwhile,
        "rss_mb": {
            "start": round(sampler.samples[0]),
            "max": round(max(sampler.samples)),
            "end": round(sampler.samples[-1]),
        },
        "pss_mb": {
            "start": round(sampler.pss[0]),
            "max": round(max(sampler.pss)),
            "end": round(sampler.pss[-1]),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True, type=Path)
    parser.add_argument("--slow", default="16,256,1024")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--flood", type=int, default=4)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--big", type=int, default=0)
    parser.add_argument(
        "--big-rows", type=int, default=1_000_000, help="rows of --big-query stored"
    )
    parser.add_argument(
        "--big-query",
        choices=["computed", "stored"],
        default="computed",
        help="computed: strings made by CONCAT (the engine keeps them until the "
        "query ends); stored: the store's own terms (start the server with "
        "LISGRAPH_MAX_RESULT_ROWS and LISGRAPH_MAX_RESULT_BYTES raised)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--settle",
        type=float,
        default=0,
        help="seconds to wait once the server answers (its workers make the "
        "build's pages in the background first)",
    )
    parser.add_argument("--virtuoso", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    out: dict[str, Any] = {"target": "virtuoso" if args.virtuoso else "lisgraph", "runs": []}
    if args.virtuoso:
        from bench.stores.virtuoso import PASSWORD, USER, Virtuoso

        directory = tempfile.mkdtemp(prefix="lisgraph-adversarial-virtuoso-")
        server = Virtuoso(Path(directory)).start()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lisgraph",
                "publish",
                "--endpoint",
                server.sparql_auth,
                "--build",
                str(args.build),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env={
                **os.environ,
                "LISGRAPH_STORE_USER": USER,
                "LISGRAPH_STORE_PASSWORD": PASSWORD,
                "LISGRAPH_STORE_AUTH": "digest",
            },
        )
        assert server.process is not None
        base, endpoint, pgid = server.url + "/", server.sparql, server.process.pid
        stop = server.stop
    else:
        port = free_port()
        log = tempfile.NamedTemporaryFile(
            prefix="lisgraph-adversarial-", suffix=".log", delete=False
        )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lisgraph",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--build",
                str(args.build),
                "--no-build",
                "--workers",
                str(args.workers),
            ],
            env={**os.environ, "LISGRAPH_FORWARDED_HEADER": "X-Forwarded-For"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}/"
        endpoint, pgid = base + "sparql", process.pid
        for _ in range(300):
            try:
                if requests.get(base + "health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)

        def stop() -> None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)

    try:
        time.sleep(args.settle)
        out["idle_rss_mb"] = round(session_rss_mb(pgid))
        for k in [int(x) for x in args.slow.split(",") if x]:
            run = scenario(args, base, endpoint, pgid, k, args.virtuoso)
            print(json.dumps(run), flush=True)
            out["runs"].append(run)
            time.sleep(3)
        if args.big:
            out["big"] = big_answers(
                endpoint,
                pgid,
                args.big,
                BIG if args.big_query == "computed" else BIG_STORED.format(rows=args.big_rows),
            )
            print(json.dumps(out["big"]), flush=True)
    finally:
        stop()
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
