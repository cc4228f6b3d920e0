"""The wedge stress, blue/green (issue 26; review S1): publish after publish into two Virtuosos
in turn with ``lisgraph publish --pointer``, while readers ask the front-end (which follows the
pointer) and both stores directly, the whole time; bounded in time.

    python bench/wedge_stress.py --build dist --minutes 25 --publishes 300

Each publish goes into the store the pointer does not name (so never into the one the front-end
reads), by the Graph Store Protocol and by SPARQL Update in turn, each bounded (``--publish-
timeout``). After each, both stores must answer ``ASK {}`` within 10 s; a publish that fails or
times out, or a store that does not answer, is a wedge (its log tail is kept). One JSON object
out: publishes, wedges, reader answers and errors.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset_params import process  # noqa: E402
from bench.stores.server import free_port  # noqa: E402
from bench.stores.virtuoso import Virtuoso  # noqa: E402

BOTH = (
    "SELECT ?n ?m WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } "
    "{ SELECT (COUNT(*) AS ?m) WHERE { GRAPH ?g { ?s ?p ?o } } } }"
)


def answers(url: str, timeout: float = 10) -> bool:
    try:
        return requests.get(url, params={"query": "ASK {}"}, timeout=timeout).ok
    except requests.RequestException:
        return False


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "dist")
    parser.add_argument("--minutes", type=float, default=25)
    parser.add_argument("--publishes", type=int, default=300)
    parser.add_argument("--publish-timeout", type=float, default=90)
    args = parser.parse_args()
    dist = args.build.resolve()
    stop = threading.Event()
    seen: Counter[str] = Counter()
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="lisgraph-wedge-") as temp:
        work = Path(temp)
        stores = [Virtuoso(work / f"virtuoso-{n}").start() for n in range(2)]
        pointer, mirrors = work / "store-url", work / "mirrors"

        def read(label: str, target: str, pause: float) -> None:
            """Ask ``target`` the count of both graphs, back to back, until told to stop."""
            session = requests.Session()
            while not stop.is_set():
                try:
                    response = session.post(
                        target, data={"query": BOTH}, headers={"Accept": "text/csv"}, timeout=30
                    )
                    key = f"{label} {'ok' if response.ok else response.status_code}"
                except requests.RequestException as exc:
                    key = f"{label} {type(exc).__name__}"
                with lock:
                    seen[key] += 1
                time.sleep(pause)

        try:
            env = {**os.environ, **stores[0].env}
            common = ["--build", str(dist), "--pointer", str(pointer), "--settle", "2",
                      "--mirror-dir", str(mirrors)]  # fmt: skip

            def publish(store: Virtuoso, method: str) -> subprocess.CompletedProcess[str]:
                return subprocess.run(
                    [sys.executable, "-m", "lisgraph", "publish", *common,
                     *store.publish_args(method), "--read-endpoint", store.query_url],
                    cwd=ROOT, env=env, capture_output=True, text=True,
                    timeout=args.publish_timeout, check=False,
                )  # fmt: skip

            first = publish(stores[0], "auto")
            assert first.returncode == 0, first.stderr
            port = free_port()
            command = [sys.executable, "-m", "lisgraph", "serve", "--no-build", "--build",
                       str(dist), "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                       "--store", f"@{pointer}"]  # fmt: skip
            front_env = {
                "LISGRAPH_STORE_POLL_SECONDS": "0.5", "LISGRAPH_MIRROR_DIR": str(mirrors),
                "LISGRAPH_CLIENT_QUERIES": "8", "LISGRAPH_CLIENT_QUEUED": "16",
            }  # fmt: skip
            url = f"http://127.0.0.1:{port}/"
            with process(command, url + "health", front_env, work / "serve.log"):
                readers = [threading.Thread(target=read, args=("front-end", url + "sparql", 0))
                           for _ in range(4)]  # fmt: skip
                readers += [threading.Thread(target=read, args=("store", s.query_url, 0.2))
                            for s in stores]  # fmt: skip
                for reader in readers:
                    reader.start()
                began = time.monotonic()
                runs: list[dict[str, Any]] = []
                wedges: list[dict[str, Any]] = []
                while len(runs) < args.publishes and time.monotonic() - began < 60 * args.minutes:
                    served = pointer.read_text().strip()
                    target = next(s for s in stores if s.query_url != served)
                    method = "auto" if len(runs) % 2 == 0 else "none"
                    started = time.monotonic()
                    try:
                        done = publish(target, method)
                        ok, tail = done.returncode == 0, done.stderr[-500:]
                    except subprocess.TimeoutExpired:
                        ok, tail = False, f"no end within {args.publish_timeout:g} s"
                    alive = [answers(s.query_url) for s in stores]
                    runs.append({"s": round(time.monotonic() - started, 1), "ok": ok})
                    if not ok or not all(alive):
                        wedges.append({"publish": len(runs), "method": method, "error": tail,
                                       "answering": alive, "log": target.log()[-800:]})  # fmt: skip
                        if not all(alive):
                            break  # a wedged store: stop here, its state is in the log
                stop.set()
                for reader in readers:
                    reader.join(timeout=60)
        finally:
            stop.set()
            for store in stores:
                store.kill()
    seconds = [run["s"] for run in runs]
    result = {
        "publishes": len(runs),
        "failed": sum(1 for run in runs if not run["ok"]),
        "wedges": wedges,
        "publish_s_median": sorted(seconds)[len(seconds) // 2] if seconds else None,
        "minutes": round((time.monotonic() - began) / 60, 1),
        "reader_answers": dict(seen),
    }
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
