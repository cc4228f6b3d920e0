"""``lisgraph synth`` writes a seeded synthetic project that builds and conforms, and never
deletes a directory it did not write.

Three synthetic projects and a build of one (seconds): in the full suite, not the fast lane.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import CliResult


def test_synth_writes_a_conforming_project_and_never_deletes_other_directories(
    cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    refused = cli("synth", "--triples", "8000", "--out", str(precious))
    assert refused.returncode == 2
    assert "nothing was deleted" in refused.stderr
    assert (precious / "notes.txt").read_text() == "keep me"

    synthetic = tmp_path / "synthetic"
    assert cli("synth", "--triples", "8000", "--out", str(synthetic)).returncode == 0
    again = cli("synth", "--triples", "8000", "--seed", "2", "--out", str(synthetic))
    assert again.returncode == 0, again.stderr  # an earlier synthetic project is replaced
    monkeypatch.setenv("LISGRAPH_PROJECT_DIR", str(synthetic))
    built = cli("build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    assert json.loads((tmp_path / "dist" / "build.json").read_text())["triples"] > 7000
