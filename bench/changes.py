"""The change log between two releases at scale: ``diff_builds`` (a streaming merge of two sorted
N-Quads dumps) on two synthetic builds of about N triples that differ in every varied value.

    python bench/changes.py [--triples 1000000] [--work DIR] [--repeats 3]

Prints the build sizes, the diff's counts, and the median seconds of ``--repeats`` runs (writing
the added and removed N-Quads, as a release does). The baseline beside it: reading both dumps
once (the least any diff must do).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

from lisgraph.artifact import BuildDir
from lisgraph.builder.changes import diff_builds


def _build(work: Path, triples: int, seed: int) -> BuildDir:
    project = work / f"synthetic-{triples}-seed-{seed}"
    dist = project / "dist"
    if not BuildDir(dist).is_complete():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lisgraph",
                "synth",
                "--triples",
                str(triples),
                "--seed",
                str(seed),
                "--out",
                str(project),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [sys.executable, "-m", "lisgraph", "build", "--out", str(dist)],
            check=True,
            env={"LISGRAPH_PROJECT_DIR": str(project), "PATH": ""},
            stdout=subprocess.DEVNULL,
        )
    return BuildDir(dist).resolved()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="lisgraph-changes-bench-"))
    old, new = _build(work, args.triples, 1), _build(work, args.triples, 2)
    for name, build in (("old", old), ("new", new)):
        megabytes = build.nquads.stat().st_size / 1e6
        print(f"{name}: {build.info()['quads']:,} quads in {megabytes:.0f} MB")
    out = work / "diff"
    changes = diff_builds(old, new, out)
    counts = f"{changes.added:,} added, {changes.removed:,} removed, {changes.changed:,} changed"
    print(f"diff: {counts}")

    def read_both() -> None:
        for path in (old.nquads, new.nquads):
            with path.open("rb") as source:
                for _ in source:
                    pass

    baseline = median_seconds(args.repeats, read_both)
    diff = median_seconds(args.repeats, lambda: diff_builds(old, new, out))
    print(f"| read both dumps | {baseline:.1f} s |")
    print(f"| diff_builds (writing added.nq, removed.nq) | {diff:.1f} s ({diff / baseline:.1f}x) |")


if __name__ == "__main__":
    main()
