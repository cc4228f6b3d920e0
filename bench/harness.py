"""What the benchmark scripts share: servers started and stopped around a measurement, and the
measurements (latency percentiles, throughput over HTTP and in-process, medians of repeats)."""

from __future__ import annotations

import concurrent.futures
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from bench.stores.server import free_port, stop_process_group

__all__ = [
    "POINT_LOOKUP",
    "ROOT",
    "free_port",
    "gunicorn",
    "in_process_throughput",
    "latencies",
    "median_of",
    "process_cpu_seconds",
    "run_in_process",
    "run_lisgraph",
    "session_cpu_seconds",
    "session_of_port",
    "started",
    "throughput",
    "wrk_run",
    "wait_for",
]

#: The point lookup the throughput benchmarks ask (its answer cached after the first time).
POINT_LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/lisgraph/id/lep/E37000057> ?p ?o }"

#: The checkout: where commands run and ``bench`` and ``lisgraph`` are imported from.
ROOT = Path(__file__).resolve().parent.parent


# --- processes -----------------------------------------------------------------------------------


def synthetic_build(work: Path, triples: int) -> tuple[Path, Path]:
    """The synthetic project of ``triples`` triples in ``work`` and its build: (project, dist),
    made by ``lisgraph synth`` and ``lisgraph build`` unless a finished build is there already."""
    from lisgraph.artifact import BuildDir

    project = work / f"synthetic-{triples}"
    dist = project / "dist"
    if not BuildDir(dist).is_complete():
        subprocess.run(
            [sys.executable, "-m", "lisgraph", "synth", "--triples", str(triples),
             "--out", str(project)], check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "lisgraph", "build", "--out", str(dist)], check=True,
            env={"LISGRAPH_PROJECT_DIR": str(project), "PATH": ""}, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return project, dist


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still loading
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def started(
    command: list[str], url: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Iterator[str]:
    """``command`` running (in ``cwd``, in a session of its own) until the block ends, once
    ``url`` answers."""
    log = tempfile.NamedTemporaryFile(prefix="lisgraph-bench-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(url, process)
        yield url
    finally:
        stop_process_group(process, grace=20)
        log.close()


def gunicorn(app: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
        f"127.0.0.1:{port}", "--log-level", "warning", app,
    ]  # fmt: skip


# --- measuring -----------------------------------------------------------------------------------

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def run_lisgraph(
    *args: str, env: dict[str, str] | None = None, timeout: float = 3600
) -> subprocess.CompletedProcess[str]:
    """``python -m lisgraph ARGS`` from this checkout, to its end. Raises RuntimeError with the
    command's last words when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "lisgraph", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"lisgraph {args[0]} failed: {done.stderr[-2000:]}")
    return done


def session_cpu_seconds(session: int) -> float:
    """User and system CPU seconds of every live process in session ``session``."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[3]) == session:  # field 6 of stat: the session id
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _CLOCK_TICKS


def session_of_port(port: int) -> int:
    """The session of the process listening on TCP ``port`` of 127.0.0.1 (a server started in
    a session of its own leads it), read from ``/proc``."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[1].endswith(f":{port:04X}") and parts[3] == "0A":  # 0A: listening
            inode = parts[9]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                if os.readlink(f"/proc/{entry}/fd/{fd}") == f"socket:[{inode}]":
                    return int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[3])
        except OSError:
            continue
    raise RuntimeError(f"nothing listens on {port}")


def wrk_run(url: str, seconds: float, accept: str) -> dict[str, float]:
    """One ``wrk -t2 -c64`` run: requests per second, requests, non-2xx/3xx answers, socket
    errors, p50 and p99 in ms."""
    command = ["wrk", "-t2", "-c64", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["--timeout", "30s", "-H", f"Accept: {accept}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def number(pattern: str, default: str = "0") -> str:
        found = re.search(pattern, out)
        return found.group(1) if found else default

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
    }


def latencies(call: Callable[[], object], count: int, budget: float = 30) -> dict[str, float]:
    """p50 and p95 of ``count`` sequential calls, in milliseconds (fewer, but at least 5, when
    they take longer than ``budget`` seconds in all: a slow baseline must not take an hour)."""
    call()  # warm-up
    times: list[float] = []
    deadline = time.monotonic() + budget
    for _ in range(count):
        started_at = time.perf_counter()
        call()
        times.append((time.perf_counter() - started_at) * 1000)
        if len(times) >= 5 and time.monotonic() > deadline:
            break
    times.sort()
    return {
        "p50_ms": times[len(times) // 2],
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
    }


def throughput(url: str, seconds: float, clients: int, headers: dict[str, str]) -> float:
    """Requests per second answered 2xx/3xx with ``clients`` concurrent clients on GET ``url``
    (0 when none completed within ``seconds``)."""
    if shutil.which("wrk"):
        duration = f"{max(1, math.ceil(seconds))}s"
        command = ["wrk", "-t", "2", "-c", str(clients), "-d", duration, "--timeout", "120s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
        if "Non-2xx or 3xx responses" in out:
            raise RuntimeError(f"errors under load on {url}:\n{out}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def client(n: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            session.get(url, headers=headers, timeout=60).raise_for_status()
            counts[n] += 1

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return sum(counts) / seconds


def in_process_throughput(store: Any, query: str, seconds: float, processes: int) -> float:
    """Queries per second answered (and serialised to JSON) by pyoxigraph in ``processes``
    forked processes, all cores busy like a server's workers."""
    reader, writer = os.pipe()
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:
            os.close(reader)
            done, stop = 0, time.monotonic() + seconds
            while time.monotonic() < stop:
                run_in_process(store, query)
                done += 1
            os.write(writer, f"{done}\n".encode())
            os._exit(0)
        children.append(pid)
    os.close(writer)
    for pid in children:
        os.waitpid(pid, 0)
    with os.fdopen(reader) as counts:
        return sum(int(line) for line in counts.read().split()) / seconds


def run_in_process(store: Any, query: str) -> bytes:
    result = store.query(query)
    answer: bytes = result.serialize("json" if result.kind != "graph" else "ntriples")
    return answer


def median_of(repeats: int, measure: Callable[[], Any]) -> Any:
    runs = [measure() for _ in range(repeats)]
    if isinstance(runs[0], dict):
        return {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    return statistics.median(runs)
