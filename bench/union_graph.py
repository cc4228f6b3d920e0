"""What the union of a build's graphs costs a store to query (issue 26, item 6): the same queries
over lisgraph's union graph (the merge the build writes, ``default-graph-uri`` = it, in a store
loaded from the whole store image) and over the store's own union of the source graphs (a store
loaded from the image without the merge; Oxigraph: ``union-default-graph``; Virtuoso: no
dataset, which is every graph it holds, its own few thousand system triples included), each
loaded by the store's bulk loader; median time, rows, the store's CPU and peak RSS over each
query's repeats, and the stores' size on disk. Answers are read as they come (CSV, or
N-Triples) and counted by lines, never kept; a query stops at ``--timeout`` seconds.

    python bench/union_graph.py --build DIST --repeats 5 [--stores oxigraph,virtuoso]

Queries: ``bench/sections.py``'s mix, and a count of every triple. One JSON object out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import process_cpu_seconds, run_lisgraph  # noqa: E402
from bench.publish_vs_loader import peak_rss  # noqa: E402
from bench.sections import QUERIES  # noqa: E402
from bench.stores.oxigraph_server import OXIGRAPH, OxigraphServer  # noqa: E402
from bench.stores.server import StoreServer  # noqa: E402
from bench.stores.virtuoso import ISQL, Virtuoso  # noqa: E402

UNION = "https://w3id.org/lisgraph/graph/lisgraph"
COUNTS = {
    "count every triple": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "count distinct triples": (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    ),
}
ALL = {**QUERIES, **COUNTS}
ACCEPT = "text/csv, application/n-triples;q=0.9"


@contextmanager
def oxigraph(image: Path, work: Path) -> Iterator[StoreServer]:
    assert OXIGRAPH
    location = work / "ox"
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(image)],
                   check=True, capture_output=True)  # fmt: skip
    server = OxigraphServer(work / "serve")
    server.command = lambda: [OXIGRAPH, "serve-read-only", "--location", str(location),  # type: ignore[method-assign]
                              "--bind", f"127.0.0.1:{server.port}"]  # fmt: skip
    server.first_start = lambda: False  # type: ignore[method-assign]
    try:
        yield server.start()
    finally:
        server.kill()


@contextmanager
def virtuoso(image: Path, work: Path) -> Iterator[StoreServer]:
    assert ISQL
    server = Virtuoso(work / "v", packaged=True).start()
    try:
        shutil.copyfile(image, server.dir / "v.nq")
        for statement in ("ld_dir('.', 'v.nq', 'urn:unused');", "rdf_loader_run();", "checkpoint;"):
            subprocess.run([ISQL, f"127.0.0.1:{server.sql_port}", "dba", "dba",
                            f"exec={statement}"], check=True, capture_output=True)  # fmt: skip
        yield server
    finally:
        server.kill()


STORES = {"oxigraph": oxigraph, "virtuoso": virtuoso}


def _du(path: Path) -> int:
    """MB of the store's files (Oxigraph's directory; Virtuoso's database file)."""
    files = [f for f in path.rglob("*") if f.is_file() and not f.name.endswith((".nq", ".log"))]
    return round(sum(f.stat().st_size for f in files) / 2**20)


def _params(store: str, union: bool) -> dict[str, str]:
    if not union:
        return {"default-graph-uri": UNION}
    return {"union-default-graph": ""} if store == "oxigraph" else {}


def _ask(
    session: requests.Session, url: str, data: dict[str, str], timeout: float
) -> tuple[float, int, int | None]:
    """Seconds, answer lines (CSV rows with the header, or N-Triples) and the count a counting
    query gave; the answer is read as it comes and dropped, and reading stops at ``timeout``
    seconds (then the time is infinite: a union with duplicates can answer gigabytes)."""
    began = time.monotonic()
    lines, first = 0, b""
    try:
        with session.post(url, data=data, headers={"Accept": ACCEPT}, timeout=timeout,
                          stream=True) as response:  # fmt: skip
            response.raise_for_status()
            for chunk in response.iter_content(1 << 16):
                lines += chunk.count(b"\n")
                first = first or chunk
                if time.monotonic() - began > timeout:
                    return float("inf"), lines, None
    except requests.Timeout:
        return float("inf"), lines, None
    seconds = time.monotonic() - began
    body = first.split(b"\n")
    count = int(body[1].strip()) if len(body) > 1 and body[0].strip() == b"n" else None
    return seconds, lines, count


def measure(
    store: str, servers: dict[bool, StoreServer], repeats: int, timeout: float
) -> dict[str, Any]:
    session = requests.Session()
    out: dict[str, Any] = {}
    for name, query in ALL.items():
        row: dict[str, Any] = {}
        for union in (False, True) if len(out) % 2 == 0 else (True, False):
            server = servers[union]
            assert server.process is not None
            pid = server.process.pid
            times, rows = [], set()
            cpu = process_cpu_seconds(pid)
            with peak_rss(lambda pid=pid: pid) as peak:  # type: ignore[misc]
                for _ in range(repeats):
                    data = {"query": query, **_params(store, union)}
                    seconds, lines, count = _ask(session, server.query_url, data, timeout)
                    times.append(seconds)
                    rows.add(count if name in COUNTS and count is not None else lines)
                    if seconds == float("inf"):
                        break
            row["store's union of the sources" if union else "lisgraph's union graph"] = {
                "median_ms": round(statistics.median(times) * 1000, 1),
                "lines (or count)": sorted(rows),
                "store_cpu_ms_per_query": round(
                    (process_cpu_seconds(pid) - cpu) * 1000 / len(times), 1
                ),
                "store_peak_rss_mb": round(peak["bytes"] / 2**20),
            }
            print(name, union, row, file=sys.stderr, flush=True)
        out[name] = row
    return out


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--stores", default="oxigraph,virtuoso")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    result: dict[str, Any] = {"build": str(args.build.resolve())}
    with tempfile.TemporaryDirectory(prefix="lisgraph-union-") as temp:
        image, sources = Path(temp) / "image.nq", Path(temp) / "sources.nq"
        run_lisgraph("store-image", "--build", str(args.build.resolve()), "--image", str(image))
        merge = f"<{UNION}> .\n".encode()
        with image.open("rb") as whole, sources.open("wb") as out:
            out.writelines(line for line in whole if not line.endswith(merge))
        for store in args.stores.split(","):
            work = Path(temp) / store
            with (
                STORES[store](image, work / "merge") as with_merge,
                STORES[store](sources, work / "sources") as without,
            ):
                load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
                servers = {False: with_merge, True: without}
                result[store] = {
                    "load_before": load,
                    "disk_mb": {
                        "with the merge": _du(work / "merge"),
                        "sources only": _du(work / "sources"),
                    },  # fmt: skip
                    **measure(store, servers, args.repeats, args.timeout),
                }
            print(json.dumps({store: result[store]}), file=sys.stderr, flush=True)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
