"""Read replicas: several stores holding one published version (Oxigraph read-only servers
loaded offline from one store image, say), read through one front-end.

:class:`Replicas` answers what :class:`~.connector.Endpoint` answers for reading, sending each
query to the next replica in turn; a replica that cannot be reached is passed over for the next
(a query is read-only, so asking it again elsewhere changes nothing). A front-end takes the
replicas from its store pointer (one URL a line: ``serve --store @FILE``) and serves from them
only when every one publishes the same build (:mod:`lisgraph.web.dataset`), so which replica
answers never changes an answer.
"""

from __future__ import annotations

import itertools
import logging
import urllib.error
from collections.abc import Sequence
from http.client import HTTPException

from ..errors import StoreError
from .connector import Endpoint

__all__ = ["Replicas"]

log = logging.getLogger(__name__)


class Replicas:
    """Read-only endpoints of stores holding the same version; queries go to each in turn."""

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        if not endpoints:
            raise ValueError("Replicas need at least one endpoint.")
        self.endpoints = tuple(endpoints)
        self._turn = itertools.count()  # next() on a count is atomic: threads take turns

    @property
    def query_url(self) -> str:
        """The first replica's URL (for messages)."""
        return self.endpoints[0].query_url

    @property
    def timeout(self) -> float:
        return self.endpoints[0].timeout

    def request(
        self,
        *,
        query: str | None = None,
        update: str | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept: str = "application/sparql-results+json",
    ) -> tuple[str, bytes]:
        """Send ``query`` to the next replica (to the one after it when that one cannot be
        reached); the same answer and errors as :meth:`.Endpoint.request`. Raises StoreError for
        an update: replicas are read-only."""
        if update is not None:
            raise StoreError("Read replicas take no updates: publish into a store of its own.")
        first = next(self._turn)
        count = len(self.endpoints)
        for attempt in range(count):
            endpoint = self.endpoints[(first + attempt) % count]
            try:
                return endpoint.request(query=query, params=params, accept=accept)
            except StoreError as exc:
                if attempt == count - 1 or not _unreachable(exc):
                    raise
                log.warning("%s; asking the next replica", exc)
        raise AssertionError("unreachable")  # the loop returns or raises


def _unreachable(exc: StoreError) -> bool:
    """Whether ``exc`` says the store could not be reached at all (connection refused, reset,
    closed), as opposed to an answer from it (an HTTP error, a failure it reported)."""
    cause = exc.__cause__
    if isinstance(cause, urllib.error.HTTPError):
        return False
    return isinstance(cause, urllib.error.URLError | OSError | HTTPException)
