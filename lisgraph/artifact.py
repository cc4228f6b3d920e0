"""The on-disk layouts: a build directory, a release and a mirror. The one contract between
the code that writes them and everything that serves them; their file names are spelled here
and nowhere else (``tests/test_package.py`` checks it).

``lisgraph build`` writes a directory; the embedded store, ``lisgraph publish``, the mirror of a
remote store and the web app read it (:class:`BuildDir`)::

    build.json        what the build is: lisgraph version, base IRI, inputs digest, counts, files,
                      and what it measured of its quality (``quality``: lisgraph.builder.quality)
    lisgraph.nt       the merge of all sources, each triple once (sorted N-Triples)
    lisgraph.nq       one named graph per source file (sorted N-Quads)
    lisgraph-union.nq those named graphs and their merge in the default graph (N-Quads: the
                      dataset as the SPARQL endpoint queries it)
    lisgraph.ttl .jsonld .rdf   the merge in other formats; every dump also gzipped (``.gz``)
    SHA256SUMS        the SHA-256 of every dump and gzip copy
    shapes.ttl        the SHACL shapes the build was validated with, with their base IRI
    search.sqlite     the index of every named resource, for finding things by name

``lisgraph release`` files a build as a release under ``{dist}-releases/{version}/``
(:class:`Release`, :func:`list_releases`; written by :mod:`lisgraph.builder.releases`)::

    lisgraph.* SHA256SUMS build.json   the build's downloads and build.json (hard links)
    release.json      version, date, inputs digest, triples, the previous release, notes
    changes/          added.nq.gz, removed.nq.gz (the diff since the previous release),
                      changes.json (its counts), subjects.txt (the IRIs it changed)
    ontology.ttl      the ontology as released (what its owl:versionIRI names)
    validation.ttl    the SHACL validation report
    provenance.ttl    the build as a prov:Activity

``lisgraph mirror`` makes a build directory from what a remote store publishes, in
``{mirror root}/{inputs digest}/`` (:func:`mirror_dir`; written by :mod:`lisgraph.publish.mirror`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .errors import BuildNotFoundError

__all__ = [
    "ADDED_FILE",
    "BUILD_INFO",
    "CHANGES_DIR",
    "CHANGES_INFO",
    "CHECKSUM_FILE",
    "DOWNLOADS",
    "DUMP_FORMATS",
    "JSONLD",
    "NQUADS",
    "NQUADS_UNION",
    "NTRIPLES",
    "ONTOLOGY_FILE",
    "PROVENANCE_FILE",
    "RDF_XML",
    "RELEASE_FILES",
    "RELEASE_INFO",
    "REMOVED_FILE",
    "SEARCH_INDEX",
    "SHAPES_FILE",
    "SUBJECTS_FILE",
    "TURTLE",
    "VALIDATION_FILE",
    "BuildDir",
    "DumpFormat",
    "Release",
    "default_mirror_root",
    "list_releases",
    "mirror_dir",
]

BUILD_INFO = "build.json"
CHECKSUM_FILE = "SHA256SUMS"
NTRIPLES = "lisgraph.nt"
NQUADS = "lisgraph.nq"
NQUADS_UNION = "lisgraph-union.nq"
TURTLE = "lisgraph.ttl"
JSONLD = "lisgraph.jsonld"
RDF_XML = "lisgraph.rdf"
SHAPES_FILE = "shapes.ttl"
SEARCH_INDEX = "search.sqlite"


@dataclass(frozen=True)
class DumpFormat:
    """One dump: its file name, media type, a human name and what to use it for."""

    filename: str
    media_type: str
    name: str
    use: str = ""


#: Every dump the build writes (each also as ``filename + ".gz"``).
DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat(
        TURTLE,
        "text/turtle",
        "Turtle",
        "The merge of every source, each triple once, to read or load into any RDF tool.",
    ),
    DumpFormat(
        NTRIPLES,
        "application/n-triples",
        "N-Triples",
        "The merge, one triple a line (sorted): to stream, grep or diff.",
    ),
    DumpFormat(
        JSONLD,
        "application/ld+json",
        "JSON-LD",
        "The merge, compacted with the published context, for JSON tools.",
    ),
    DumpFormat(RDF_XML, "application/rdf+xml", "RDF/XML", "The merge, for XML tools."),
    DumpFormat(
        NQUADS,
        "application/n-quads",
        "N-Quads (with one named graph per source file)",
        "Every statement in its source's named graph and nothing in the default graph: for "
        "provenance, queried with GRAPH ?g (a query without GRAPH finds nothing; Comunica's "
        "unionDefaultGraph repeats a triple that several sources state).",
    ),
    DumpFormat(
        NQUADS_UNION,
        "application/n-quads",
        "N-Quads (named graphs, and their merge in the default graph)",
        "The dataset as the SPARQL endpoint queries it: the merge in the default graph (each "
        "triple once), every source in its named graph. For Comunica, rdflib's Dataset and "
        "any quad store loaded as is.",
    ),
)


def _downloads() -> dict[str, str]:
    files = {CHECKSUM_FILE: "text/plain; charset=utf-8"}
    for dump in DUMP_FORMATS:
        charset = "; charset=utf-8" if dump.media_type.startswith("text/") else ""
        files[dump.filename] = dump.media_type + charset
        files[dump.filename + ".gz"] = "application/gzip"
    return files


#: Every file a build offers for download, with its media type.
DOWNLOADS: dict[str, str] = _downloads()


@dataclass(frozen=True)
class BuildDir:
    """A build's directory (or the link that points at the current one)."""

    path: Path

    @property
    def ntriples(self) -> Path:
        return self.path / NTRIPLES

    @property
    def nquads(self) -> Path:
        return self.path / NQUADS

    @property
    def shapes(self) -> Path:
        return self.path / SHAPES_FILE

    @property
    def search_index(self) -> Path:
        return self.path / SEARCH_INDEX

    @property
    def info_file(self) -> Path:
        return self.path / BUILD_INFO

    @cached_property
    def _info_name(self) -> str:
        """build.json's path as a string, made once: the server asks :meth:`identity` on every
        request."""
        return os.fspath(self.info_file)

    def file(self, name: str) -> Path:
        """A file of the build by name; only names in :data:`DOWNLOADS` are offered."""
        return self.path / name

    def is_complete(self) -> bool:
        """Whether the directory holds a finished build (build.json is written last)."""
        return self.info_file.is_file()

    def resolved(self) -> BuildDir:
        """The build the link points at now, so that later reads all come from one build."""
        return BuildDir(Path(os.path.realpath(self.path)))

    def info(self) -> dict[str, Any]:
        """What build.json says. Raises BuildNotFoundError when there is no build here."""
        try:
            return dict(json.loads(self.info_file.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise BuildNotFoundError(
                f"No build found in {self.path}: run 'lisgraph build' first."
            ) from exc

    def write_info(self, info: dict[str, Any]) -> None:
        """Write build.json: the last file of a build, which marks it complete."""
        self.info_file.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")

    def checksums(self) -> dict[str, str]:
        """File name -> SHA-256 hex digest, from the checksum file (empty when absent)."""
        try:
            text = (self.path / CHECKSUM_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        pairs = (line.split("  ", 1) for line in text.splitlines() if line)
        return {name: digest for digest, name in pairs}

    def identity(self) -> tuple[int, int, int, int] | None:
        """What identifies the build here now (for a link: the build it points at): the
        directory's device and inode, and build.json's inode and modification time. Two stat
        calls. None when there is no readable build right now."""
        try:
            directory, info = os.stat(self.path), os.stat(self._info_name)
        except OSError:
            return None
        return directory.st_dev, directory.st_ino, info.st_ino, info.st_mtime_ns


# A release's own files, beside the build's.
RELEASE_INFO = "release.json"
CHANGES_DIR = "changes"
#: In ``changes/``: the statements added and removed since the previous release (sorted
#: N-Quads, gzipped once written), their counts, and the IRIs of the resources they changed.
ADDED_FILE = "added.nq"
REMOVED_FILE = "removed.nq"
CHANGES_INFO = "changes.json"
SUBJECTS_FILE = "subjects.txt"
#: The ontology's graphs as released, in Turtle.
ONTOLOGY_FILE = "ontology.ttl"
VALIDATION_FILE = "validation.ttl"
PROVENANCE_FILE = "provenance.ttl"

#: A release's files beyond the build's own downloads, with their media types.
RELEASE_FILES: dict[str, str] = {
    RELEASE_INFO: "application/json",
    ONTOLOGY_FILE: "text/turtle; charset=utf-8",
    VALIDATION_FILE: "text/turtle; charset=utf-8",
    PROVENANCE_FILE: "text/turtle; charset=utf-8",
    f"{CHANGES_DIR}/{ADDED_FILE}.gz": "application/gzip",
    f"{CHANGES_DIR}/{REMOVED_FILE}.gz": "application/gzip",
    f"{CHANGES_DIR}/{CHANGES_INFO}": "application/json",
}

_RELEASE_VERSION = re.compile(r"^\d{4}\.\d{2}\.\d{2}(?:\.\d+)?$")


@dataclass(frozen=True)
class Release:
    """A release on disk: its version, directory and what ``release.json`` says."""

    version: str
    path: Path
    info: dict[str, Any]

    @property
    def build(self) -> BuildDir:
        return BuildDir(self.path)

    def changes(self) -> dict[str, Any]:
        """The counts of what changed since the previous release (``changes/changes.json``)."""
        return dict(json.loads((self.path / CHANGES_DIR / CHANGES_INFO).read_text("utf-8")))

    def changed(self, iri: str) -> bool:
        """Whether this release changed a statement about ``iri``."""
        path = self.path / CHANGES_DIR / SUBJECTS_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return False
        return iri in _subjects(path, stamp)


@lru_cache(maxsize=16)
def _subjects(path: Path, stamp: int) -> frozenset[str]:
    """The IRIs a release changed (read once per file and modification time)."""
    return frozenset(path.read_text(encoding="utf-8").splitlines())


def _release_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def list_releases(root: Path) -> list[Release]:
    """Every complete release under ``root`` (one with its release.json), oldest first."""
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        info_file = path / RELEASE_INFO
        if _RELEASE_VERSION.match(path.name) and info_file.is_file():
            found.append(Release(path.name, path, json.loads(info_file.read_text("utf-8"))))
    return sorted(found, key=lambda r: _release_order(r.version))


def default_mirror_root() -> Path:
    """Where front-ends keep the dumps made from a remote store, unless configured."""
    return Path(tempfile.gettempdir()) / f"lisgraph-mirror-{os.getuid()}"


def mirror_dir(root: Path, digest: str) -> Path:
    """Where the mirror of build ``digest`` is (or will be) kept under ``root``."""
    return root / digest
