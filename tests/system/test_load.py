"""A bounded load test (bench/load.py, small) against the real server: zero errors under
concurrent mixed traffic, and memory that stays flat once warmed up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from lisgraph import BuildResult

from ..helpers import PROJECT_DIR, start_server, stop_server

LOAD = PROJECT_DIR / "bench" / "load.py"
#: How much more the server may hold after the second, longer run than after the first. Not a
#: speed or a budget (those are bench/load.py's, in bench/RESULTS.md): a leak grows with the
#: requests served, and the second run serves several times as many.
RSS_GROWTH = 1.25


def _load(url: str, pgid: int, seconds: int, clients: int) -> dict[str, Any]:
    result = subprocess.run(
        [
            sys.executable,
            str(LOAD),
            "--url",
            url,
            "--seconds",
            str(seconds),
            "--clients",
            str(clients),
            "--pgid",
            str(pgid),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_mixed_load_has_no_errors_and_stable_memory(built: BuildResult, tmp_path: Path) -> None:
    # 16 simulated clients share 127.0.0.1: lift the per-address share of the query processes.
    process, url = start_server(
        built.out_dir,
        "--workers",
        "2",
        env={"LISGRAPH_CLIENT_QUERIES": "16", "LISGRAPH_CLIENT_QUEUED": "16"},
        log=tmp_path / "serve.log",
    )
    try:
        warm = _load(url, process.pid, seconds=3, clients=8)
        steady = _load(url, process.pid, seconds=8, clients=16)
    finally:
        stop_server(process)
    for run in (warm, steady):
        assert run["errors"] == 0, run["error_samples"]
        assert run["requests"] > 100
        assert all(stats["n"] > 0 for stats in run["latency_ms"].values())
    assert steady["server_rss_kb_after"] < RSS_GROWTH * warm["server_rss_kb_after"], (warm, steady)
