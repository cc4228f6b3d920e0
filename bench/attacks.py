"""The attacks of the reliability review of 2026-12-04, each bounded in time and count, against
``lisgraph serve`` run from a checkout (so that a change and the commit before it can be run
interleaved on one build), while a well-behaved client is timed.

Attacks (``--attack``):

- ``heavy``: 16 addresses (``X-Forwarded-For``) each sending a 4-way cross product nonstop;
- ``accept``: 4 clients each sending an ``Accept`` of 96 KB (12 lines of one quote and escaped
  quotes, which gunicorn joins) in a loop;
- ``slow-data``: 80 readers of ``/data`` as N-Quads reading 1 KB/s with a 4 KB buffer;
- ``params``: 1,000 requests to one page, each with its own ``?x=`` (4 threads); the server's
  memory at the start, at most, and ``--after`` seconds later;
- ``404``: 10,000 random 404s under ``/id/lep/`` (4 threads); their latency.

The well-behaved client (``10.0.0.7``) asks in turn for ``/health``, the HTML page
``/doc/lep/E37000057`` and a point lookup (a new text each time, so never from the answer
cache), each with a 5 s timeout; its answers and their p50/p99 are reported, with the server's
memory (RSS and PSS of every process in its session)::

    python bench/attacks.py --checkout /tmp/before --build dist --attack heavy --seconds 30
    python bench/attacks.py --checkout . --build dist --attack heavy --seconds 30

Traffic goes only to 127.0.0.1, to the server this script starts and stops.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import string
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import free_port, session_of_port, started

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } #"
LOOKUP = "SELECT ?n WHERE { ?w <https://w3id.org/lisgraph/def/lis#waveNumber> ?n } #"
PAGE = "/doc/lep/E37000057"


def _request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None,
    body: bytes | None = None, timeout: float = 5,
) -> tuple[int | str, float]:  # fmt: skip
    """(status or the exception's name, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    began = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - began
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, time.monotonic() - began
    finally:
        connection.close()


def _word(n: int) -> str:
    return "".join(random.choice(string.ascii_letters) for _ in range(n))


def _memory(leader: int) -> tuple[int, int]:
    """RSS and PSS (MB) of every process in the session ``leader`` leads."""
    rss = pss = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != leader:  # field 6: the session
                continue
            for line in Path(f"/proc/{entry}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return rss // 1024, pss // 1024


def _percentiles(times: list[float]) -> dict[str, float]:
    if not times:
        return {"p50_ms": 0.0, "p99_ms": 0.0}
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
    }


def attack_threads(
    attack: str, port: int, until: float, counts: dict[str, int]
) -> tuple[int, Callable[[int], None]]:
    """How many threads an attack runs and what each does until ``until`` (the statuses it
    got are counted in ``counts``)."""

    def count(status: int | str) -> None:
        counts[str(status)] = counts.get(str(status), 0) + 1

    if attack == "heavy":

        def heavy(n: int) -> None:
            while time.monotonic() < until:
                headers = {"Content-Type": "application/sparql-query", "Accept": "text/csv"}
                headers["X-Forwarded-For"] = f"10.0.1.{n}"
                count(
                    _request(port, "POST", "/sparql", headers, (CROSS + _word(8)).encode(), 60)[0]
                )

        return 16, heavy
    if attack == "accept":
        # One quote, then escaped quotes and no closing quote, over 12 lines of 8 KB (under
        # gunicorn's limit on one line) that gunicorn joins into one 96 KB value.
        lines = ['"' + '\\"' * 4000] + ['\\"' * 4000] * 11

        def accept(n: int) -> None:
            while time.monotonic() < until:
                with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                    head = f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    head += "".join(f"Accept: {line}\r\n" for line in lines)
                    sock.sendall((head + "Connection: close\r\n\r\n").encode())
                    try:
                        count(sock.recv(64).split(b" ", 2)[1].decode())
                    except (OSError, IndexError):
                        count("no answer")

        return 4, accept
    if attack == "slow-data":

        def slow(n: int) -> None:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.settimeout(60)
            try:
                sock.connect(("127.0.0.1", port))
                sock.sendall(
                    f"GET /data?x={n} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Accept: application/n-quads\r\nConnection: close\r\n\r\n".encode()
                )
                first = sock.recv(256)
                count(first.split(b" ", 2)[1].decode() if first else "closed")
                while time.monotonic() < until and sock.recv(100):
                    time.sleep(0.1)  # 1 KB/s
            except OSError as exc:
                count(type(exc).__name__)
            finally:
                sock.close()

        return 80, slow
    if attack == "params":
        made = iter(range(1000))
        lock = threading.Lock()

        def params(n: int) -> None:
            while time.monotonic() < until:
                with lock:
                    number = next(made, None)
                if number is None:
                    return
                count(
                    _request(port, "GET", f"{PAGE}?x={number}", {"Accept": "text/html"}, None, 30)[
                        0
                    ]
                )

        return 4, params
    if attack == "404":
        left = iter(range(10_000))
        lock = threading.Lock()
        times: list[float] = []

        def not_found(n: int) -> None:
            while time.monotonic() < until:
                with lock:
                    if next(left, None) is None:
                        return
                status, took = _request(
                    port, "GET", f"/id/lep/{_word(40)}", {"Accept": "text/html"}
                )
                count(status)
                times.append(took)

        not_found.times = times  # type: ignore[attr-defined]
        return 4, not_found
    raise SystemExit(f"no attack {attack!r}")


def run(args: argparse.Namespace) -> dict[str, object]:
    port = free_port()
    checkout = args.checkout.resolve()
    command = [sys.executable, "-m", "lisgraph", "serve", "--no-build"]
    command += ["--build", str(args.build.resolve())]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    env = {"PYTHONPATH": str(checkout), "LISGRAPH_FORWARDED_HEADER": "X-Forwarded-For"}
    if args.project:
        env["LISGRAPH_PROJECT_DIR"] = str(args.project.resolve())
    with started(command, f"http://127.0.0.1:{port}/health", env=env, cwd=checkout):
        time.sleep(args.settle)
        leader = session_of_port(port)
        start_memory = _memory(leader)
        until = time.monotonic() + args.seconds
        counts: dict[str, int] = {}
        threads, work = attack_threads(args.attack, port, until, counts)
        threads = args.threads or threads
        good: dict[str, list[float]] = {"health": [], "page": [], "lookup": []}
        failed: dict[str, int] = {}
        peak = list(start_memory)

        def poll() -> None:
            while time.monotonic() < until:
                lookup = "/sparql?query=" + urllib.parse.quote(LOOKUP + _word(6))
                for kind, path, accept in (
                    ("health", "/health", "*/*"),
                    ("page", PAGE, "text/html"),
                    ("lookup", lookup, "text/csv"),
                ):
                    headers = {"Accept": accept, "X-Forwarded-For": "10.0.0.7"}
                    status, took = _request(port, "GET", path, headers)
                    if status == 200:
                        good[kind].append(took)
                    else:
                        failed[f"{kind}:{status}"] = failed.get(f"{kind}:{status}", 0) + 1
                time.sleep(0.2)

        def watch() -> None:
            while time.monotonic() < until:
                rss, pss = _memory(leader)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                time.sleep(1)

        began = time.monotonic()
        workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        extra = [threading.Thread(target=poll), threading.Thread(target=watch)]
        for thread in workers + extra:
            thread.start()
        for thread in workers + extra:
            thread.join(args.seconds + 90)
        took = time.monotonic() - began
        time.sleep(args.after)
        result: dict[str, object] = {
            "attack": args.attack,
            "checkout": str(checkout),
            "seconds": round(took, 1),
            "attack_answers": counts,
            "well_behaved": {
                kind: {"answered": len(times), **_percentiles(times)}
                for kind, times in good.items()
            },
            "well_behaved_failed": failed,
            "memory_mb": {"start": start_memory, "peak": tuple(peak), "after": _memory(leader)},
            "load": os.getloadavg()[0],
        }
        times = getattr(work, "times", None)
        if times is not None:
            result["attack_latency"] = {"count": len(times), **_percentiles(times)}
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, required=True)
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--project", type=Path, help="LISGRAPH_PROJECT_DIR (a synthetic one)")
    parser.add_argument("--attack", required=True)
    parser.add_argument("--seconds", type=float, default=30, help="at most 60")
    parser.add_argument("--settle", type=float, default=15, help="before the attack")
    parser.add_argument("--after", type=float, default=0, help="memory read again after")
    parser.add_argument("--threads", type=int, default=0, help="instead of the attack's own")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 60)
    print(json.dumps(run(args)), flush=True)


if __name__ == "__main__":
    main()
