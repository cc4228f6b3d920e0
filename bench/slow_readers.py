"""Slow readers of a dump bigger than the socket buffers (issue 18): does a slow reader get the
whole file, and what do slow readers hold while they read?

Bounded and loopback only. Starts ``lisgraph serve --workers 2`` on ``--build`` and runs:

1. ``finish``: one client reads ``/downloads/lisgraph.nq`` at ``--rate`` bytes/s (4 KB receive
   buffer) to the end; reports bytes received against the file's size, and the time taken;
2. ``hold``: for each N in ``--readers``, N clients read the same dump at 1 KB/s (4 KB receive
   buffer) for ``--seconds``, while a well-behaved client asks ``/health`` and a page in turn
   (5 s timeout each); reports its success and p50/p99.

    python bench/slow_readers.py --build /tmp/a18/dist --readers 8,48,80 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: ``bench`` and ``lisgraph`` from the checkout

from bench.stores.server import free_port  # noqa: E402

PAGE = "doc/lep/E37000057"


def read_dump(port: int, rate: float, until: float, out: dict[str, Any]) -> None:
    """Read the dump at about ``rate`` bytes/s until its end or ``until``."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(40)
    started = time.monotonic()
    body = 0
    head = b""
    try:
        sock.connect(("127.0.0.1", port))
        sock.sendall(
            b"GET /downloads/lisgraph.nq HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        chunk = max(1024, int(rate / 10))
        while time.monotonic() < until:
            data = sock.recv(chunk)
            if not data:
                out["eof"] = True
                break
            if b"\r\n\r\n" not in head and not body:
                head += data
                if b"\r\n\r\n" in head:
                    header, _, rest = head.partition(b"\r\n\r\n")
                    out["status"] = header.split(b" ", 2)[1].decode()
                    for line in header.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            out["length"] = int(line.split(b":")[1])
                    body += len(rest)
                continue
            body += len(data)
            expected = (time.monotonic() - started) * rate
            if body > expected:
                time.sleep(min(1.0, (body - expected) / rate))
    except OSError as exc:
        out["error"] = type(exc).__name__
    finally:
        sock.close()
    out["bytes"] = body
    out["seconds"] = round(time.monotonic() - started, 1)


def well_behaved(base: str, until: float) -> dict[str, Any]:
    times: dict[str, list[float]] = {"/health": [], "page": []}
    sent = {"/health": 0, "page": 0}
    while time.monotonic() < until:
        for kind, url, accept in (
            ("/health", base + "health", "*/*"),
            ("page", base + PAGE, "text/html"),
        ):
            sent[kind] += 1
            started = time.monotonic()
            try:
                r = requests.get(url, headers={"Accept": accept}, timeout=5)
                if r.status_code == 200:
                    times[kind].append((time.monotonic() - started) * 1000)
            except requests.RequestException:
                pass
        time.sleep(0.2)
    out = {}
    for kind, values in times.items():
        values.sort()
        out[kind] = {
            "sent": sent[kind],
            "ok": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p99_ms": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1)
            if values
            else None,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True, type=Path)
    parser.add_argument("--rate", type=float, default=1_000_000)
    parser.add_argument("--readers", default="8,48,80")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="lisgraph-slow-readers-", suffix=".log", delete=False)
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
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}/"
    out: dict[str, Any] = {"build": str(args.build)}
    try:
        for _ in range(300):
            try:
                if requests.get(base + "health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        finish: dict[str, Any] = {"rate": args.rate}
        read_dump(port, args.rate, time.monotonic() + 600, finish)
        out["finish"] = finish
        print(json.dumps(finish), flush=True)
        out["hold"] = []
        for n in [int(x) for x in args.readers.split(",") if x]:
            until = time.monotonic() + args.seconds
            results: list[dict[str, Any]] = [{} for _ in range(n)]
            threads = [
                threading.Thread(target=read_dump, args=(port, 1024, until, r)) for r in results
            ]
            for t in threads:
                t.start()
            time.sleep(2)
            good = well_behaved(base, until)
            for t in threads:
                t.join(60)
            run = {
                "readers": n,
                "seconds": args.seconds,
                "well_behaved": good,
                "reader_bytes_each": sorted({r.get("bytes", 0) for r in results}),
                "reader_errors": sorted({r["error"] for r in results if "error" in r}),
            }
            print(json.dumps(run), flush=True)
            out["hold"].append(run)
            time.sleep(3)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
