"""Search by name: the build's index (SQLite FTS5) against the SPARQL text scan it replaces, on
the same build, in the same run; and the time the index adds to a build.

    python bench/search.py [--triples 100000] [--repeats 200] [--work DIR]

Writes a synthetic project of about N triples (``lisgraph synth``), builds it, then times, for
each query, the median of ``--repeats`` in-process lookups in the index, and of the same search
as a SPARQL query over every label (the baseline: case-insensitive prefix match on names).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_seconds

from bench.harness import synthetic_build
from lisgraph.artifact import BuildDir
from lisgraph.builder.search_entries import search_entries
from lisgraph.search_index import search, write_index
from lisgraph.store.embedded import EmbeddedStore

QUERIES = ("cornwall", "Cornw", "E060000", "south east midlands", "growth", "e", "s")
SPARQL = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT DISTINCT ?s ?name WHERE {{ "
    "?s skos:prefLabel|rdfs:label|skos:altLabel|skos:notation ?name "
    'FILTER(REGEX(STR(?name), "{}", "i")) }} LIMIT 50'
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--work", default=None, help="directory to keep the synthetic build in")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="lisgraph-search-bench-"))
    project, dist = synthetic_build(work, args.triples)
    build = BuildDir(dist)
    triples = build.info()["triples"]
    store = EmbeddedStore.from_build(build.path)
    index = build.search_index
    print(f"synthetic build: {triples:,} triples; index {index.stat().st_size / 1e6:.1f} MB")
    print("| query | hits | index (ms, median) | SPARQL regex scan (ms, median) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for text in QUERIES:
        found = search(index, text)
        hits = f"{found.total}{'+' if found.capped else ''}"  # + : a short query, cut
        indexed = 1000 * median_seconds(args.repeats, lambda t=text: search(index, t))
        scanned = 1000 * median_seconds(
            max(3, args.repeats // 20), lambda t=text: store.query(SPARQL.format(t)).rows()
        )
        print(f"| {text} | {hits} | {indexed:.2f} | {scanned:.1f} | {scanned / indexed:.0f}x |")
    began = time.perf_counter()
    entries = search_entries(build.ntriples.read_bytes(), str(build.info()["base_iri"]))
    write_index(entries, work / "index-timing.sqlite")
    print(f"index build: {len(entries):,} entries in {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main()
