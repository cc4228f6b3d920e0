"""The exceptions lisgraph raises. The library raises; only the CLI prints and exits.

::

    LisgraphError                  base of everything lisgraph raises on purpose
    ├── ConfigError                a setting is missing or malformed
    ├── DataLoadError              a source file cannot be read or parsed (names file and line)
    ├── NotConformingError         the graph does not conform to the shapes (lists violations)
    ├── BuildNotFoundError         no build to serve or query yet
    ├── ReleaseError               a release cannot be made or removed (another is being made...)
    ├── QueryError                 a SPARQL request is malformed or not allowed (client's fault)
    │   ├── QueryRefusedError      well-formed but refused: an update, SERVICE, FROM <remote>...
    │   ├── ResultTooLargeError    the answer has more rows or bytes than the endpoint returns
    │   └── ProtocolError          the request breaks the SPARQL Protocol (carries its status)
    ├── QueryLimitError            a query passed a resource limit (memory, stack) and was stopped
    │   ├── QueryTimeoutError      a query ran past the configured time limit
    │   ├── ServerBusyError        every query process is busy and the queue is full (503)
    │   └── ClientLimitError       a client has all the queries running or waiting it may (429)
    ├── StoreError                 the store failed (server's fault, not the query's)
    │   ├── PublishError           a remote store's counts differ from the build after publishing
    │   └── GraphStoreRefusedError a Graph Store refused a load in a way no retry changes (status)
    ├── StoreInUseError            publish refused to write into a store that front-ends may read
    └── BuildWriteError            a build could not be written (disk full, permission, read-only)

The web app turns each into one HTTP answer from one table (``lisgraph.web.errors``): a
QueryError is the client's (4xx, with the message), a limit is 503, a store failure or any
other exception is a 500 whose details go to the log, not to the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BuildNotFoundError",
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
    "StoreError",
    "StoreInUseError",
    "Violation",
]


class LisgraphError(Exception):
    """Base class of all errors lisgraph raises deliberately."""


class ConfigError(LisgraphError):
    """A setting is missing or has a value lisgraph cannot use."""


class DataLoadError(LisgraphError):
    """A source file could not be read or parsed.

    ``path`` and ``line`` (1-based, or None when unknown) say where.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in plain words."""

    focus_node: str
    path: str | None
    value: str | None
    message: str
    shape: str
    severity: str = "Violation"

    @property
    def blocks(self) -> bool:
        """Whether this result fails validation: ``sh:Violation`` does; ``sh:Warning`` and
        ``sh:Info`` are reported and let the build through (any other severity blocks)."""
        return self.severity not in ("Warning", "Info")

    def describe(self) -> str:
        """A one-paragraph, human-readable account of the violation."""
        parts = [f"{self.severity}: {self.message}", f"  focus node: {self.focus_node}"]
        if self.path:
            parts.append(f"  path: {self.path}")
        if self.value:
            parts.append(f"  value: {self.value}")
        parts.append(f"  shape: {self.shape}")
        return "\n".join(parts)


class NotConformingError(LisgraphError):
    """The graph does not conform to the SHACL shapes; ``violations`` lists why (every result,
    warnings included, of which at least one is an ``sh:Violation``)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        count = sum(1 for v in self.violations if v.blocks)
        super().__init__(
            f"The data does not conform to the shapes: {count} violation"
            f"{'' if count == 1 else 's'}. Nothing was published."
        )


class BuildNotFoundError(LisgraphError):
    """There is no build output where one was expected."""


class ReleaseError(LisgraphError):
    """A release cannot be made or removed: another release is being made, or no such release."""


class QueryError(LisgraphError):
    """A SPARQL query is malformed or unacceptable: the client's fault (HTTP 400)."""


class QueryRefusedError(QueryError):
    """A well-formed request lisgraph will not run (updates, remote fetches)."""


class ResultTooLargeError(QueryError):
    """The result has more rows (or triples) or bytes than the endpoint returns."""


class ProtocolError(QueryError):
    """A request that breaks the SPARQL Protocol; ``status`` is the HTTP status to answer
    (400 malformed, 406 no acceptable format, 415 unsupported content type)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class QueryLimitError(LisgraphError):
    """A query needed more of a resource (memory, time) than allowed and was stopped."""


class QueryTimeoutError(QueryLimitError):
    """A query ran longer than the configured limit and was stopped."""


class ServerBusyError(QueryLimitError):
    """No query process is free and the queue is full (or the wait passed its limit).

    ``retry_after`` is the number of seconds a client should wait before asking again.
    """

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ClientLimitError(QueryLimitError):
    """This client already has as many queries running and waiting as one client may, or has
    used its query time for now; ``retry_after`` says when to ask again (seconds)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StoreError(LisgraphError):
    """The store itself failed; not caused by the query."""


class GraphStoreRefusedError(StoreError):
    """The Graph Store endpoint refused a request in a way that no retry can change (its
    status, kept in ``status``, is 401, 403, 404, 405 or 415)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class BuildWriteError(LisgraphError):
    """A build could not be written where asked (disk full, permission denied, read-only);
    the message names the path. The build served before is left as it was."""


class PublishError(StoreError):
    """A remote store does not hold exactly the build after loading (a triple count differs)."""


class StoreInUseError(LisgraphError):
    """``publish`` will not write into a store that front-ends may be reading: the one a store
    pointer names, or (without ``--in-place``) one that already publishes a version."""
