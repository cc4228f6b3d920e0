"""What a store spends writing its answer, by SPARQL results format (issue 26): the store's own
CPU per request, and the front-end's CPU to read the answer, for the same queries asked over one
kept-alive connection in each format in turn.

    python bench/result_formats.py --build dist --rounds 3 [--stores virtuoso,oxigraph]

The build is loaded into a new store by lisgraph's bulk path: Virtuoso (lisgraph's test ini)
by ``store-image --virtuoso-isql``, Oxigraph by ``store-image --oxigraph-location`` and then
``oxigraph serve-read-only``. Each round asks each query ``--requests`` times in each format
(every text distinct, by a comment, so no store answers from a cache of texts), the formats'
order turned round every other round; the store's CPU is utime + stime of its process from
/proc, before and after each block. The front-end's part is pyoxigraph parsing each answer once
more, timed by ``time.process_time``. One JSON object out (and in ``--out``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import process_cpu_seconds, run_lisgraph  # noqa: E402
from bench.stores.oxigraph_server import OXIGRAPH, OxigraphReadOnly  # noqa: E402
from bench.stores.server import StoreServer  # noqa: E402
from bench.stores.virtuoso import Virtuoso  # noqa: E402

BASE = "https://w3id.org/lisgraph/"
UNION = BASE + "graph/lisgraph"
#: A point lookup as a front-end sends it to a store holding lisgraph's dataset as its own (no
#: dataset parameters), the same with the union graph named (a store that does not), and ASK.
QUERIES = {
    "point": f"SELECT ?p ?o WHERE {{ <{BASE}id/lep/E37000057> ?p ?o }}",
    "point-union": f"SELECT ?p ?o FROM <{UNION}> WHERE {{ <{BASE}id/lep/E37000057> ?p ?o }}",
    "ask": f"ASK {{ <{BASE}id/lep/E37000057> ?p ?o }}",
}
FORMATS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
}


@contextmanager
def loaded_store(kind: str, dist: Path, work: Path) -> Iterator[tuple[StoreServer, str]]:
    """A new store of ``kind`` holding the build, started; and its SPARQL query URL."""
    if kind == "virtuoso":
        virtuoso = Virtuoso(work / "virtuoso").start()
        signin = {"LISGRAPH_STORE_USER": "dba", "LISGRAPH_STORE_PASSWORD": "dba"}
        image = virtuoso.dir / "image.nq"
        run_lisgraph("store-image", "--build", str(dist), "--image", str(image),
                     "--virtuoso-isql", f"127.0.0.1:{virtuoso.sql_port}", env=signin)  # fmt: skip
        store: StoreServer = virtuoso
        url = virtuoso.sparql
    else:
        assert OXIGRAPH, "oxigraph (pip install oxigraph) is needed"
        store = OxigraphReadOnly(work / "oxigraph")
        run_lisgraph("store-image", "--build", str(dist), "--image", str(work / "image.nq"),
                     "--oxigraph-location", str(store.dir / "data"))  # fmt: skip
        store.start()
        url = store.query_url
    try:
        yield store, url
    finally:
        store.kill()


def block(
    store: StoreServer, url: str, query: str, media_type: str, count: int, tag: str
) -> tuple[float, float, list[bytes]]:
    """``count`` requests of ``query`` (each text distinct) over one connection: the store's
    CPU and the wall time per request (ms), and the answers."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": media_type}
    answers = []
    assert store.process is not None
    before, began = process_cpu_seconds(store.process.pid), time.perf_counter()
    for number in range(count):
        body = urllib.parse.urlencode({"query": f"{query} # {tag} {number}"})
        connection.request("POST", parts.path, body, headers)
        response = connection.getresponse()
        answers.append(response.read())
        assert response.status == 200, answers[-1][:300]
    wall = time.perf_counter() - began
    cpu = process_cpu_seconds(store.process.pid) - before
    connection.close()
    return cpu / count * 1000, wall / count * 1000, answers


def parse_cpu(answers: list[bytes], results_format: ox.QueryResultsFormat) -> float:
    """The front-end's CPU (ms) to read one answer, as lisgraph reads it."""
    began = time.process_time()
    for body in answers:
        parsed = ox.parse_query_results(body, format=results_format)
        if isinstance(parsed, ox.QuerySolutions):
            list(parsed)
    return (time.process_time() - began) / len(answers) * 1000


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--stores", default="virtuoso,oxigraph")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "result_formats.json")
    args = parser.parse_args()
    dist = args.build.resolve()
    blocks: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lisgraph-formats-") as temp:
        for kind in args.stores.split(","):
            with loaded_store(kind, dist, Path(temp)) as (store, url):
                for number in range(args.rounds):
                    order = list(FORMATS) if number % 2 == 0 else list(FORMATS)[::-1]
                    for name, query in QUERIES.items():
                        for fmt in order:
                            media_type, results_format = FORMATS[fmt]
                            tag = f"{number} {fmt}"
                            cpu, wall, answers = block(
                                store, url, query, media_type, args.requests, tag
                            )
                            blocks.append({
                                "store": kind, "query": name, "format": fmt, "round": number,
                                "store_cpu_ms": round(cpu, 3), "wall_ms": round(wall, 3),
                                "parse_cpu_ms": round(parse_cpu(answers, results_format), 3),
                                "bytes": len(answers[0]),
                            })  # fmt: skip
                            print(json.dumps(blocks[-1]), file=sys.stderr, flush=True)
    summary: dict[str, Any] = {}
    for entry in blocks:
        key = f"{entry['store']} {entry['query']} {entry['format']}"
        summary.setdefault(key, []).append(entry)
    medians = {
        key: {
            field: statistics.median(e[field] for e in entries)
            for field in ("store_cpu_ms", "wall_ms", "parse_cpu_ms", "bytes")
        }
        for key, entries in summary.items()
    }
    result = {"build": str(dist), "rounds": args.rounds, "medians": medians, "blocks": blocks}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(medians, indent=1))
    return result


if __name__ == "__main__":
    main()
