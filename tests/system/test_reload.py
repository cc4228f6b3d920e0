"""Publishing a new build while the server is under load: no request lost, no response mixing
old and new data, and a failed build leaves the served data as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from ..helpers import PROJECT_DIR, start_server, stop_server

# Two facts from two different source files; the new build changes both.
QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?wave ?deal WHERE {
  <https://w3id.org/lisgraph/id/wave/2> skos:prefLabel ?wave .
  <https://w3id.org/lisgraph/id/investment/south-east-lep-growth-deal> rdfs:label ?deal .
}"""
OLD = ("Wave 2", "South East LEP growth deal")
NEW = ("Wave 2 (revised)", "South East LEP growth deal (revised)")


def _edit(project: Path, file: str, old: str, new: str) -> None:
    path = project / "data" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build(project: Path, dist: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LISGRAPH_PROJECT_DIR": str(project)}
    return subprocess.run(
        [sys.executable, "-m", "lisgraph", "build", "--out", str(dist)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_reload_under_load_is_atomic_and_loses_nothing(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_DIR / name, project / name)
    dist = tmp_path / "dist"
    assert _build(project, dist).returncode == 0
    process, url = start_server(
        dist,
        "--workers",
        "2",
        # Six simulated clients share 127.0.0.1: lift the per-address share of query processes.
        env={
            "LISGRAPH_PROJECT_DIR": str(project),
            "LISGRAPH_CLIENT_QUERIES": "8",
            "LISGRAPH_CLIENT_QUEUED": "8",
        },
        log=tmp_path / "serve.log",
    )
    seen: Counter[tuple[str, ...]] = Counter()
    failures: list[str] = []
    stop = threading.Event()

    def client() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.get(
                    url + "sparql",
                    params={"query": QUERY},
                    headers={"Accept": "text/csv"},
                    timeout=30,
                )
            except requests.RequestException as exc:
                failures.append(repr(exc))
                continue
            if response.status_code != 200:
                failures.append(f"{response.status_code}: {response.text[:200]}")
                continue
            rows = response.text.splitlines()[1:]
            seen[tuple(rows[0].split(",")) if rows else ("no rows",)] += 1

    threads = [threading.Thread(target=client) for _ in range(6)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        _edit(
            project,
            "seed-002-lep-network.ttl",
            'skos:prefLabel "Wave 2"@en',
            f'skos:prefLabel "{NEW[0]}"@en',
        )
        _edit(
            project,
            "seed-003-south-east-lep.ttl",
            'rdfs:label "South East LEP growth deal"@en',
            f'rdfs:label "{NEW[1]}"@en',
        )
        assert _build(project, dist).returncode == 0
        time.sleep(3)
        new_count = seen[NEW]
        # A broken build must not disturb what is served.
        _edit(project, "seed-002-lep-network.ttl", "    lis:waveNumber 2 ;\n", "")
        broken = _build(project, dist)
        assert broken.returncode == 1
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        stop_server(process)
    assert failures == []
    assert set(seen) == {OLD, NEW}, f"a response mixed old and new data: {seen}"
    assert seen[OLD] > 10 and new_count > 10
    assert seen[NEW] > new_count, "after the failed build the new data went on being served"
