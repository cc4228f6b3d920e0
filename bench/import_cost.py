"""What importing a lisgraph module costs a new process (a gunicorn worker imports
``lisgraph.web`` and ``lisgraph.web.worker``): wall time of the import, peak RSS, and which
heavy libraries it loaded. Each figure is the median of ``--repeats`` new interpreters.

    python bench/import_cost.py [--repeats 7] [--checkout DIR] [MODULE ...]

``--checkout`` measures another copy of the project, e.g. an older commit for a before/after:
``git archive COMMIT lisgraph | tar -x -C "$TMPDIR/before"``.

For where the time goes, one module at a time: ``python -X importtime -c "import MODULE"``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Libraries whose presence in ``sys.modules`` after the import is reported.
HEAVY = (
    "rdflib",
    "pyshacl",
    "pyoxigraph",
    "flask",
    "gunicorn",
    "lisgraph.builder",
    "lisgraph.shacl",
)
MODULES = ("lisgraph", "lisgraph.errors", "lisgraph.web", "lisgraph.web.worker", "lisgraph.cli")

_PROBE = """
import importlib, json, resource, sys, time
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began = time.perf_counter()
for name in sys.argv[1].split(","):
    importlib.import_module(name)
seconds = time.perf_counter() - began
print(json.dumps({
    "seconds": seconds,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "start_rss_mb": before / 1024,
    "modules": len(sys.modules),
    "loaded": [m for m in sys.argv[2].split(",") if m in sys.modules],
}))
"""


@dataclass(frozen=True)
class Cost:
    """One import's cost, medians over new processes."""

    seconds: float
    rss_mb: float
    start_rss_mb: float
    modules: int
    loaded: list[str]


def measure(modules: str, repeats: int, checkout: Path = ROOT) -> Cost:
    """The cost of importing ``modules`` (comma-separated) from ``checkout`` in new processes."""
    runs: list[dict[str, Any]] = []
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE, modules, ",".join(HEAVY)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=checkout,
        ).stdout
        runs.append(json.loads(out))
    return Cost(
        seconds=statistics.median(r["seconds"] for r in runs),
        rss_mb=statistics.median(r["rss_mb"] for r in runs),
        start_rss_mb=statistics.median(r["start_rss_mb"] for r in runs),
        modules=runs[0]["modules"],
        loaded=runs[0]["loaded"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the project to import")
    args = parser.parse_args()
    print(f"median of {args.repeats} new processes; load average {os.getloadavg()[0]:.1f}\n")
    print("| import | ms | peak RSS (MB) | modules | heavy libraries loaded |")
    print("|---|---:|---:|---:|---|")
    start = []
    for name in args.modules:
        cost = measure(name, args.repeats, args.checkout.resolve())
        loaded = ", ".join(cost.loaded) or "none"
        print(
            f"| `{name}` | {cost.seconds * 1000:.0f} | {cost.rss_mb:.1f} | {cost.modules} "
            f"| {loaded} |"
        )
        start.append(cost.start_rss_mb)
    print(f"\n(peak RSS before any import: {statistics.median(start):.1f} MB)")


if __name__ == "__main__":
    main()
