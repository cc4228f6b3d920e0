"""Blue/green by a store pointer: a file holding the query URL of the store the front-ends serve
from (``serve --store @FILE`` reads it again at every poll). ``publish --pointer FILE`` never
writes into the store it names; once the new store holds the build, counted and mirrored, the
switch is one atomic rename of the file.

The format (one http(s) URL on the first line) is read by
:func:`lisgraph.config.read_store_pointer`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..config import read_store_pointer
from ..errors import BuildWriteError, StoreInUseError

__all__ = ["check_not_served", "served_url", "switch_store_pointer", "wait_for_front_ends"]

log = logging.getLogger(__name__)


def served_url(pointer: Path) -> str | None:
    """The store URL ``pointer`` names, or None when the file does not exist yet (nothing is
    served through it). Raises ConfigError when it exists but holds no http(s) URL."""
    if not pointer.exists():
        return None
    return read_store_pointer(pointer)


def check_not_served(pointer: Path, urls: Iterable[str | None]) -> None:
    """Raise StoreInUseError when ``pointer`` names one of ``urls`` (a store's endpoints)."""
    served = served_url(pointer)
    if served is not None and served in set(urls):
        raise StoreInUseError(
            f"The store pointer {pointer} names {served}: front-ends read that store, so "
            "publish will not write into it. Publish into another store (a new one, or the one "
            "the pointer named before) and the pointer moves to it when the build is there."
        )


def wait_for_front_ends(pointer: Path, settle_seconds: float) -> float:
    """Wait until ``pointer`` has not changed for ``settle_seconds`` (a front-end moves at its
    next poll, and finishes the queries it had begun on the store it left). Returns the seconds
    waited."""
    try:
        age = time.time() - pointer.stat().st_mtime
    except FileNotFoundError:
        return 0.0
    wait = max(0.0, settle_seconds - age)
    if wait:
        log.info("The store pointer moved %.0f s ago; waiting %.0f s for front-ends", age, wait)
        time.sleep(wait)
    return wait


def switch_store_pointer(pointer: Path, url: str) -> None:
    """Make ``pointer`` name ``url``, in one rename: a reader sees the old file or the new one.

    Raises BuildWriteError when the file cannot be written.
    """
    try:
        pointer.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{pointer.name}.", dir=pointer.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(url + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, pointer)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise BuildWriteError(f"The store pointer {pointer} could not be written: {exc}") from exc
