"""What changed between two builds: statements added and removed, per source graph and per
class, and the diff itself as sorted N-Quads.

Both builds' N-Quads dumps are sorted byte-wise (:mod:`lisgraph.canonical`), so the diff is one
streaming merge of two sorted files: linear in their size, in constant memory beyond the class
of each changed subject. A statement whose subject, predicate and graph lose one value and gain
another is also counted as *changed* (a fact whose value changed, such as a corrected date).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..artifact import ADDED_FILE, REMOVED_FILE, BuildDir
from ..canonical import line_graph
from ..vocab import RDF

__all__ = ["Changes", "diff_builds"]

UNTYPED = "(no class)"
_TYPE = f" <{RDF.type}> ".encode()


@dataclass
class Changes:
    """Counts of what changed, overall and per graph and class (added, removed, changed)."""

    added: int = 0
    removed: int = 0
    changed: int = 0
    by_graph: dict[str, Counter[str]] = field(default_factory=dict)
    by_class: dict[str, Counter[str]] = field(default_factory=dict)
    #: The IRIs of the resources whose statements changed (as subject, or as an IRI object: a
    #: link to a resource is a statement about it too).
    subjects: set[str] = field(default_factory=set)

    def count(self, table: dict[str, Counter[str]], key: str, what: str) -> None:
        table.setdefault(key, Counter())[what] += 1


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        for line in source:
            if line.strip():
                yield line if line.endswith(b"\n") else line + b"\n"


def _subject_predicate(line: bytes) -> tuple[bytes, bytes]:
    subject, _, rest = line.partition(b" ")
    return subject, rest.partition(b" ")[0]


def _object_iri(line: bytes, subject: bytes, predicate: bytes) -> bytes | None:
    """The object of an N-Quads line when it is an IRI (``<...>``), else None."""
    rest = line[len(subject) + len(predicate) + 2 :]
    return rest[: rest.index(b">") + 1] if rest.startswith(b"<") else None


def _classes(build: BuildDir, subjects: set[bytes]) -> dict[bytes, list[str]]:
    """The classes (rdf:type) of ``subjects`` in ``build``'s merged graph."""
    found: dict[bytes, list[str]] = {}
    for line in _lines(build.ntriples):
        if _TYPE in line:
            subject = line.partition(b" ")[0]
            if subject in subjects:
                cls = line.split(_TYPE, 1)[1].rstrip(b" .\n").decode("utf-8").strip("<>")
                found.setdefault(subject, []).append(cls)
    return found


def _merge(old: Path, new: Path) -> Iterator[tuple[str, bytes]]:
    """('removed' | 'added', line) for every line in only one of two sorted files, in order."""
    tagged_old = ((line, 0) for line in _lines(old))
    tagged_new = ((line, 1) for line in _lines(new))
    pending: tuple[bytes, int] | None = None
    for line, side in heapq.merge(tagged_old, tagged_new):
        if pending is not None and pending[0] == line:
            pending = None  # in both
            continue
        if pending is not None:
            yield ("removed" if pending[1] == 0 else "added", pending[0])
        pending = (line, side)
    if pending is not None:
        yield ("removed" if pending[1] == 0 else "added", pending[0])


def diff_builds(old: BuildDir, new: BuildDir, out_dir: Path | None = None) -> Changes:
    """What changed from build ``old`` to build ``new``. With ``out_dir``, the added and
    removed statements are written there as sorted N-Quads (``added.nq``, ``removed.nq``): the
    same bytes for the same two builds."""
    changes = Changes()
    files: dict[str, BinaryIO] = {}
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        files = {
            "added": (out_dir / ADDED_FILE).open("wb"),
            "removed": (out_dir / REMOVED_FILE).open("wb"),
        }
    touched: dict[str, Counter[tuple[bytes, bytes, str]]] = {
        "added": Counter(),
        "removed": Counter(),
    }
    subjects: dict[str, list[bytes]] = {"added": [], "removed": []}
    linked: set[bytes] = set()  # IRI objects of the changed statements
    try:
        for what, line in _merge(old.nquads, new.nquads):
            if files:
                files[what].write(line)
            graph = line_graph(line)
            subject, predicate = _subject_predicate(line)
            setattr(changes, what, getattr(changes, what) + 1)
            changes.count(changes.by_graph, graph, what)
            touched[what][(subject, predicate, graph)] += 1
            subjects[what].append(subject)
            if (target := _object_iri(line, subject, predicate)) is not None:
                linked.add(target)
    finally:
        for handle in files.values():
            handle.close()
    for key in touched["added"].keys() & touched["removed"].keys():
        changes.changed += 1
        changes.count(changes.by_graph, key[2], "changed")
    for named in (*subjects["added"], *subjects["removed"], *linked):
        if named.startswith(b"<"):
            changes.subjects.add(named.decode("utf-8")[1:-1])
    for what, build in (("added", new), ("removed", old)):
        classes = _classes(build, set(subjects[what]))
        for subject in subjects[what]:
            for cls in classes.get(subject, [UNTYPED]):
                changes.count(changes.by_class, cls, what)
    return changes
