"""A point lookup through ``/fragments`` against the same lookup through ``/sparql``.

Starts ``lisgraph serve`` (2 workers) on a build, waits ``--settle`` seconds for the page
warmer, then measures with ``wrk`` (``-t2 -c32``, keep-alive; the server gives wrk's one address
the query share of 32 clients), in interleaved rounds, the
requests per second of: the statements about one subject as a Quad Pattern Fragment (N-Quads)
and as a SPARQL SELECT (JSON; after the first, answered from the answer cache), and the same two
over ``--subjects`` subjects in turn (more than the answer cache holds, so the SPARQL answers are
worked out each time). Prints the medians and writes every figure as JSON::

    python bench/fragments.py --build dist --rounds 3 --seconds 10
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench.harness import ROOT, free_port, started

SEMLEP = "https://w3id.org/lisgraph/id/lep/E37000057"
NQUADS = "application/n-quads"
JSON = "application/sparql-results+json"


def _fragment(subject: str) -> str:
    return "/fragments?subject=" + urllib.parse.quote(subject, safe="")


def _lookup(subject: str) -> str:
    query = f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}"
    return "/sparql?query=" + urllib.parse.quote(query, safe="")


def _wrk(root: str, paths: list[str], accept: str, seconds: float) -> tuple[float, int]:
    """Requests per second answered 2xx over ``paths`` in turn (each thread starts at its own
    place), and how many were refused (the endpoint's 429 and 503 under this load)."""
    listed = ",\n".join(json.dumps(p) for p in paths)
    script = (
        f"paths = {{\n{listed}\n}}\n"
        "counter = 0\n"
        "offset = 0\n"
        "setup = function(thread) thread:set('offset', math.random(#paths)) end\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  local path = paths[((counter + offset) % #paths) + 1]\n"
        f"  return wrk.format('GET', path, {{['Accept'] = '{accept}'}})\n"
        "end\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    duration = max(1, round(seconds))
    command = ["wrk", "-t2", "-c32", f"-d{duration}s", "--timeout", "60s"]
    out = subprocess.run(
        [*command, "-s", lua.name, root], capture_output=True, text=True, check=True
    ).stdout
    Path(lua.name).unlink()
    total = re.search(r"(\d+) requests in ([\d.]+)s", out)
    assert total, out
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(refused.group(1)) if refused else 0
    return (int(total.group(1)) - errors) / float(total.group(2)), errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, required=True, help="the build to serve")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run")
    parser.add_argument("--settle", type=float, default=40.0, help="wait after start-up")
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fragments.json")
    args = parser.parse_args()
    port = free_port()
    command = [sys.executable, "-m", "lisgraph", "serve", "--no-build"]
    command += ["--build", str(args.build.resolve()), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "2"]
    # wrk's 32 connections come from one address: let it have the share of 32 clients, so that
    # the endpoint's figure is its throughput, not its per-client limit (fragments have none).
    shares = {
        "LISGRAPH_CLIENT_QUERIES": "2",
        "LISGRAPH_CLIENT_QUEUED": "32",
        "LISGRAPH_CLIENT_BURST": "32",
        "LISGRAPH_QUERY_QUEUE": "64",
    }
    with started(command, f"http://127.0.0.1:{port}/health", env=shares) as health:
        root = health.removesuffix("/health")
        time.sleep(args.settle)
        rows = requests.post(
            root + "/sparql",
            data={
                "query": "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER isIRI(?s) } "
                f"ORDER BY ?s LIMIT {args.subjects}"
            },
            headers={"Accept": JSON},
            timeout=60,
        ).json()["results"]["bindings"]
        subjects = [r["s"]["value"] for r in rows]
        cases = {
            "fragment, one subject": ([_fragment(SEMLEP)], NQUADS),
            "sparql, one subject (cached)": ([_lookup(SEMLEP)], JSON),
            f"fragment, {len(subjects)} subjects": ([_fragment(s) for s in subjects], NQUADS),
            f"sparql, {len(subjects)} subjects": ([_lookup(s) for s in subjects], JSON),
        }
        for paths, accept in cases.values():  # every answer is right before it is timed
            for path in paths[:3]:
                answer = requests.get(root + path, headers={"Accept": accept}, timeout=60)
                answer.raise_for_status()
        runs: dict[str, list[float]] = {name: [] for name in cases}
        refused: dict[str, list[int]] = {name: [] for name in cases}
        for round_number in range(args.rounds):
            names = list(cases) if round_number % 2 == 0 else list(reversed(cases))
            for name in names:
                paths, accept = cases[name]
                rate, errors = _wrk(root, paths, accept, args.seconds)
                runs[name].append(rate)
                refused[name].append(errors)
                print(
                    f"round {round_number + 1} {name:34s} {rate:8,.0f}/s answered, "
                    f"{errors} refused",
                    flush=True,
                )
    print(f"\n{'request':34s} {'median req/s':>12s}")
    medians = {name: statistics.median(values) for name, values in runs.items()}
    for name, value in medians.items():
        print(f"{name:34s} {value:12,.0f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figures = {"runs": runs, "refused": refused, "medians": medians}
    args.out.write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
