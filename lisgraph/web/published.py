"""The published dataset the web app serves, and how a new build replaces it.

:func:`init_app` builds (when the last build is missing or out of date) or loads the last build
and attaches a :class:`Publisher` to the app. Each request works on one :class:`Published`
snapshot (taken in ``before_request``), so everything a response says comes from one build.
When ``lisgraph build`` switches the output link to a new build, the next request in each worker
loads it and later requests see only the new data; if loading fails the old snapshot stays.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from ..build import build, inputs_digest, read_build_info
from ..config import Settings
from ..errors import BuildNotFoundError, LisgraphError
from ..runner import Limits, QueryRunner
from ..store import EmbeddedStore
from .caching import QueryCache

__all__ = ["Published", "Publisher", "current", "init_app", "load_published"]

log = logging.getLogger(__name__)
EXTENSION_KEY = "lisgraph.publisher"


@dataclass
class Published:
    """One build, as served: its store, build information and files."""

    settings: Settings
    store: EmbeddedStore
    build_info: dict[str, Any]
    dist_dir: Path  # the build's own directory (the output link resolved)
    limits: Limits = field(default_factory=Limits)
    cache: QueryCache = field(default_factory=QueryCache)
    _runner: QueryRunner | None = field(default=None, repr=False)
    _runner_pid: int = field(default=0, repr=False)

    @property
    def base(self) -> str:
        return self.settings.base

    def runner(self) -> QueryRunner:
        """This process's query runner (made on first use, so each web worker has its own)."""
        if self._runner is None or self._runner_pid != os.getpid():
            self._runner = QueryRunner(self.store, self.limits)
            self._runner_pid = os.getpid()
        return self._runner

    def close(self) -> None:
        if self._runner is not None and self._runner_pid == os.getpid():
            self._runner.close()


def _identity(dist: Path) -> tuple[str, int, int] | None:
    """What identifies the build at ``dist``: its resolved directory and build.json's inode and
    modification time. None when there is no readable build there right now."""
    try:
        info = (dist / "build.json").stat()
    except OSError:
        return None
    return os.path.realpath(dist), info.st_ino, info.st_mtime_ns


def load_published(
    settings: Settings,
    auto_build: bool = True,
    limits: Limits | None = None,
    cache_entries: int = 512,
) -> Published:
    """Load the last build in the settings' dist directory, building it first when it is missing
    or was made from other inputs (and ``auto_build`` is true).

    Raises BuildNotFoundError (no build and no auto-build), DataLoadError or NotConformingError
    (the build failed: nothing is served).
    """
    dist = settings.dist_dir
    try:
        info = read_build_info(dist)
        current_digest = inputs_digest(settings) if settings.project_dir.exists() else None
        stale = current_digest is not None and info.get("inputs_digest") != current_digest
    except BuildNotFoundError:
        if not auto_build:
            raise
        info, stale = {}, True
    if stale and auto_build:
        log.info("Building the dataset into %s", dist)
        build(settings, dist)
    return _load(settings, limits or Limits(), cache_entries)


def _load(settings: Settings, limits: Limits, cache_entries: int) -> Published:
    # Resolve the link once, so the store, build.json and the files served are one build.
    real = Path(os.path.realpath(settings.dist_dir))
    info = read_build_info(real)
    store = EmbeddedStore.from_build(real)
    return Published(
        settings=settings,
        store=store,
        build_info=info,
        dist_dir=real,
        limits=limits,
        cache=QueryCache(max_entries=cache_entries),
    )


class Publisher:
    """Holds the current snapshot and swaps in a new build when the output link changes."""

    def __init__(self, published: Published) -> None:
        self._published = published
        self._identity = _identity(published.settings.dist_dir)
        self._lock = threading.Lock()

    def snapshot(self) -> Published:
        """The current build, reloading first if a new one has been published."""
        settings = self._published.settings
        identity = _identity(settings.dist_dir)
        if identity is None or identity == self._identity:
            return self._published
        with self._lock:
            if identity != self._identity:
                try:
                    fresh = _load(
                        settings, self._published.limits, self._published.cache.max_entries
                    )
                except (LisgraphError, OSError) as exc:
                    log.error("Could not load the new build (still serving the old one): %s", exc)
                    return self._published
                old, self._published, self._identity = self._published, fresh, identity
                old.close()
                log.info("Now serving build %s", fresh.build_info.get("inputs_digest"))
        return self._published


def init_app(app: Flask) -> None:
    """Attach the publisher to ``app`` per its config, and bind one snapshot to each request."""
    settings = Settings.from_mapping(
        {
            "BASE_IRI": app.config["BASE_IRI"],
            "PROJECT_DIR": app.config["PROJECT_DIR"],
            "DIST_DIR": app.config["DIST_DIR"],
        }
    )
    limits = Limits(
        timeout=float(app.config["QUERY_TIMEOUT"]),
        max_rows=int(app.config["MAX_RESULT_ROWS"]),
        max_query_length=int(app.config["MAX_QUERY_LENGTH"]),
        memory_mb=int(app.config["QUERY_MEMORY_MB"]),
    )
    publisher = Publisher(
        load_published(
            settings, app.config["AUTO_BUILD"], limits, int(app.config["QUERY_CACHE_ENTRIES"])
        )
    )
    app.extensions[EXTENSION_KEY] = publisher

    @app.before_request
    def _bind_snapshot() -> None:
        g.lisgraph_published = publisher.snapshot()


def current() -> Published:
    """The build the current request is answered from."""
    published = g.get("lisgraph_published")
    if published is None:
        publisher: Publisher = current_app.extensions[EXTENSION_KEY]
        published = g.lisgraph_published = publisher.snapshot()
    assert isinstance(published, Published)
    return published
