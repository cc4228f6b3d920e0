"""lisgraph: England's Local Industrial Strategies as a linked-data knowledge graph.

The public surface: :func:`build_project`, :func:`validate_project`, :class:`Settings`, and the
error hierarchy of :mod:`lisgraph.errors`. The web app is :func:`lisgraph.web.create_app`; the
``lisgraph`` command is :mod:`lisgraph.cli`. How the package is laid out: ``README.md`` beside
this file.
"""

from ._version import __version__
from .build import BuildResult, build_project, validate_project
from .config import Settings
from .errors import (
    BuildNotFoundError,
    BuildWriteError,
    ClientLimitError,
    ConfigError,
    DataLoadError,
    LisgraphError,
    NotConformingError,
    ProtocolError,
    PublishError,
    QueryError,
    QueryLimitError,
    QueryRefusedError,
    QueryTimeoutError,
    ReleaseError,
    ResultTooLargeError,
    ServerBusyError,
    StoreError,
    Violation,
)

__all__ = [
    "BuildNotFoundError",
    "BuildResult",
    "BuildWriteError",
    "ClientLimitError",
    "ConfigError",
    "DataLoadError",
    "LisgraphError",
    "NotConformingError",
    "ProtocolError",
    "PublishError",
    "QueryError",
    "QueryLimitError",
    "QueryRefusedError",
    "QueryTimeoutError",
    "ReleaseError",
    "ResultTooLargeError",
    "ServerBusyError",
    "Settings",
    "StoreError",
    "Violation",
    "__version__",
    "build_project",
    "validate_project",
]
