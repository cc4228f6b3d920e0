"""The benchmark runs, tiny and quick here so it cannot rot (its figures: bench/RESULTS.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..helpers import PROJECT_DIR


def test_benchmark_smoke_run(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "bench" / "run.py"), "--smoke", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=PROJECT_DIR,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert [row["data"] for row in results["build"]][0] == "real data"
    assert all(row["total_s"] > 0 and row["triples"] > 4000 for row in results["build"])
    assert results["start"]["seconds"] > 0  # measured; how fast is bench/RESULTS.md's business
    queries = results["queries"]["queries"]
    assert set(queries) == {
        "point lookup", "2-hop join", "GROUP BY aggregate", "FILTER on literal text", "DESCRIBE",
    }  # fmt: skip
    for row in queries.values():
        for engine in ("in-process", "lisgraph HTTP", "lisgraph HTTP, cached", "naive rdflib HTTP"):
            assert row[engine]["rps"] > 0 and row[engine]["p50_ms"] > 0
    assert all(value > 0 for value in results["ratios"].values())
    assert "## Ratios" in done.stdout
