"""The build: sources -> dataset -> validation -> dumps, published all at once or not at all.

Nothing is written unless the whole dataset loads and conforms. Each build is written to its own
directory under ``.{out}.builds/`` beside the output, and the output path ``{out}`` is a symbolic
link switched to it with one atomic rename: readers see the old build or the new one, never a
mix, and an interrupted or failed build leaves the last good dumps in place. The previous build
is kept (a server may still be sending its files); older ones are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ._version import __version__
from .canonical import merged_ntriples, to_rdflib
from .config import Settings
from .derive import rule_files
from .dumps import write_dumps
from .errors import BuildNotFoundError, Violation
from .loading import load
from .public_sources import pack_files
from .validate import check, load_shapes, reference_violations, violations

__all__ = [
    "BUILD_INFO",
    "BuildResult",
    "build",
    "inputs_digest",
    "read_build_info",
    "validate_project",
    "write_build",
]

BUILD_INFO = "build.json"


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote."""

    out_dir: Path
    triples: int
    quads: int
    inputs_digest: str
    files: list[Path]


def _input_files(settings: Settings) -> list[Path]:
    files: list[Path] = []
    for directory in (settings.ontology_dir, settings.data_dir, settings.shapes_dir):
        files += sorted(directory.glob("*.ttl"))
    files.append(settings.reference_csv)
    files += pack_files(settings.reference_csv.parent / "public-sources")
    files += rule_files(settings)
    return files


def inputs_digest(settings: Settings) -> str:
    """SHA-256 over the build's inputs (names and bytes), the base IRI and lisgraph's version.

    Two builds with the same digest publish the same bytes.
    """
    digest = hashlib.sha256(f"lisgraph {__version__}\n{settings.base}\n".encode())
    for path in _input_files(settings):
        if path.exists():
            digest.update(f"{path.relative_to(settings.project_dir)}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def validate_project(
    settings: Settings, files: list[Path] | None = None, reference: bool = False
) -> list[Violation]:
    """Load the ontology with the project's data (or only ``files``) and validate it.

    ``reference`` validates with pySHACL alone instead of the shapes' SPARQL translation.
    Returns the violations (empty when the data conforms). Raises DataLoadError when a file
    cannot be read or parsed.
    """
    loaded = load(settings, data_files=files, with_reference=files is None)
    shapes = load_shapes(settings.shapes_dir, settings.base)
    if reference:
        return reference_violations(to_rdflib(merged_ntriples(loaded.store)), shapes)
    return violations(loaded.store, shapes)


def _counts(store: ox.Store, merged: bytes) -> dict[str, int]:
    """Triples, and the VoID partition counts, of the merged graph."""
    row = next(
        iter(
            store.query(
                "SELECT (COUNT(DISTINCT ?s) AS ?entities) (COUNT(DISTINCT ?c) AS ?classes) "
                "(COUNT(DISTINCT ?p) AS ?properties) "
                "WHERE { GRAPH ?g { { ?s a ?c } UNION { ?x ?p ?y } } }"
            )  # type: ignore[arg-type]
        )
    )
    return {
        "triples": merged.count(b"\n"),
        **{name: int(row[name].value) for name in ("entities", "classes", "properties")},
    }


def build(settings: Settings, out_dir: Path | None = None) -> BuildResult:
    """Build, validate and publish the dumps into ``out_dir`` (default: the settings' dist dir).

    Raises DataLoadError or NotConformingError, in which case nothing was written.
    """
    out = Path(os.path.abspath(out_dir or settings.dist_dir))  # not resolve(): out is a link
    loaded = load(settings)
    check(loaded.store, load_shapes(settings.shapes_dir, settings.base))
    merged = merged_ntriples(loaded.store)  # the merge of all sources, written as the dumps

    digest = inputs_digest(settings)
    builds = _builds_dir(out)
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{digest[:12]}-", dir=builds))
    try:
        info = write_build(loaded.store, settings.base, digest, staging, merged)
        _switch(out, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(builds, keep={staging.name})
    return BuildResult(
        out_dir=out,
        triples=info["triples"],
        quads=info["quads"],
        inputs_digest=digest,
        files=[out / name for name in sorted(info["files"])],
    )


def write_build(
    store: ox.Store, base: str, digest: str, out_dir: Path, merged: bytes | None = None
) -> dict[str, Any]:
    """Write the dumps of ``store``'s named graphs and build.json into ``out_dir`` (which exists).

    ``merged`` is the merge of the graphs (:func:`merged_ntriples`), computed here unless
    given. Returns what build.json says.
    """
    if merged is None:
        merged = merged_ntriples(store)
    files = write_dumps(store, merged, base, out_dir)
    info: dict[str, Any] = {
        "lisgraph_version": __version__,
        "base_iri": base,
        "inputs_digest": digest,
        **_counts(store, merged),
        "quads": len(store),
        "files": {p.name: p.stat().st_size for p in files},
    }
    (out_dir / BUILD_INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    os.chmod(out_dir, 0o755)
    return info


def _builds_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.builds"


def _switch(out: Path, target: Path) -> None:
    """Point the symbolic link ``out`` at ``target`` atomically (rename over the old link)."""
    if out.exists() and not out.is_symlink():
        # An output directory from before builds were versioned: move it into the builds folder.
        os.rename(out, _builds_dir(out) / f"legacy-{os.getpid()}")
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, out.parent), link)
    os.replace(link, out)


def _prune(builds: Path, keep: set[str]) -> None:
    """Keep the builds named in ``keep`` and the most recent other one; remove the rest."""
    others = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p.name not in keep),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in others[1:]:
        shutil.rmtree(old, ignore_errors=True)


def read_build_info(out_dir: Path) -> dict[str, Any]:
    """The build.json of a previous build. Raises BuildNotFoundError when there is none."""
    path = out_dir / BUILD_INFO
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise BuildNotFoundError(
            f"No build found in {out_dir}: run 'lisgraph build' first."
        ) from exc
