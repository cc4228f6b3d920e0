"""Switching the output to a new build in one step, and removing old builds.

Each build is written into its own directory under ``.{out}.builds/`` beside the output path;
``{out}`` is a symbolic link switched to the finished build with one atomic rename. Readers see
the old build or the new one, never a mix, and a failed build leaves the last good one in place.
The previous build is kept (a server may still be sending its files); older ones are removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["builds_dir", "new_staging", "prune", "switch"]


def builds_dir(out: Path) -> Path:
    """Where the builds behind the output link ``out`` live."""
    return out.parent / f".{out.name}.builds"


def new_staging(out: Path, digest: str) -> Path:
    """A new, empty directory to write a build of ``out`` into."""
    builds = builds_dir(out)
    builds.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{digest[:12]}-", dir=builds))


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
    """Keep the builds named in ``keep`` and the most recent other one; remove the rest."""
    builds = builds_dir(out)
    others = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p.name not in keep),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in others[1:]:
        shutil.rmtree(old, ignore_errors=True)
