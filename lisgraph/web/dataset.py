"""The dataset the web app serves, one snapshot per request, and how a new build replaces it.

:func:`init_app` opens what the configuration names: the last build in the output directory
(:class:`LocalSource`), or a remote store that ``lisgraph publish`` loaded (:class:`RemoteSource`,
with the dumps ``lisgraph mirror`` made from it). It never builds and never writes: with nothing
to serve it raises :class:`~lisgraph.errors.BuildNotFoundError`, and ``lisgraph serve`` (the
CLI) is what builds first when asked.

Each request works on one :class:`Snapshot` (taken in ``before_request``), so everything a
response says comes from one build. When ``lisgraph build`` switches the output link to a new
build, the next request in each worker loads it and later requests see only the new data; if
loading fails the old snapshot stays. A remote store is asked which build it holds every few
seconds, with the same effect once its dumps have been mirrored.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app, g

from ..artifact import BuildDir, Release, default_mirror_root, list_releases, mirror_dir
from ..config import Limits, ServerConfig, Settings, StoreSettings, read_store_replicas
from ..errors import BuildNotFoundError, ConfigError, LisgraphError
from ..store import Store
from ..store.admission import Admission
from ..store.answer_cache import CacheLimits, QueryCache
from ..store.connector import Endpoint
from ..store.embedded import EmbeddedStore
from ..store.publication import (
    default_graph,
    holds_own_dataset,
    read_publication,
    read_published_digest,
)
from ..store.query_pool import QueryPool
from ..store.remote import RemoteStore
from ..store.replicas import Replicas
from .page_cache import PageCache
from .ready_responses import ReadyResponses

__all__ = [
    "LocalSource",
    "RemoteSource",
    "Snapshot",
    "SnapshotHolder",
    "Source",
    "current_snapshot",
    "init_app",
]

log = logging.getLogger(__name__)
T = TypeVar("T")
EXTENSION_KEY = "lisgraph.snapshots"


@dataclass
class Snapshot:
    """One build, as served: its store, its directory and build information, and the config."""

    config: ServerConfig
    store: Store
    build: BuildDir  # the build's own directory (the output link resolved)
    build_info: dict[str, Any]
    cache: QueryCache = field(default_factory=QueryCache)
    #: Pages that depend only on the build, made once per build (and per URL root and Accept).
    pages: PageCache = field(default_factory=PageCache)
    #: Responses the worker sends again as they were sent (:mod:`.ready_responses`).
    ready: ReadyResponses = field(default_factory=ReadyResponses)
    #: The server-wide table deciding which queries run (None: this snapshot's own).
    admission: Admission | None = field(default=None, repr=False)
    _pool: QueryPool | None = field(default=None, repr=False)
    _pool_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _made: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    @property
    def settings(self) -> Settings:
        return self.config.settings

    @property
    def limits(self) -> Limits:
        return self.config.limits

    @property
    def base(self) -> str:
        return self.config.settings.base

    def releases_stamp(self) -> int:
        """What changes when a release is made or removed (the releases folder's mtime)."""
        if self.config.store is not None:
            return 0
        try:
            return self.settings.releases_dir.stat().st_mtime_ns
        except OSError:
            return 0

    def releases(self) -> list[Release]:
        """The releases beside the served build, oldest first (none for a remote store)."""
        if self.config.store is not None:
            return []
        return list_releases(self.settings.releases_dir)

    def once(self, key: Hashable, make: Callable[[], T]) -> T:
        """What ``make()`` gives, made once per build in each process and kept with the
        snapshot: the parts of pages that depend on nothing but the build (the programme
        matrix, the map's shapes, every LEP's comparison), which every render of a page would
        otherwise ask the store for again. ``key`` is fixed by the caller's code, never taken
        from a request, so what is kept stays bounded. Two threads may make it at once; both
        get a complete value."""
        try:
            return self._made[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._made[key] = make()
            return value

    def pool(self) -> QueryPool:
        """This process's pool of query processes (made on first use, so each web worker has
        its own), admitting queries by the server-wide table."""
        with self._pool_lock:
            if self._pool is None or not self._pool.owned_here():
                self._pool = QueryPool(
                    self.store, self.limits, self.config.scheduling, self.admission
                )
            return self._pool

    def cancel_queries(self) -> None:
        """Stop this process's running queries (answered 503): the server is stopping."""
        if self._pool is not None and self._pool.owned_here():
            self._pool.cancel()

    def close(self) -> None:
        if self._pool is not None and self._pool.owned_here():
            self._pool.close()


def _new_cache(config: ServerConfig) -> QueryCache:
    return CacheLimits(config.query_cache_entries, config.query_cache_mb).new_cache()


class Source(Protocol):
    """Where the served dataset comes from: a local build, or a remote store."""

    def identity(self) -> Hashable | None:
        """What identifies the version available now (cheap); None when unknown right now."""

    def known_identity(self) -> Hashable | None:
        """The identity as :meth:`identity` gives it, if that needs no other host (a remote
        source's poll is not due and its pointer has not moved); else None. The worker's event
        loop asks this one: it must never wait on a network."""

    def load(self) -> Snapshot:
        """The version available now. Raises LisgraphError or OSError when it cannot be read."""


@dataclass
class LocalSource:
    """The build behind the settings' output link, served from an embedded store."""

    config: ServerConfig

    @cached_property
    def _link(self) -> BuildDir:
        return BuildDir(self.config.settings.dist_dir)

    def identity(self) -> Hashable | None:
        return self._link.identity()

    def known_identity(self) -> Hashable | None:
        return self.identity()

    def load(self) -> Snapshot:
        # Resolve the link once, so the store, build.json and the files served are one build.
        build = BuildDir(self.config.settings.dist_dir).resolved()
        info = build.info()
        return Snapshot(
            config=self.config,
            store=EmbeddedStore.from_build(build.path),
            build=build,
            build_info=info,
            cache=_new_cache(self.config),
        )


@dataclass
class RemoteSource:
    """A dataset ``lisgraph publish`` wrote to a remote store.

    The store says which build it holds (its publication record), asked at most every
    ``poll_seconds``. The dumps and build information come from ``mirror_root/DIGEST``, which
    ``lisgraph mirror`` writes from the store's own graphs; a build not mirrored yet is not
    switched to (the last one stays served, and the log says what to run).

    With a store pointer (``pointer``, a file holding the store's URL) the store itself may
    change: the file is read at every poll and whenever it has changed (a ``stat`` per
    request), and a new URL is a new version to move to (each request is answered from one
    snapshot, so from one store, whole). A pointer may name
    several URLs, one a line: read replicas of one version, each query sent to the next
    (:class:`~lisgraph.store.replicas.Replicas`); they are served only when every one holds the
    same build.
    """

    config: ServerConfig
    endpoint: Endpoint
    graph: str
    mirror_root: Path
    poll_seconds: float = 10.0
    pointer: Path | None = None
    #: The endpoints served now (read replicas of one version, or the one store).
    replicas: tuple[Endpoint, ...] = ()
    _checked: float = field(default=0.0, repr=False)
    _pointer_stamp: tuple[int, ...] | None = field(default=None, repr=False)
    _version: tuple[tuple[str, ...], str] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, config: ServerConfig, store: StoreSettings) -> RemoteSource:
        return cls(
            config=config,
            endpoint=Endpoint.from_settings(store, timeout=config.limits.timeout),
            graph=store.graph or default_graph(config.settings.base),
            mirror_root=store.mirror_dir or default_mirror_root(),
            poll_seconds=store.poll_seconds,
            pointer=store.pointer,
        )

    def _current_endpoints(self) -> tuple[Endpoint, ...]:
        """The endpoints the store pointer names now: one store, or read replicas of one
        version (the last ones read when the pointer cannot be read)."""
        if self.pointer is None:
            return self.replicas or (self.endpoint,)
        try:
            urls = read_store_replicas(self.pointer)
        except ConfigError as exc:
            log.error("Still serving from %s: %s", self.endpoint.query_url, exc)
            return self.replicas or (self.endpoint,)
        return tuple(replace(self.endpoint, query_url=url) for url in urls)

    def _pointer_moved(self) -> bool:
        """Whether the store pointer file changed since it was last read (one stat: a switch
        is seen at the next request, not at the next poll)."""
        if self.pointer is None:
            return False
        stamp = self._pointer_stamp_now()
        moved, self._pointer_stamp = stamp != self._pointer_stamp, stamp
        return moved

    def _pointer_stamp_now(self) -> tuple[int, ...] | None:
        assert self.pointer is not None
        try:
            stat = self.pointer.stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def known_identity(self) -> Hashable | None:
        if time.monotonic() - self._checked >= self.poll_seconds:
            return None
        if self.pointer is not None and self._pointer_stamp_now() != self._pointer_stamp:
            return None
        return self._version

    def identity(self) -> Hashable | None:
        now = time.monotonic()
        if self._pointer_moved() or now - self._checked >= self.poll_seconds:
            self._checked = now
            endpoints = self._current_endpoints()
            try:
                # The first replica's digest: load() checks that every replica holds that build.
                digest = read_published_digest(endpoints[0], self.graph)
                self._version = (tuple(e.query_url for e in endpoints), digest)
            except LisgraphError as exc:
                log.error("Could not ask the store which build it holds: %s", exc)
        return self._version

    def load(self) -> Snapshot:
        endpoints = self._current_endpoints()
        publication = read_publication(endpoints[0], self.graph)
        for other in endpoints[1:]:
            digest = read_published_digest(other, self.graph)
            if digest != publication.digest:
                raise BuildNotFoundError(
                    f"The read replicas hold different builds: {endpoints[0].query_url} holds "
                    f"{publication.digest[:12]}, {other.query_url} holds {digest[:12]}. Every "
                    "replica the store pointer names must hold the same one."
                )
        build = BuildDir(mirror_dir(self.mirror_root, publication.digest))
        if not build.is_complete():
            raise BuildNotFoundError(
                f"The store at {endpoints[0].query_url} holds build {publication.digest[:12]}, "
                f"whose dumps are not in {self.mirror_root} yet: run "
                f"'lisgraph mirror --store {endpoints[0].query_url}'."
            )
        self.endpoint, self.replicas = endpoints[0], endpoints
        urls = tuple(e.query_url for e in endpoints)
        self._version, self._checked = (urls, publication.digest), time.monotonic()
        reader = Replicas(endpoints) if len(endpoints) > 1 else endpoints[0]
        # Each replica answers some queries: all must hold lisgraph's dataset as their own.
        own = all(holds_own_dataset(endpoint, publication) for endpoint in endpoints)
        return Snapshot(
            config=self.config,
            store=RemoteStore(reader, publication, own_dataset=own),
            build=build,
            build_info=build.info(),
            cache=_new_cache(self.config),
        )


class SnapshotHolder:
    """Holds the current snapshot and swaps in a new version when its source has one."""

    #: After a version fails to load, it is tried again no sooner than this (seconds), doubled
    #: at each failure up to :attr:`RETRY_MAX_SECONDS`: a store not mirrored yet is asked for
    #: its whole record (2,826 rows at 1M triples) not at every request, but a few times.
    RETRY_SECONDS = 0.25
    RETRY_MAX_SECONDS = 5.0

    def __init__(
        self,
        source: Source,
        admission: Admission | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._admission = admission
        self._clock = clock
        #: The version that failed to load, when to try it again, and the wait after that.
        self._failed: tuple[Hashable, float, float] | None = None
        #: Called with the new snapshot after each switch (in the request that made it).
        self.listeners: list[Callable[[Snapshot], None]] = []
        self._identity = source.identity()
        self._snapshot = self._load()
        self._lock = threading.Lock()

    def _load(self) -> Snapshot:
        snapshot = self._source.load()
        snapshot.admission = self._admission
        return snapshot

    def close(self) -> None:
        """Stop this process's query processes (when the worker exits)."""
        self._snapshot.close()

    def cancel_queries(self) -> None:
        """Stop the queries running in this process, answered 503 (the worker is stopping)."""
        self._snapshot.cancel_queries()

    @property
    def loaded(self) -> Snapshot:
        """The version loaded last, without asking the source for a newer one."""
        return self._snapshot

    def unchanged(self) -> Snapshot | None:
        """The current version if its source surely has no newer one; None if it has, or if
        finding out needs another host. Never loads a version nor waits on a network: the
        worker's event loop asks, and leaves the rest to a request thread."""
        identity = self._source.known_identity()
        return self._snapshot if identity is not None and identity == self._identity else None

    def snapshot(self) -> Snapshot:
        """The current version, reloading first if a new one has been published."""
        identity = self._source.identity()
        if identity is None or identity == self._identity:
            return self._snapshot
        failed = self._failed
        if failed is not None and failed[0] == identity and self._clock() < failed[1]:
            return self._snapshot  # it failed a moment ago: not again at every request
        with self._lock:
            if identity != self._identity:
                try:
                    fresh = self._load()
                except (LisgraphError, OSError) as exc:
                    wait = failed[2] if failed is not None and failed[0] == identity else 0.0
                    wait = min(max(self.RETRY_SECONDS, 2 * wait), self.RETRY_MAX_SECONDS)
                    self._failed = (identity, self._clock() + wait, wait)
                    log.error(
                        "Could not load the new build (still serving the old one; trying again "
                        "in %.2g s): %s",
                        wait,
                        exc,
                    )
                    return self._snapshot
                self._failed = None
                old, self._snapshot, self._identity = self._snapshot, fresh, identity
                # Its query processes stop once the queries they run are answered (from the
                # old version, whole); this request, and every later one, goes on meanwhile.
                threading.Thread(target=old.close, name="lisgraph-retire", daemon=True).start()
                digest = fresh.build_info.get("inputs_digest")
                log.info("Now serving build %s (pid %d)", digest, os.getpid())
                for listener in self.listeners:
                    listener(fresh)
        return self._snapshot


def init_app(app: Flask, config: ServerConfig) -> None:
    """Open the dataset ``config`` names, attach it to ``app``, and bind one snapshot to each
    request. Raises BuildNotFoundError when there is nothing to serve."""
    source: Source = (
        RemoteSource.from_settings(config, config.store) if config.store else LocalSource(config)
    )
    # Made here, in gunicorn's master before it forks the workers, so that they all share it.
    admission = Admission(config.scheduling, config.limits.timeout)
    holder = SnapshotHolder(source, admission)
    app.extensions[EXTENSION_KEY] = holder

    @app.before_request
    def _bind_snapshot() -> None:
        g.lisgraph_snapshot = holder.snapshot()


def current_snapshot() -> Snapshot:
    """The build the current request is answered from."""
    snapshot = g.get("lisgraph_snapshot")
    if snapshot is None:
        holder: SnapshotHolder = current_app.extensions[EXTENSION_KEY]
        snapshot = g.lisgraph_snapshot = holder.snapshot()
    assert isinstance(snapshot, Snapshot)
    return snapshot
