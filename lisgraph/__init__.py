"""lisgraph: England's Local Industrial Strategies as a linked-data knowledge graph.

The public surface: :func:`build_project`, :func:`validate_project`, :class:`Settings`, and the
error hierarchy of :mod:`lisgraph.errors`. The web app is :func:`lisgraph.web.create_app`; the
``lisgraph`` command is :mod:`lisgraph.cli`. How the package is laid out: ``README.md`` beside
this file.

Importing the package is cheap: the build (and pySHACL, rdflib and Oxigraph behind it) is
imported only when :func:`build_project`, :func:`validate_project` or :class:`BuildResult` is
first used (PEP 562), so a web worker or a script that needs only the settings or the errors does
not pay for it (``tests/test_package.py`` checks this in a new interpreter).
"""

import typing as _typing

from ._version import __version__
from .config import Settings
from .errors import (
    BuildNotFoundError,
    BuildWriteError,
    ClientLimitError,
    ConfigError,
    DataLoadError,
    GraphStoreRefusedError,
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
    StoreInUseError,
    Violation,
)

__all__ = [
    "BuildNotFoundError",
    "BuildResult",
    "BuildWriteError",
    "ClientLimitError",
    "ConfigError",
    "DataLoadError",
    "GraphStoreRefusedError",
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
    "StoreInUseError",
    "Violation",
    "__version__",
    "build_project",
    "validate_project",
]

#: The names the build layer provides, imported on first use.
_FROM_BUILD = frozenset({"BuildResult", "build_project", "validate_project"})

if _typing.TYPE_CHECKING:
    from .builder import BuildResult, build_project, validate_project


def __getattr__(name: str) -> _typing.Any:
    if name in _FROM_BUILD:
        from . import builder

        value = getattr(builder, name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _FROM_BUILD)
