"""What changed between two builds: counts per graph and class, the diff as sorted N-Quads,
byte-stable, and ``lisgraph diff`` printing the same."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lisgraph import BuildResult, Settings, build_project
from lisgraph.artifact import ADDED_FILE, REMOVED_FILE, BuildDir
from lisgraph.builder.changes import diff_builds

from .helpers import copy_project

SEM_HIGHLIGHTS = "https://w3id.org/lisgraph/graph/seed-001-sem-highlights"


@pytest.fixture(scope="module")
def two_builds(
    built: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[BuildDir, BuildDir]:
    """Build A of the project (the session's), and build B of a copy after one fact added, one
    removed, one changed."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    first = BuildDir(built.out_dir).resolved()
    path = project / "data" / "seed-001-sem-highlights.ttl"
    text = path.read_text(encoding="utf-8")
    value = re.search(r"lis:value (\d+) ;", text)
    assert value is not None, "the source file states a value"
    changed = text.replace(value.group(0), f"lis:value {int(value.group(1)) + 1} ;", 1)
    lines = changed.splitlines(keepends=True)
    removed_at = next(
        i
        for i, line in enumerate(lines)
        if "dcterms:description" in line and line.rstrip().endswith(";")
    )
    del lines[removed_at]  # one statement removed (a description, not the last of its subject)
    lines.append('\n<id/lep/E37000057> skos:altLabel "SEMLEP, as named for this test"@en .\n')
    path.write_text("".join(lines), encoding="utf-8")
    settings = Settings.from_mapping(
        {"PROJECT_DIR": str(project), "DIST_DIR": str(project / "dist-b")}
    )
    second = BuildDir(build_project(settings).out_dir).resolved()
    return first, second


def test_a_fact_added_one_removed_one_changed(
    two_builds: tuple[BuildDir, BuildDir], tmp_path: Path
) -> None:
    old, new = two_builds
    changes = diff_builds(old, new, tmp_path)
    added = (tmp_path / ADDED_FILE).read_bytes().splitlines()
    removed = (tmp_path / REMOVED_FILE).read_bytes().splitlines()
    assert added == sorted(added) and removed == sorted(removed)
    # each fact is stated in its source's graph and in the merge; the dumps' N-Quads hold the graphs
    assert any(b"#value>" in line for line in added) and any(b"#value>" in line for line in removed)
    assert any(b"/description>" in line for line in removed)
    assert any(b"named for this test" in line for line in added)
    assert changes.added == len(added) and changes.removed == len(removed)
    assert changes.changed == 1  # the value of one statistic
    graph = changes.by_graph[SEM_HIGHLIGHTS]
    assert (graph["added"], graph["removed"], graph["changed"]) == (
        changes.added,
        changes.removed,
        1,
    )
    lep = "https://w3id.org/lisgraph/def/lis#LocalEnterprisePartnership"
    assert changes.by_class[lep]["added"] == 1  # the new name, stated of the LEP


def test_the_diff_is_byte_stable_and_empty_for_one_build(
    two_builds: tuple[BuildDir, BuildDir], tmp_path: Path
) -> None:
    old, new = two_builds
    diff_builds(old, new, tmp_path / "one")
    diff_builds(old, new, tmp_path / "two")
    for name in (ADDED_FILE, REMOVED_FILE):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    same = diff_builds(new, new)
    assert (same.added, same.removed, same.changed) == (0, 0, 0)


def test_lisgraph_diff_prints_the_counts(
    two_builds: tuple[BuildDir, BuildDir], cli: Callable[..., Any]
) -> None:
    old, new = two_builds
    result = cli("diff", str(old.path), str(new.path))
    assert result.returncode == 0, result.stderr
    changes = diff_builds(old, new)
    assert result.stdout.splitlines()[0] == (
        f"{changes.added} added, {changes.removed} removed, {changes.changed} changed"
    )
    assert SEM_HIGHLIGHTS in result.stdout
    missing = cli("diff", str(old.path), "/nonexistent")
    assert missing.returncode == 2 and "No build found in /nonexistent" in missing.stderr
