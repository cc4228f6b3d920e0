"""A resource's history: the resources a change log names are the subjects of the changed
statements and the resources they link to, so a page hears of a link to it added or removed."""

from __future__ import annotations

from pathlib import Path

from lisgraph.artifact import BuildDir
from lisgraph.builder.changes import diff_builds

E = "http://example.org/"


def _build(directory: Path, quads: list[str]) -> BuildDir:
    directory.mkdir()
    lines = sorted(f"{q} <{E}g> .\n" for q in quads)
    (directory / "lisgraph.nq").write_text("".join(lines), encoding="utf-8")
    triples = sorted({line.rsplit(" <", 1)[0] + " .\n" for line in lines})
    (directory / "lisgraph.nt").write_text("".join(triples), encoding="utf-8")
    return BuildDir(directory)


def test_the_subject_and_the_linked_resource_of_a_change_are_named(tmp_path: Path) -> None:
    kept = f'<{E}a> <{E}name> "A"'
    old = _build(tmp_path / "old", [kept, f"<{E}b> <{E}partOf> <{E}c>"])
    new = _build(tmp_path / "new", [kept, f"<{E}d> <{E}partOf> <{E}e>", f'<{E}f> <{E}v> "<x>"'])
    changes = diff_builds(old, new)
    # b lost its link to c (both changed); d gained one to e; f gained a literal (no link)
    assert changes.subjects == {f"{E}b", f"{E}c", f"{E}d", f"{E}e", f"{E}f"}
    assert (changes.added, changes.removed) == (2, 1)
