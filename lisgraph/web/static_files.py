"""The package's browser files (``lisgraph/web/static/``: the style sheet, the query page's scripts,
the bundled YASGUI, Chart.js and Cytoscape), each read once and kept with its gzip form and its
digest, and the content-hashed URLs pages link them by (review E15: the query page's 1.7 MB of
scripts went uncompressed and were revalidated on every load).

A file's URL carries the first 12 hex digits of its SHA-256 before its extension
(``vendor/yasgui.min.3f9a0c1d2e4b.js``, as Django's ``ManifestStaticFilesStorage`` names them):
the bytes at that URL never change, so :mod:`.assets` serves it as immutable for a year. The
plain name still answers, revalidated each time. The gzip form is made once per file (level 9),
never per request. Not a blueprint: the pages and the query page's configuration ask it for
URLs; :mod:`.assets` serves the files.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, url_for
from werkzeug.security import safe_join

from .compression import COMPRESSIBLE

__all__ = [
    "STATIC_DIR",
    "StaticFile",
    "StaticFiles",
    "asset_url",
    "init_static_files",
    "static_files",
]

#: Where the package keeps its browser files.
STATIC_DIR = Path(__file__).parent / "static"

_DIGITS = 12
#: ``name.<12 hex digits>.ext``: a content-hashed name.
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")
_EXTENSION_KEY = "lisgraph.static_files"


@dataclass(frozen=True, slots=True)
class StaticFile:
    """One file as served: its bytes, their gzip form (None when not worth it), its digest."""

    name: str  # relative to the static folder, with '/'
    body: bytes
    gzipped: bytes | None
    digest: str  # the first 12 hex digits of the SHA-256 of ``body``
    mimetype: str
    stamp: tuple[int, int]  # (mtime_ns, size) when read

    @property
    def hashed_name(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return f"{stem}.{self.digest}.{ext}" if dot else f"{self.name}.{self.digest}"


class StaticFiles:
    """The files under ``folder``, each read, hashed and compressed the first time it is asked
    for, and read again only when its modification time or size changes (a reinstall)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, StaticFile] = {}
        self._lock = threading.Lock()

    def path_of(self, name: str) -> Path | None:
        """The file ``name`` names inside the folder, or None (no such file, or a path outside)."""
        joined = safe_join(str(self.folder), name)
        if joined is None:
            return None
        path = Path(joined)
        return path if path.is_file() else None

    def get(self, name: str) -> StaticFile | None:
        """The file ``name`` (relative, '/'-separated), or None when there is none."""
        path = self.path_of(name)
        if path is None:
            return None
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        kept = self._files.get(name)
        if kept is not None and kept.stamp == stamp:
            return kept
        with self._lock:
            kept = self._files.get(name)
            if kept is None or kept.stamp != stamp:
                kept = _read(name, path, stamp)
                self._files[name] = kept
            return kept

    def resolve(self, requested: str) -> tuple[StaticFile, bool] | None:
        """The file a request names and whether the name was its current hashed name (so that
        the answer may be cached as immutable); None when there is no such file. A hashed name
        whose digest is not the file's current one (a page cached before an upgrade) gets the
        current file, not immutable."""
        plain = self.get(requested)
        if plain is not None:
            return plain, False
        match = _HASHED.match(requested)
        if match is None:
            return None
        found = self.get(match["stem"] + match["ext"])
        if found is None:
            return None
        return found, found.digest == match["digest"]

    def has(self, name: str) -> bool:
        return self.path_of(name) is not None


def _read(name: str, path: Path, stamp: tuple[int, int]) -> StaticFile:
    body = path.read_bytes()
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    gzipped = None
    if mimetype.startswith(COMPRESSIBLE + ("text/javascript", "application/javascript")):
        squeezed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = squeezed if len(squeezed) < len(body) else None
    digest = hashlib.sha256(body).hexdigest()[:_DIGITS]
    return StaticFile(name, body, gzipped, digest, mimetype, stamp)


def init_static_files(app: Flask, folder: Path = STATIC_DIR) -> None:
    """Give ``app`` its static files and the ``asset_url`` template helper."""
    app.extensions[_EXTENSION_KEY] = StaticFiles(folder)
    app.jinja_env.globals["asset_url"] = asset_url


def static_files() -> StaticFiles:
    """The current app's static files."""
    files: StaticFiles = current_app.extensions[_EXTENSION_KEY]
    return files


def asset_url(name: str) -> str:
    """The content-hashed URL of the static file ``name`` (its plain URL if there is none)."""
    found = static_files().get(name)
    return url_for("assets.static_file", filename=found.hashed_name if found else name)
