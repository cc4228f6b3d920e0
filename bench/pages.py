"""Server time of the pages that compare: ``/compare`` (every LEP, two LEPs side by side, every
strategy, two strategies), ``/map`` (latest and on a day) and a LEP's page (summary card and
JSON-LD included), at a synthetic build of about N triples, rendered in-process with the page
cache off (each request is a full render). What a page keeps per build (``Snapshot.once``: the
programme matrix, the map's outlines, every LEP's and strategy's comparison) is made in each
page's first, untimed render, so the figures are a render the page cache has not seen, not the
first after a build.

    python bench/pages.py [--triples 100000] [--rounds 30] [--work DIR]

The pages are timed interleaved (one request to each page per round, the order rotated every
round), so a busy machine slows them alike; each figure is the median over the rounds, of the
thread's CPU time (the server's own work, which a shared machine's load does not inflate) and of
the wall time. The landing page and a LEP page's Turtle are timed beside them as baselines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import synthetic_build
from lisgraph.artifact import BuildDir
from lisgraph.web import create_app
from lisgraph.web.page_cache import PageCache


def _pages(base: str, lep: str, other: str, strategy: str, another: str) -> dict[str, str]:
    return {
        "/compare (every LEP)": "/compare",
        "/compare, two LEPs": f"/compare?lep={lep}&lep={other}",
        "/compare/strategies (every strategy)": "/compare/strategies",
        "/compare/strategies, two": f"/compare/strategies?strategy={strategy}&strategy={another}",
        "/map (latest)": "/map",
        "/map?date=2019-07-31": "/map?date=2019-07-31",
        "LEP page (card, JSON-LD)": f"/doc/lep/{lep}.html",
        "baseline: LEP's Turtle": f"/doc/lep/{lep}.ttl",
        "baseline: landing page": "/",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--work", default=None, help="directory to keep the synthetic build in")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="lisgraph-pages-bench-"))
    project, dist = synthetic_build(work, args.triples)
    build = BuildDir(dist)
    app = create_app({"PROJECT_DIR": str(project), "DIST_DIR": str(dist)})
    client = app.test_client()
    with app.test_request_context("/"):
        from lisgraph.web.dataset import current_snapshot

        snapshot = current_snapshot()
        snapshot.pages = PageCache(entries=0, max_bytes=0)  # keeps nothing: every GET renders
        base = snapshot.base
        leps = [
            r["c"].value
            for r in snapshot.store.query(
                f"SELECT ?c WHERE {{ ?l a <{base}def/lis#LocalEnterprisePartnership> ; "
                f"<{base}def/lis#area>/<{base}def/lis#gssCode> ?c }} ORDER BY ?c LIMIT 2"
            ).rows()
        ]
        strategies = [
            r["s"].value.rsplit("/", 1)[1]
            for r in snapshot.store.query(
                f"SELECT ?s WHERE {{ ?s a <{base}def/lis#LocalIndustrialStrategy> }} "
                "ORDER BY ?s LIMIT 2"
            ).rows()
        ]
    pages = _pages(base, *leps, *strategies)
    times: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    sizes: dict[str, int] = {}
    names = list(pages)
    for name, url in pages.items():  # a first render of each, not timed (imports, templates)
        answer = client.get(url, headers={"Accept": "text/html"})
        assert answer.status_code == 200, (url, answer.status_code)
        sizes[name] = len(answer.data)
    for round_ in range(args.rounds):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            began, began_cpu = time.perf_counter(), time.thread_time()
            answer = client.get(pages[name], headers={"Accept": "text/html"})
            times[name].append(time.perf_counter() - began)
            cpu[name].append(time.thread_time() - began_cpu)
            assert answer.status_code == 200
    print(f"synthetic build: {build.info()['triples']:,} triples; {args.rounds} rounds")
    print("| page | CPU ms, median | wall ms, median | wall ms, min | HTML KB |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        ms = [1000 * t for t in times[name]]
        cpu_ms = [1000 * t for t in cpu[name]]
        print(
            f"| {name} | {statistics.median(cpu_ms):.1f} | {statistics.median(ms):.1f} "
            f"| {min(ms):.1f} | {sizes[name] / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
