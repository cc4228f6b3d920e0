"""The build: sources -> dataset -> validation -> dumps, switched in all at once or not at all.

Nothing is written unless the whole dataset loads and conforms. The build directory's layout is
:mod:`lisgraph.artifact`'s; how the output moves to a new build is :mod:`.output`'s.

- :mod:`.sources`: the ontology and data files, one named graph each; the ONS lookup
- :mod:`.ons_lookup`: the ONS district-to-LEP CSV as RDF
- :mod:`.dumps`: byte-stable dumps in five formats, gzip copies and checksums
- :mod:`.output`: the atomic switch and the pruning of old builds
- :mod:`.releases`: releases (versioned builds kept side by side), :func:`release_build`
- :mod:`.synthetic`: seeded scale-test copies of the project (``lisgraph synth``)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .._version import __version__
from ..artifact import BuildDir, Release
from ..canonical import merged_ntriples, to_rdflib
from ..config import Settings
from ..errors import BuildNotFoundError, ConfigError, ReleaseError, Violation
from ..search_index import write_index
from ..shacl import as_written, check, load_shapes, reference_violations, violations
from .derive import rule_files
from .dumps import write_dumps
from .funding import FOUND_CSV, FUNDING_CSV
from .output import build_lock, new_staging, prune, published, switch, write_error
from .places import place_files
from .public_sources import pack_files
from .quality import measure as measure_quality
from .releases import file_release, release_turn
from .search_entries import search_entries
from .sic import SIC_CSV
from .sources import OntologyVersion, load, refuse_not_xml, refuse_rewritten

__all__ = [
    "BuildResult",
    "OntologyVersion",
    "build_project",
    "inputs_digest",
    "is_current",
    "release_build",
    "validate_project",
    "write_build",
]


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote."""

    out_dir: Path
    triples: int
    quads: int
    inputs_digest: str
    files: list[Path]
    #: The SHACL results that do not block a build (``sh:Warning``, ``sh:Info``), also in
    #: build.json and a release's validation report.
    warnings: list[Violation] = field(default_factory=list)


def _input_files(settings: Settings) -> list[Path]:
    files: list[Path] = []
    for directory in (settings.ontology_dir, settings.data_dir, settings.shapes_dir):
        files += sorted(directory.glob("*.ttl"))
    files.append(settings.reference_csv)
    files += pack_files(settings.reference_csv.parent / "public-sources")
    files += place_files(settings.reference_csv.parent / "public-data")
    files.append(settings.reference_csv.parent / "public-data" / FUNDING_CSV)
    files.append(settings.reference_csv.parent / "public-data" / FOUND_CSV)
    files.append(settings.reference_csv.parent / "public-data" / SIC_CSV)
    files += rule_files(settings)
    return files


def source_date(settings: Settings) -> dt.datetime:
    """When the build's inputs last changed, to the second in UTC: ``SOURCE_DATE_EPOCH`` when
    set (the reproducible-builds.org convention; ``$(git log -1 --format=%ct)`` in a checkout),
    else the newest input file's modification time. The same inputs, files untouched, give the
    same date, so the catalogue's ``modified`` and version do not change with each rebuild.

    Raises ConfigError when ``SOURCE_DATE_EPOCH`` is set to something else than seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ConfigError(
                f"SOURCE_DATE_EPOCH is {epoch!r}: give whole seconds since 1970 "
                "(https://reproducible-builds.org/specs/source-date-epoch/)."
            )
        seconds = int(epoch)
    else:
        seconds = max(int(p.stat().st_mtime) for p in _input_files(settings) if p.exists())
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def inputs_digest(settings: Settings, version: OntologyVersion | None = None) -> str:
    """SHA-256 over the build's inputs (names and bytes), the base IRI, lisgraph's version and,
    for a release, the release's version and the one before it.

    Two builds with the same digest publish the same bytes.
    """
    digest = hashlib.sha256(f"lisgraph {__version__}\n{settings.base}\n".encode())
    if version is not None:
        digest.update(f"release {version.version} after {version.previous}\n".encode())
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
    Either judges a literal the store would rewrite as the file wrote it.
    Returns the violations (empty when the data conforms). Raises DataLoadError when a file
    cannot be read or parsed, or when nothing blocks but a file has a literal the build would
    publish as another term, or one XML cannot carry (as the build refuses them).
    """
    loaded = load(settings, data_files=files, with_reference=files is None)
    shapes = load_shapes(settings.shapes_dir, settings.base)
    merged = merged_ntriples(loaded.store)
    if reference:
        found = reference_violations(to_rdflib(as_written(merged, loaded.rewritten)), shapes)
    else:
        found = violations(loaded.store, shapes, rewritten=loaded.rewritten)
    if not any(v.blocks for v in found):
        refuse_rewritten(loaded)
        refuse_not_xml(loaded.store, merged)
    return found


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


def build_project(
    settings: Settings, out_dir: Path | None = None, version: OntologyVersion | None = None
) -> BuildResult:
    """Build, validate and switch the output (default: the settings' dist dir) to the new build.
    ``version`` makes it a release's build: the ontology carries the release's version IRIs.

    Raises DataLoadError (a file unreadable or malformed, or holding a literal the store would
    publish as another term) or NotConformingError, in which case nothing was written, and
    BuildWriteError when the build cannot be written (disk full, permission denied, read-only),
    in which case what was written is removed and the build served before is unchanged.
    Builds of one output take turns (see :mod:`.output`).
    """
    out = Path(os.path.abspath(out_dir or settings.dist_dir))  # not resolve(): out is a link
    loaded = load(settings, version=version)
    shapes = load_shapes(settings.shapes_dir, settings.base)
    warnings = check(loaded.store, shapes, rewritten=loaded.rewritten)
    refuse_rewritten(loaded)  # conforming as written, but it would not be published so
    merged = merged_ntriples(loaded.store)  # the merge of all sources, written as the dumps
    refuse_not_xml(loaded.store, merged)  # the RDF/XML dump could not hold it

    digest = inputs_digest(settings, version)
    with build_lock(out):
        before = published(out)
        staging = new_staging(out, digest)
        try:
            # The shapes first: build.json, written last, marks the directory complete.
            _copy_shapes(settings, BuildDir(staging))
            info = write_build(
                loaded.store,
                settings.base,
                digest,
                staging,
                merged,
                version,
                warnings,
                built=source_date(settings),
            )
            switch(out, staging)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise write_error(exc, staging) from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        prune(out, keep={staging.name} | ({before} if before else set()))
    return BuildResult(
        out_dir=out,
        triples=info["triples"],
        quads=info["quads"],
        inputs_digest=digest,
        files=[out / name for name in sorted(info["files"])],
        warnings=warnings,
    )


def release_build(
    settings: Settings, *, notes: str = "", keep: int = 10, today: dt.date | None = None
) -> Release:
    """Build the next release (:mod:`.releases`) and serve it: take the releases' lock and the
    next version, build with the ontology stamped with that version, and file the build.

    Raises what :func:`build` raises, and ReleaseError when another release is being made or
    ``keep`` is below 1; nothing is filed then.
    """
    if keep < 1:
        raise ReleaseError("At least one release must be kept (--keep 1 or more).")
    started = dt.datetime.now(dt.UTC)
    root = settings.releases_dir
    with release_turn(root, today) as turn:
        previous = turn.previous.version if turn.previous else None
        result = build_project(settings, version=OntologyVersion(turn.version, previous))
        return file_release(
            result.out_dir, root, settings.base, started, turn, notes=notes, keep=keep
        )


def is_current(settings: Settings) -> bool:
    """Whether the settings' dist dir holds a build made from today's inputs (a release's build
    stays current while its inputs do)."""
    try:
        info = BuildDir(settings.dist_dir).info()
    except BuildNotFoundError:
        return False
    release = info.get("release")
    version = OntologyVersion(release["version"], release["previous"]) if release else None
    return info.get("inputs_digest") == inputs_digest(settings, version)


def _copy_shapes(settings: Settings, build_dir: BuildDir) -> None:
    """The shapes the build was validated with, so a server shows them without a checkout:
    each shapes file as written, after an ``@base`` that resolves its relative IRIs."""
    with build_dir.shapes.open("wb") as out:
        for path in sorted(settings.shapes_dir.glob("*.ttl")):
            out.write(f"@base <{settings.base}> .\n".encode())
            out.write(path.read_bytes().rstrip(b"\n") + b"\n")


def write_build(
    store: ox.Store,
    base: str,
    digest: str,
    out_dir: Path,
    merged: bytes | None = None,
    version: OntologyVersion | None = None,
    warnings: list[Violation] | None = None,
    built: dt.datetime | None = None,
) -> dict[str, Any]:
    """Write the dumps of ``store``'s named graphs and build.json into ``out_dir`` (which exists).

    ``merged`` is the merge of the graphs (:func:`merged_ntriples`), computed here unless
    given; ``version`` is recorded for a release's build, and ``warnings`` (the SHACL results
    that did not block it; None when the data was not validated here) as ``validation`` and
    counted under ``quality`` with the build's other measurements of itself
    (:mod:`.quality`); ``built`` (the inputs' date,
    :func:`source_date`) is recorded with the version it gives a build that is no release
    (``YYYY.MM.DD+`` the digest's first 12 digits). Returns what build.json says.
    """
    if merged is None:
        merged = merged_ntriples(store)
    files = write_dumps(store, merged, base, out_dir)
    write_index(search_entries(merged, base), BuildDir(out_dir).search_index)
    info: dict[str, Any] = {
        "lisgraph_version": __version__,
        "base_iri": base,
        "inputs_digest": digest,
        **_counts(store, merged),
        "quads": len(store),
        "files": {p.name: p.stat().st_size for p in files},
    }
    if built is not None:
        info["built"] = built.isoformat()
        info["version"] = f"{built:%Y.%m.%d}+{digest[:12]}"
    if version is not None:
        info["release"] = {"version": version.version, "previous": version.previous}
        info["version"] = version.version
    if warnings:
        info["validation"] = [dataclasses.asdict(w) for w in warnings]
    info["quality"] = measure_quality(store, base, BuildDir(out_dir), warnings)
    BuildDir(out_dir).write_info(info)
    os.chmod(out_dir, 0o755)
    return info
