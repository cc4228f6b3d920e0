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
import concurrent.futures
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = "https://w3id.org/lisgraph/"
LIS = BASE + "def/lis#"
SEMLEP = BASE + "id/lep/E37000057"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
QUERIES = {
    "point lookup": f"SELECT ?p ?o WHERE {{ <{SEMLEP}> ?p ?o }}",
    "2-hop join": (
        f"SELECT ?lep ?name ?d WHERE {{ ?lep <{LIS}area> ?a ; <{SKOS}prefLabel> ?name . "
        f"?d <{LIS}inLEPArea> ?a }}"
    ),
    "GROUP BY aggregate": (
        "SELECT ?type (COUNT(DISTINCT ?s) AS ?things) (COUNT(*) AS ?statements) "
        "WHERE { ?s a ?type ; ?p ?o } GROUP BY ?type ORDER BY DESC(?statements)"
    ),
    "FILTER on literal text": (
        f"SELECT ?s ?label WHERE {{ ?s <{RDFS}label> ?label "
        f'FILTER(CONTAINS(LCASE(STR(?label)), "digital")) }}'
    ),
    "DESCRIBE": f"DESCRIBE <{SEMLEP}>",
}
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


# --- processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still loading
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def started(command: list[str], url: str, env: dict[str, str] | None = None) -> Iterator[str]:
    log = tempfile.NamedTemporaryFile(prefix="lisgraph-bench-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(url, process)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def gunicorn(app: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
        f"127.0.0.1:{port}", "--log-level", "warning", app,
    ]  # fmt: skip


# --- measuring -----------------------------------------------------------------------------------


def latencies(call: Callable[[], None], count: int, budget: float = 30) -> dict[str, float]:
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
        duration = f"{max(1, round(seconds))}s"
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
    return result.serialize("json" if result.kind != "graph" else "ntriples")


def median_of(repeats: int, measure: Callable[[], Any]) -> Any:
    runs = [measure() for _ in range(repeats)]
    if isinstance(runs[0], dict):
        return {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    return statistics.median(runs)


# --- the sections --------------------------------------------------------------------------------


def build_section(sizes: list[int], repeats: int, work: Path) -> list[dict[str, Any]]:
    """Time each build step (parse, validate, dumps) and peak memory, real data and synthetic."""
    rows = []
    projects: list[tuple[str, Path]] = [("real data", ROOT)]
    for size in sizes:
        target = work / f"synthetic-{size}"
        subprocess.run(
            [sys.executable, "-m", "lisgraph", "synth", "--triples", str(size),
             "--out", str(target)],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        projects.append((f"synthetic {size:,}", target))
    for name, project in projects:
        runs = []
        for _ in range(repeats if name == "real data" or len(sizes) < 2 else 1):
            done = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "build_steps.py"), str(project),
                 str(work / "dist")],
                check=True, capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip
            runs.append(json.loads(done.stdout))
        row = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        rows.append({"data": name, "runs": len(runs), **row})
    return rows


def query_section(
    dist: Path, seconds: float, count: int, repeats: int, clients: int, virtuoso: bool
) -> dict[str, Any]:
    from lisgraph.store.embedded import EmbeddedStore

    store = EmbeddedStore.from_build(dist)
    workers = max(1, os.cpu_count() or 1)
    results: dict[str, Any] = {"workers": workers, "clients": clients, "queries": {}}
    ports = {name: free_port() for name in ("lisgraph", "cached", "naive", "hello")}
    lisgraph_cmd = [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--port"]
    env_common = {"LISGRAPH_DIST_DIR": str(dist)}
    with (
        started(
            [*lisgraph_cmd, str(ports["lisgraph"]), "--out", str(dist)],
            f"http://127.0.0.1:{ports['lisgraph']}/health",
            {**env_common, "LISGRAPH_QUERY_CACHE_ENTRIES": "0"},
        ),
        started(
            [*lisgraph_cmd, str(ports["cached"]), "--out", str(dist)],
            f"http://127.0.0.1:{ports['cached']}/health",
            env_common,
        ),
        started(
            gunicorn("bench.naive_endpoint:app", ports["naive"], workers),
            f"http://127.0.0.1:{ports['naive']}/hello",
            {"LISGRAPH_BENCH_DATA": str(dist / "lisgraph.nt")},
        ),
        started(
            gunicorn("bench.naive_endpoint:hello_app", ports["hello"], workers),
            f"http://127.0.0.1:{ports['hello']}/hello",
            {"LISGRAPH_BENCH_DATA": str(dist / "lisgraph.nt")},
        ),
        peer(virtuoso, dist) as virtuoso_url,
    ):
        endpoints = {
            "lisgraph HTTP": f"http://127.0.0.1:{ports['lisgraph']}/sparql",
            "lisgraph HTTP, cached": f"http://127.0.0.1:{ports['cached']}/sparql",
            "naive rdflib HTTP": f"http://127.0.0.1:{ports['naive']}/sparql",
        }
        if virtuoso_url:
            endpoints["Virtuoso HTTP"] = virtuoso_url
        for name, query in QUERIES.items():
            row: dict[str, Any] = {}
            row["in-process"] = {
                **median_of(
                    repeats, lambda q=query: latencies(lambda: run_in_process(store, q), count)
                ),
                "rps": median_of(
                    repeats, lambda q=query: in_process_throughput(store, q, seconds, workers)
                ),
            }
            for endpoint_name, url in endpoints.items():
                session = requests.Session()
                target = f"{url}?query={quote(query)}"
                if endpoint_name.startswith("Virtuoso"):
                    target += "&default-graph-uri=" + quote(BASE + "graph/lisgraph")

                def call(t: str = target, client: requests.Session = session) -> None:
                    client.get(t, headers={"Accept": ACCEPT}, timeout=120).raise_for_status()

                row[endpoint_name] = {
                    **median_of(repeats, lambda c=call: latencies(c, count)),
                    "rps": median_of(
                        repeats,
                        lambda t=target: throughput(t, seconds, clients, {"Accept": ACCEPT}),
                    ),
                }
            results["queries"][name] = row
        hello = f"http://127.0.0.1:{ports['hello']}/hello"
        results["hello"] = {
            **median_of(
                repeats,
                lambda: latencies(
                    lambda: requests.get(hello, timeout=30).raise_for_status(), count
                ),
            ),
            "rps": median_of(repeats, lambda: throughput(hello, seconds, clients, {})),
        }
        results["dereferencing"] = deref_section(
            f"http://127.0.0.1:{ports['cached']}/", virtuoso_url, seconds, repeats, clients
        )
    return results


def start_section(dist: Path, repeats: int) -> dict[str, float]:
    """Seconds from ``lisgraph serve`` starting to its first answer, from an existing build."""

    def once() -> float:
        port = free_port()
        began = time.perf_counter()
        with started(
            [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--port", str(port),
             "--build", str(dist)],
            f"http://127.0.0.1:{port}/health",
            {},
        ):
            return time.perf_counter() - began

    return {"seconds": median_of(repeats, once)}


def deref_section(
    root: str, virtuoso_url: str | None, seconds: float, repeats: int, clients: int
) -> dict[str, float]:
    """Requests per second for resource pages (Turtle, HTML) and a dump (cold and 304)."""
    page = root + "doc/lep/E37000057"
    dump = root + "downloads/lisgraph.nt.gz"
    etag = requests.get(dump, timeout=30).headers["ETag"]
    page_etag = requests.get(page + ".ttl", timeout=30).headers["ETag"]
    cases = {
        "resource page, Turtle": (page + ".ttl", {}),
        "resource page, Turtle, 304": (page + ".ttl", {"If-None-Match": page_etag}),
        "resource page, HTML": (page + ".html", {}),
        "dump download (lisgraph.nt.gz)": (dump, {}),
        "dump download, 304": (dump, {"If-None-Match": etag}),
    }
    if virtuoso_url:
        describe = f"{virtuoso_url}?query={quote(f'DESCRIBE <{SEMLEP}>')}"
        cases["Virtuoso DESCRIBE, Turtle"] = (describe, {"Accept": "text/turtle"})
    return {
        name: median_of(repeats, lambda u=url, h=headers: throughput(u, seconds, clients, h))
        for name, (url, headers) in cases.items()
    }


@contextmanager
def peer(enabled: bool, dist: Path) -> Iterator[str | None]:
    """Virtuoso with the build published into it, or None when not wanted or not installed."""
    if not enabled or shutil.which("virtuoso-t") is None:
        yield None
        return
    from tests.system.virtuoso import PASSWORD, USER, Virtuoso

    with tempfile.TemporaryDirectory(prefix="lisgraph-bench-virtuoso-") as directory:
        server = Virtuoso(Path(directory)).start()
        try:
            subprocess.run(
                [sys.executable, "-m", "lisgraph", "publish", "--endpoint", server.sparql_auth,
                 "--out", str(dist)],
                check=True, capture_output=True, cwd=ROOT,
                env={**os.environ, "LISGRAPH_STORE_USER": USER, "LISGRAPH_STORE_PASSWORD": PASSWORD,
                     "LISGRAPH_STORE_AUTH": "digest"},
            )  # fmt: skip
            yield server.sparql
        finally:
            server.stop()


# --- report --------------------------------------------------------------------------------------


def build_report(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Build", "", "| data | triples | parse s | validate s | dumps s | total s | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for row in results["build"]:
        lines.append(
            f"| {row['data']} | {row['triples']:,.0f} | {row['parse_s']:.2f} "
            f"| {row['validate_s']:.2f} | {row['dumps_s']:.2f} | {row['total_s']:.2f} "
            f"| {row['peak_mb']:.0f} |"
        )
    return [*lines, "", f"Server start from the last build: {results['start']['seconds']:.2f} s"]


def report(results: dict[str, Any]) -> str:
    lines: list[str] = build_report(results) if "build" in results else []
    for section in ("queries", "queries at scale"):
        if section not in results:
            continue
        q = results[section]
        engines = list(next(iter(q["queries"].values())))
        lines += [
            "", f"## Queries on {q['data']} ({q['workers']} workers, {q['clients']} clients)",
            "", "p50 / p95 latency, and throughput", "",
            "| query | " + " | ".join(engines) + " |", "|---|" + "---:|" * len(engines),
        ]  # fmt: skip
        for name, row in q["queries"].items():
            cells = [
                f"{row[e]['p50_ms']:.1f} / {row[e]['p95_ms']:.1f} ms, {row[e]['rps']:,.0f}/s"
                for e in engines
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        hello = q["hello"]
        lines += [
            "",
            f"hello-world route: {hello['p50_ms']:.2f} / {hello['p95_ms']:.2f} ms, "
            f"{hello['rps']:,.0f}/s",
            "",
        ]
        lines += [
            f"Dereferencing on {q['data']} (requests/s):",
            "",
            "| what | req/s |",
            "|---|---:|",
        ]
        for name, rps in q["dereferencing"].items():
            lines.append(f"| {name} | {rps:,.0f} |")
    for section in ("ratios", "ratios at scale"):
        if section in results:
            lines += ["", f"## {section.capitalize()}", ""]
            for name, value in results[section].items():
                lines.append(f"- {name}: {value:.2f}")
    return "\n".join(lines) + "\n"


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def ratios(q: dict[str, Any]) -> dict[str, float]:
    queries = q["queries"]
    agg, point = queries["GROUP BY aggregate"], queries["point lookup"]
    out = {
        "aggregate: HTTP throughput / in-process (goal >= 0.8)": _ratio(
            agg["lisgraph HTTP"]["rps"], agg["in-process"]["rps"]
        ),
        "aggregate: HTTP throughput / naive rdflib HTTP (goal >= 50)": _ratio(
            agg["lisgraph HTTP"]["rps"], agg["naive rdflib HTTP"]["rps"]
        ),
        "aggregate: naive rdflib p50 / HTTP p50": _ratio(
            agg["naive rdflib HTTP"]["p50_ms"], agg["lisgraph HTTP"]["p50_ms"]
        ),
        "point lookup: p50 latency / hello-world p50 (goal <= 2)": _ratio(
            point["lisgraph HTTP"]["p50_ms"], q["hello"]["p50_ms"]
        ),
        "point lookup: hello-world throughput / HTTP throughput (goal <= 2)": _ratio(
            q["hello"]["rps"], point["lisgraph HTTP"]["rps"]
        ),
    }
    for name, row in queries.items():
        out[f"{name}: uncached p50 / cached p50 (goal >= 5)"] = (
            _ratio(row["lisgraph HTTP"]["p50_ms"], row["lisgraph HTTP, cached"]["p50_ms"])
        )
    if "Virtuoso HTTP" in point:
        out["point lookup: HTTP throughput / Virtuoso (goal >= 1)"] = (
            _ratio(point["lisgraph HTTP"]["rps"], point["Virtuoso HTTP"]["rps"])
        )
        deref = q["dereferencing"]
        out["resource page Turtle / Virtuoso DESCRIBE (goal >= 1)"] = (
            _ratio(deref["resource page, Turtle"], deref["Virtuoso DESCRIBE, Turtle"])
        )
    return out


def save(out: Path, results: dict[str, Any]) -> None:
    """Write what has been measured so far (a failure later loses nothing)."""
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")


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
        # 3 s: the naive rdflib baseline needs over a second per aggregate on the real data
        args.sizes, args.seconds, args.requests, args.repeats, args.clients = "2000", 3, 5, 1, 2
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
