"""The published dataset the web app serves: a store, the build it came from, and settings.

:func:`init_app` builds (when the last build is missing or out of date) or loads the last build,
and attaches a :class:`Published` to the app; views reach it with :func:`current`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from ..build import build, inputs_digest, read_build_info
from ..config import Settings
from ..errors import BuildNotFoundError
from ..runner import Limits, QueryRunner
from ..store import EmbeddedStore

__all__ = ["Published", "current", "init_app", "load_published"]

log = logging.getLogger(__name__)
EXTENSION_KEY = "lisgraph.published"


@dataclass
class Published:
    """What one running app serves."""

    settings: Settings
    store: EmbeddedStore
    build_info: dict[str, Any]
    dist_dir: Path
    limits: Limits = field(default_factory=Limits)
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


def load_published(settings: Settings, auto_build: bool = True) -> Published:
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
        info = read_build_info(dist)
    store = EmbeddedStore.from_build(dist)
    return Published(settings=settings, store=store, build_info=info, dist_dir=dist)


def init_app(app: Flask) -> None:
    """Attach the published dataset to ``app`` according to its config."""
    settings = Settings.from_mapping(
        {
            "BASE_IRI": app.config["BASE_IRI"],
            "PROJECT_DIR": app.config["PROJECT_DIR"],
            "DIST_DIR": app.config["DIST_DIR"],
        }
    )
    published = load_published(settings, app.config["AUTO_BUILD"])
    published.limits = Limits(
        timeout=float(app.config["QUERY_TIMEOUT"]),
        max_rows=int(app.config["MAX_RESULT_ROWS"]),
        max_query_length=int(app.config["MAX_QUERY_LENGTH"]),
        memory_mb=int(app.config["QUERY_MEMORY_MB"]),
    )
    app.extensions[EXTENSION_KEY] = published


def current() -> Published:
    """The dataset the current app serves."""
    published: Published = current_app.extensions[EXTENSION_KEY]
    return published
