"""Switching the output to a new build in one step, and removing old builds.

Each build is written into its own directory under ``.{out}.builds/`` beside the output path;
``{out}`` is a symbolic link switched to the finished build with one atomic rename. Readers see
the old build or the new one, never a mix, and a failed build leaves the last good one in place.

Builds of one output take turns: each writes, switches and prunes while holding an exclusive
lock on the directory ``.{out}.builds/`` itself (:func:`build_lock`; a second build waits). So when
a build prunes, no other build is writing, and a directory without ``build.json`` is known to
be a build that failed or was killed. The build published before the new one is kept (a
server may still be sending its files); incomplete and older builds are removed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..artifact import BuildDir
from ..errors import BuildWriteError

__all__ = [
    "build_lock",
    "builds_dir",
    "new_staging",
    "prune",
    "published",
    "switch",
    "write_error",
]

log = logging.getLogger(__name__)


def write_error(exc: OSError, where: Path) -> BuildWriteError:
    """A one-line BuildWriteError for ``exc``, naming the file (or ``where``)."""
    path = exc.filename or where
    text = str(exc).strip()
    reason = exc.strerror or (text.splitlines()[0] if text else type(exc).__name__)
    return BuildWriteError(
        f"Cannot write the build at {path}: {reason}. The build served before is unchanged."
    )


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the exclusive lock of builds of ``out``, waiting while another build holds it.

    The lock is ``flock`` on the builds directory itself (no lock file to leave behind); the
    kernel releases it when the process ends, however it ends. Raises BuildWriteError when the
    directory cannot be created (a read-only target, no permission).
    """
    builds = builds_dir(out)
    try:
        builds.mkdir(parents=True, exist_ok=True)
        fd = os.open(builds, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise write_error(exc, builds) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("Another build of %s is running; waiting for it to finish.", out)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def published(out: Path) -> str | None:
    """The name of the build directory ``out`` points at now (None: none, or not a link)."""
    if not out.is_symlink():
        return None
    target = Path(os.path.realpath(out))
    return target.name if target.parent == builds_dir(out).resolve() else None


def builds_dir(out: Path) -> Path:
    """Where the builds behind the output link ``out`` live."""
    return out.parent / f".{out.name}.builds"


def new_staging(out: Path, digest: str) -> Path:
    """A new, empty directory to write a build of ``out`` into. Raises BuildWriteError."""
    builds = builds_dir(out)
    try:
        builds.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{digest[:12]}-", dir=builds))
    except OSError as exc:
        raise write_error(exc, builds) from exc


def switch(out: Path, target: Path) -> None:
    """Point the symbolic link ``out`` at ``target`` atomically (rename over the old link)."""
    if out.exists() and not out.is_symlink():
        # An output directory from before builds were versioned: move it into the builds folder.
        os.rename(out, builds_dir(out) / f"legacy-{os.getpid()}")
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, out.parent), link)
    os.replace(link, out)


def prune(out: Path, keep: set[str]) -> None:
    """Remove old and incomplete builds of ``out``; call it holding :func:`build_lock`.

    Kept: the builds named in ``keep`` (the one published now and the one published before)
    and, if ``keep`` names only one complete build, the newest other complete build. Removed:
    every other directory. A directory without build.json is never kept: under the lock no
    build is writing, so it is one that failed or was killed.
    """
    builds = builds_dir(out)
    current = published(out)
    keep = keep | ({current} if current else set())
    complete = sorted(
        (p for p in builds.iterdir() if p.is_dir() and BuildDir(p).is_complete()),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    kept_complete = [p for p in complete if p.name in keep]
    others = [p for p in complete if p.name not in keep]
    if len(kept_complete) < 2 and others:
        keep = keep | {others[0].name}
    for path in builds.iterdir():
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
