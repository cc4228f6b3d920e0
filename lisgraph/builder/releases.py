"""Releases: builds with a version, kept side by side so that people can cite, download and
compare them.

``lisgraph release`` takes the next version, builds with it (the ontology's version IRIs are
the release's, see :class:`~.sources.OntologyVersion`), then files the build as a release under
``{dist}-releases/{version}/`` (2026.11.25; a second release that day: 2026.11.25.2), in the
layout :mod:`lisgraph.artifact` defines (read back by its :func:`~lisgraph.artifact.list_releases`).
The validation report has no sh:Violation (nothing else is released), only the build's
warnings and infos as results; the provenance names the inputs digest, lisgraph's version and
the times.

A release is written into a staging directory and renamed into place in one step, under a lock
held from choosing the version to filing it (a second ``lisgraph release`` at the same time is
refused). At most ``keep`` releases stay;
``lisgraph release --remove VERSION`` removes one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.util import from_n3

from .._version import __version__
from ..artifact import (
    ADDED_FILE,
    BUILD_INFO,
    CHANGES_DIR,
    CHANGES_INFO,
    DOWNLOADS,
    NQUADS,
    NTRIPLES,
    ONTOLOGY_FILE,
    PROVENANCE_FILE,
    RELEASE_INFO,
    REMOVED_FILE,
    SUBJECTS_FILE,
    VALIDATION_FILE,
    BuildDir,
    Release,
    list_releases,
)
from ..errors import ReleaseError
from ..vocab import DCTERMS, OWL, PROV, RDF, XSD
from .changes import diff_builds

__all__ = ["NextRelease", "file_release", "release_turn", "remove_release"]


def _next_version(root: Path, today: dt.date) -> str:
    """The day's first version, else one past the day's last: never a number a pruned release
    had (the change feed's pages are named by version, and must not change)."""
    base = today.strftime("%Y.%m.%d")
    taken = {p.name for p in root.iterdir()} if root.is_dir() else set()
    numbers = [
        1 if name == base else int(name[len(base) + 1 :])
        for name in taken
        if name == base or (name.startswith(base + ".") and name[len(base) + 1 :].isdigit())
    ]
    if not numbers:
        return base
    return f"{base}.{max(numbers) + 1}"


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError(
                f"Another release is being made in {root}; try again when it has finished."
            ) from None
        yield


@dataclass(frozen=True)
class NextRelease:
    """The version the next release takes, and the latest release before it (if any)."""

    version: str
    previous: Release | None


@contextmanager
def release_turn(root: Path, today: dt.date | None = None) -> Iterator[NextRelease]:
    """Hold the releases' lock under ``root`` and give the next release's version; build and
    :func:`file_release` inside. Raises ReleaseError when another release is being made."""
    with _locked(root):
        existing = list_releases(root)
        yield NextRelease(
            _next_version(root, today or dt.datetime.now(dt.UTC).date()),
            existing[-1] if existing else None,
        )


def _ontology(build: BuildDir, base: str) -> Graph:
    """The ontology's graphs (``{base}def/...``) of a build, read from its N-Quads dump."""
    prefix = f"<{base}def/".encode()
    graph = Graph()
    graph.bind("owl", OWL)
    lines = bytearray()
    with build.nquads.open("rb") as quads:
        for line in quads:
            start = line.rfind(b" <", 0, len(line) - 3)  # the graph name, last before " ."
            if start > 0 and line.startswith(prefix, start + 1):
                lines += line[:start] + b" .\n"
    graph.parse(data=bytes(lines), format="nt")
    return graph


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system: copy instead
        shutil.copy2(source, target)


def _gzip(path: Path) -> None:
    """Replace ``path`` by its gzip copy (no time stamp, no name: the same bytes every time)."""
    with (
        path.open("rb") as source,
        path.with_name(path.name + ".gz").open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as target,
    ):
        shutil.copyfileobj(source, target)
    path.unlink()


def _validation_report(build: BuildDir, base: str) -> Graph:
    """The SHACL report of a build that passed validation (no ``sh:Violation``), against these
    shapes: its warnings and infos as results, numbered in report order. ``sh:conforms`` is
    false when there is any, as SHACL defines it (2.1.4), though they did not block the build."""
    graph = Graph()
    graph.bind("sh", SH)
    report = URIRef(f"{base}graph/validation")
    shapes = URIRef(f"{base}def/shapes")
    results = build.info().get("validation", [])
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not results)))
    graph.add((report, DCTERMS.conformsTo, shapes))
    for number, found in enumerate(results, start=1):
        result = URIRef(f"{report}#result-{number}")
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, SH[found["severity"]]))
        graph.add((result, SH.focusNode, _report_term(found["focus_node"])))
        graph.add((result, SH.sourceShape, _report_term(found["shape"])))
        graph.add((result, SH.resultMessage, Literal(found["message"])))
        if found["value"] is not None:
            graph.add((result, SH.value, _report_term(found["value"])))
        # A path other than a predicate is kept in SPARQL syntax: SHACL would want it as
        # an RDF list of path nodes, which the result no longer has.
        if found["path"] is not None and not found["path"].startswith(("(", "^")):
            graph.add((result, SH.resultPath, URIRef(found["path"])))
        elif found["path"] is not None:
            graph.add((result, RDFS.comment, Literal(f"path: {found['path']}")))
    digest = hashlib.sha256(build.shapes.read_bytes()).hexdigest() if build.shapes.is_file() else ""
    graph.add((shapes, OWL.versionInfo, Literal(f"sha256:{digest}")))
    return graph


def _report_term(text: str) -> Node:
    """A term of a :class:`~lisgraph.errors.Violation` (an IRI, a blank node id, or a literal in
    N-Triples form) as an rdflib term."""
    if text.startswith('"'):
        literal = from_n3(text)
        assert isinstance(literal, Literal), text
        return literal
    return URIRef(text) if ":" in text else BNode(text)


def _provenance(
    info: dict[str, Any], base: str, version: str, started: dt.datetime, ended: dt.datetime
) -> Graph:
    graph = Graph()
    graph.bind("prov", PROV)
    activity = URIRef(f"{base}id/release/{version}/build")
    software = URIRef(f"{base}id/software/lisgraph/{__version__}")
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    graph.add((activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    graph.add((activity, PROV.wasAssociatedWith, software))
    graph.add((activity, DCTERMS.identifier, Literal(str(info["inputs_digest"]))))
    graph.add((activity, PROV.generated, URIRef(f"{base}id/release/{version}")))
    graph.add((software, RDF.type, PROV.SoftwareAgent))
    graph.add((software, OWL.versionInfo, Literal(__version__)))
    return graph


def file_release(
    build_dir: Path,
    root: Path,
    base: str,
    started: dt.datetime,
    turn: NextRelease,
    *,
    notes: str = "",
    keep: int = 10,
) -> Release:
    """File the build at ``build_dir`` (a finished, validated build, made for ``turn``'s
    version) as that release under ``root``, inside :func:`release_turn`. Returns the release."""
    if keep < 1:
        raise ReleaseError("At least one release must be kept (--keep 1 or more).")
    build = BuildDir(build_dir).resolved()
    info = build.info()
    version, last = turn.version, turn.previous
    if info.get("release", {}).get("version") != version:
        raise ReleaseError(
            f"The build in {build_dir} was not made for release {version}; "
            "'lisgraph release' builds and files a release in one step."
        )
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        for name in [*DOWNLOADS, BUILD_INFO]:
            if build.file(name).is_file():
                _link(build.file(name), staging / name)
        changes_dir = staging / CHANGES_DIR
        with tempfile.TemporaryDirectory() as nothing:
            earlier = last.build if last else _empty(Path(nothing))
            changes = diff_builds(earlier, build, changes_dir)
        for name in (ADDED_FILE, REMOVED_FILE):
            _gzip(changes_dir / name)
        (changes_dir / SUBJECTS_FILE).write_text(
            "".join(f"{iri}\n" for iri in sorted(changes.subjects)), encoding="utf-8"
        )
        (changes_dir / CHANGES_INFO).write_text(
            json.dumps(
                {
                    "since": last.version if last else None,
                    "added": changes.added,
                    "removed": changes.removed,
                    "changed": changes.changed,
                    "by_graph": {k: dict(v) for k, v in sorted(changes.by_graph.items())},
                    "by_class": {k: dict(v) for k, v in sorted(changes.by_class.items())},
                },
                indent=2,
                sort_keys=True,
            )
            + "\n"
        )
        _ontology(build, base).serialize(staging / ONTOLOGY_FILE, format="turtle")
        _validation_report(build, base).serialize(staging / VALIDATION_FILE, format="turtle")
        ended = dt.datetime.now(dt.UTC)
        _provenance(info, base, version, started, ended).serialize(
            staging / PROVENANCE_FILE, format="turtle"
        )
        release_info = {
            "version": version,
            "date": ended.date().isoformat(),
            "inputs_digest": info["inputs_digest"],
            "triples": info["triples"],
            "previous": last.version if last else None,
            "notes": notes,
        }
        (staging / RELEASE_INFO).write_text(json.dumps(release_info, indent=2) + "\n")
        os.chmod(staging, 0o755)
        os.rename(staging, root / version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for old in list_releases(root)[:-keep]:
        shutil.rmtree(old.path, ignore_errors=True)
    return Release(version, root / version, release_info)


def _empty(directory: Path) -> BuildDir:
    """A build with no statements in ``directory``, to diff the first release against."""
    for name in (NQUADS, NTRIPLES):
        (directory / name).write_bytes(b"")
    return BuildDir(directory)


def remove_release(root: Path, version: str) -> None:
    """Remove release ``version``. Raises ReleaseError when there is no such release."""
    with _locked(root):
        match = [r for r in list_releases(root) if r.version == version]
        if not match:
            known = ", ".join(r.version for r in list_releases(root)) or "none"
            raise ReleaseError(f"There is no release {version} in {root} (releases: {known}).")
        shutil.rmtree(match[0].path)
