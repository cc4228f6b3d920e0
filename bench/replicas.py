"""Read replicas, measured: front-ends over Oxigraph read-only replicas (a store pointer naming
them), point lookups from several clients at once, the layouts interleaved.

    python bench/replicas.py --build dist --rounds 4 --seconds 10 --layouts 1x1,1x2,2x1,2x2

A layout ``FxR`` is F front-ends over R replicas (R at most 2); the clients are dealt out to
its front-ends in turn, as a load balancer would.

Both replicas serve one store loaded offline from the build's store image (``oxigraph load``;
several read-only servers share one directory). Each front-end has two workers, the query
cache off and the per-client limits raised (every client comes from 127.0.0.1). For each round
and layout in turn: ``--clients`` threads send the point lookup back to back for
``--seconds``; answered requests per second, and the CPU per request of the layout's front-ends'
processes and of each replica's (utime + stime of each process group over that window). From
the CPU per request: the cores a front-end and the replicas need per 1,000 lookups a second.
One JSON object to standard output.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset_params import (  # noqa: E402
    POINT,
    cpu_seconds,
    loaded_store,
    process,
    read_only_server,
    settle,
)
from bench.stores.server import free_port  # noqa: E402


def front_end(dist: Path, pointer: Path, mirror: Path, log: Path) -> tuple[str, Any]:
    port = free_port()
    command = [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--build", str(dist)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    command += ["--store", f"@{pointer}"]
    env = {
        "PYTHONPATH": str(ROOT),
        "LISGRAPH_QUERY_CACHE_ENTRIES": "0",
        "LISGRAPH_MIRROR_DIR": str(mirror),
        "LISGRAPH_CLIENT_QUERIES": "8",
        "LISGRAPH_CLIENT_QUEUED": "16",
    }
    url = f"http://127.0.0.1:{port}/"
    return url, process(command, url + "health", env, log)


def load(urls: list[str], clients: int, seconds: float) -> int:
    """Answered lookups from ``clients`` threads over ``seconds``, client n asking ``urls[n %
    len(urls)]``."""
    answered = [0] * clients
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        session = requests.Session()
        url = urls[number % len(urls)]
        while time.monotonic() < stop:
            response = session.post(
                url + "sparql", data={"query": POINT}, timeout=60,
                headers={"Accept": "application/sparql-results+json"},
            )  # fmt: skip
            if response.status_code == 200:
                answered[number] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(answered)


@dataclass
class _Total:
    answered: int = 0
    seconds: float = 0.0
    front: float = 0.0
    stores: list[float] = field(default_factory=lambda: [0.0, 0.0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "dist")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--layouts", default="1x1,1x2", help="FxR: F front-ends over R replicas")
    args = parser.parse_args()
    layouts = {f"{f} front-end(s) over {r} replica(s)": (int(f), int(r))
               for f, r in (layout.split("x") for layout in args.layouts.split(","))}  # fmt: skip
    dist = args.build.resolve()
    with tempfile.TemporaryDirectory(prefix="lisgraph-replicas-") as temp, ExitStack() as stack:
        work = Path(temp)
        location = loaded_store(dist, work)
        stores = []
        for n in range(2):
            url, running = read_only_server(location, work / f"replica-{n}.log")
            stores.append((url, stack.enter_context(running)))
        # front-ends over each number of replicas, as many as the layouts need
        fronts: dict[int, list[tuple[str, int]]] = {}
        for count in sorted({r for _, r in layouts.values()}):
            pointer = work / f"pointer-{count}"
            pointer.write_text("".join(url + "\n" for url, _ in stores[:count]))
            for n in range(max(f for f, r in layouts.values() if r == count)):
                log = work / f"fe-{count}-{n}.log"
                url, running = front_end(dist, pointer, work / "mirror", log)
                fronts.setdefault(count, []).append((url, stack.enter_context(running)))
        settle([pgid for each in fronts.values() for _, pgid in each])
        totals = {name: _Total() for name in layouts}
        for number in range(args.rounds):
            names = list(layouts)[number % len(layouts) :] + list(layouts)[: number % len(layouts)]
            for name in names:
                count_f, count_r = layouts[name]
                used = fronts[count_r][:count_f]
                pgids = [pgid for _, pgid in used]
                before = sum(map(cpu_seconds, pgids)), [cpu_seconds(p) for _, p in stores]
                began = time.monotonic()
                total = totals[name]
                total.answered += load([url for url, _ in used], args.clients, args.seconds)
                total.seconds += time.monotonic() - began
                total.front += sum(map(cpu_seconds, pgids)) - before[0]
                for index, (_, store_pgid) in enumerate(stores):
                    total.stores[index] += cpu_seconds(store_pgid) - before[1][index]
        result: dict[str, Any] = {
            "build": str(dist), "clients": args.clients, "rounds": args.rounds,
            "seconds": args.seconds, "front_ends": {},
            "load_average": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        }  # fmt: skip
        for name, total in totals.items():
            answered = total.answered
            front_ms = 1000 * total.front / answered
            store_ms = [1000 * used / answered for used in total.stores]
            result["front_ends"][name] = {
                "answered": answered,
                "req_per_s": round(answered / total.seconds, 1),
                "front_end_cpu_ms": round(front_ms, 2),
                "replica_cpu_ms": [round(ms, 2) for ms in store_ms],
                "front_end_cores_per_1000_req_s": round(front_ms, 2),
                "replica_cores_per_1000_req_s": round(sum(store_ms), 2),
            }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
