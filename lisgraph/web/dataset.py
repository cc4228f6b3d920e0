"""The published dataset the web app serves, and how a new build replaces it.

:func:`init_app` builds (when the last build is missing or out of date) or loads the last build
(:class:`LocalSource`), or connects to a remote store ``lisgraph publish`` loaded
(:class:`RemoteSource`), and attaches a :class:`Publisher` to the app. Each request works on
one :class:`Published` snapshot (taken in ``before_request``), so everything a response says
comes from one build. When ``lisgraph build`` switches the output link to a new build, the next
request in each worker loads it and later requests see only the new data; if loading fails the
old snapshot stays.
A remote store is asked which build it holds every few seconds, with the same effect when
``lisgraph publish`` has switched it to a new one. A front-end keeps nothing a store does not
say, so several can serve one store behind a load balancer.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app, g

from ..build import build, inputs_digest, read_build_info
from ..config import Settings
from ..errors import BuildNotFoundError, LisgraphError
from ..store import EmbeddedStore, Store
from ..store.remote import (
    Endpoint,
    RemoteStore,
    default_graph,
    default_mirror_root,
    mirror_publication,
    read_publication,
)
from ..store.sandbox import Limits, QueryRunner
from .http_cache import CacheLimits, QueryCache

__all__ = [
    "LocalSource",
    "Published",
    "Publisher",
    "RemoteSource",
    "Source",
    "current",
    "init_app",
    "load_published",
]

log = logging.getLogger(__name__)
EXTENSION_KEY = "lisgraph.publisher"


@dataclass
class Published:
    """One build, as served: its store, build information and files."""

    settings: Settings
    store: Store
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


def _identity(dist: Path) -> tuple[int, int, int, int] | None:
    """What identifies the build at ``dist`` (a link to the build's directory): that
    directory's device and inode, and build.json's inode and modification time. Two stat
    calls, made on every request. None when there is no readable build there right now."""
    try:
        directory, info = os.stat(dist), (dist / "build.json").stat()
    except OSError:
        return None
    return directory.st_dev, directory.st_ino, info.st_ino, info.st_mtime_ns


def load_published(
    settings: Settings,
    auto_build: bool = True,
    limits: Limits | None = None,
    cache: CacheLimits | None = None,
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
    return LocalSource(settings, limits or Limits(), cache or CacheLimits()).load()


class Source(Protocol):
    """Where the published dataset comes from: a local build, or a remote store."""

    def identity(self) -> Hashable | None:
        """What identifies the version available now (cheap); None when unknown right now."""

    def load(self) -> Published:
        """The version available now. Raises LisgraphError or OSError when it cannot be read."""


@dataclass
class LocalSource:
    """The build behind the settings' output link, served from an embedded store."""

    settings: Settings
    limits: Limits
    cache_limits: CacheLimits

    def identity(self) -> Hashable | None:
        return _identity(self.settings.dist_dir)

    def load(self) -> Published:
        # Resolve the link once, so the store, build.json and the files served are one build.
        real = Path(os.path.realpath(self.settings.dist_dir))
        return Published(
            settings=self.settings,
            store=EmbeddedStore.from_build(real),
            build_info=read_build_info(real),
            dist_dir=real,
            limits=self.limits,
            cache=self.cache_limits.new_cache(),
        )


@dataclass
class RemoteSource:
    """A dataset ``lisgraph publish`` wrote to a remote store.

    The store says which build it holds (its publication record), asked at most every
    ``poll_seconds``. The dumps and build information are made from the store's own graphs into
    ``mirror_root/DIGEST``, so every front-end serving one store serves the same bytes.
    """

    settings: Settings
    limits: Limits
    cache_limits: CacheLimits
    endpoint: Endpoint
    graph: str
    mirror_root: Path
    poll_seconds: float = 10.0
    _checked: float = field(default=0.0, repr=False)
    _digest: str | None = field(default=None, repr=False)

    def identity(self) -> Hashable | None:
        now = time.monotonic()
        if now - self._checked >= self.poll_seconds:
            self._checked = now
            try:
                self._digest = read_publication(self.endpoint, self.graph).digest
            except LisgraphError as exc:
                log.error("Could not ask the store which build it holds: %s", exc)
        return self._digest

    def load(self) -> Published:
        publication = read_publication(self.endpoint, self.graph)
        store = RemoteStore(self.endpoint, publication)
        mirror = mirror_publication(store, self.settings.base, self.mirror_root)
        self._digest, self._checked = publication.digest, time.monotonic()
        return Published(
            settings=self.settings,
            store=store,
            build_info=read_build_info(mirror),
            dist_dir=mirror,
            limits=self.limits,
            cache=self.cache_limits.new_cache(),
        )


class Publisher:
    """Holds the current snapshot and swaps in a new version when its source has one."""

    def __init__(self, source: Source, published: Published | None = None) -> None:
        self._source = source
        self._identity = source.identity()
        self._published = published or source.load()
        self._lock = threading.Lock()

    def snapshot(self) -> Published:
        """The current version, reloading first if a new one has been published."""
        identity = self._source.identity()
        if identity is None or identity == self._identity:
            return self._published
        with self._lock:
            if identity != self._identity:
                try:
                    fresh = self._source.load()
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
    cache = CacheLimits(int(app.config["QUERY_CACHE_ENTRIES"]), int(app.config["QUERY_CACHE_MB"]))
    source: Source
    first: Published | None = None
    if app.config["STORE"]:
        source = RemoteSource(
            settings,
            limits,
            cache,
            endpoint=Endpoint.from_env(str(app.config["STORE"]), timeout=limits.timeout),
            graph=app.config["STORE_GRAPH"] or default_graph(settings.base),
            mirror_root=Path(app.config["MIRROR_DIR"] or default_mirror_root()),
            poll_seconds=float(app.config["STORE_POLL_SECONDS"]),
        )
    else:
        first = load_published(settings, app.config["AUTO_BUILD"], limits, cache)
        source = LocalSource(settings, limits, cache)
    publisher = Publisher(source, first)
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
