"""The benchmark's sections: builds by size, queries (in-process, through lisgraph, cached,
a naive rdflib endpoint, Virtuoso), server start-up and dereferencing. Each returns its figures
as a dict; :mod:`bench.report` turns them into tables."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from bench.harness import (
    ROOT,
    free_port,
    gunicorn,
    in_process_throughput,
    latencies,
    median_of,
    run_in_process,
    started,
    throughput,
)

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


def window(seconds: float, timing: dict[str, float]) -> float:
    """How long to measure throughput: ``seconds``, or longer when a request takes longer (two of
    its median latencies), so that a slow engine completes requests in its window and a short
    ``--seconds`` still measures something."""
    return max(seconds, 2 * timing["p50_ms"] / 1000)


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
            local = median_of(
                repeats, partial(latencies, partial(run_in_process, store, query), count)
            )
            local_window = window(seconds, local)
            row["in-process"] = {
                **local,
                "rps": median_of(
                    repeats,
                    partial(in_process_throughput, store, query, local_window, workers),
                ),
            }
            for endpoint_name, url in endpoints.items():
                session = requests.Session()
                target = f"{url}?query={quote(query)}"
                if endpoint_name.startswith("Virtuoso"):
                    target += "&default-graph-uri=" + quote(BASE + "graph/lisgraph")

                def call(t: str = target, client: requests.Session = session) -> None:
                    client.get(t, headers={"Accept": ACCEPT}, timeout=120).raise_for_status()

                timing = median_of(repeats, partial(latencies, call, count))
                span = window(seconds, timing)
                row[endpoint_name] = {
                    **timing,
                    "rps": median_of(
                        repeats,
                        partial(throughput, target, span, clients, {"Accept": ACCEPT}),
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
            [
                sys.executable,
                "-m",
                "lisgraph",
                "serve",
                "--no-build",
                "--port",
                str(port),
                "--build",
                str(dist),
            ],
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
        name: median_of(repeats, partial(throughput, url, seconds, clients, headers))
        for name, (url, headers) in cases.items()
    }


@contextmanager
def peer(enabled: bool, dist: Path) -> Iterator[str | None]:
    """Virtuoso with the build published into it, or None when not wanted or not installed."""
    if not enabled or shutil.which("virtuoso-t") is None:
        yield None
        return
    from bench.stores.virtuoso import PASSWORD, USER, Virtuoso

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
