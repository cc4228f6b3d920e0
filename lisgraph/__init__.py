"""lisgraph: England's Local Industrial Strategies as a linked-data knowledge graph.

The public surface: :func:`build`, :func:`validate_project`, :class:`Settings`, and the error
hierarchy of :mod:`lisgraph.errors`. The web app lives in :mod:`lisgraph.web`.
"""

from __future__ import annotations

from ._version import __version__
from .build import BuildResult, build, validate_project
from .config import Settings
from .errors import (
    BuildNotFoundError,
    ConfigError,
    DataLoadError,
    LisgraphError,
    NotConformingError,
    PublishError,
    QueryError,
    QueryRefusedError,
    QueryTimeoutError,
    StoreError,
    Violation,
)

__all__ = [
    "BuildNotFoundError",
    "BuildResult",
    "ConfigError",
    "DataLoadError",
    "LisgraphError",
    "NotConformingError",
    "PublishError",
    "QueryError",
    "QueryRefusedError",
    "QueryTimeoutError",
    "Settings",
    "StoreError",
    "Violation",
    "__version__",
    "build",
    "validate_project",
]
