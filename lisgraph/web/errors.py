"""Every error the web app answers, turned into an HTTP response in one place (and any 404 that
no route answered itself: the site's page, :func:`~.documents.not_found`).

:data:`STATUS` maps each :mod:`lisgraph.errors` class to its status; the most specific class
wins (a :class:`~lisgraph.errors.ProtocolError` carries its own). The client's mistakes are
answered with their message; the server's own failures, and any exception that is not a
lisgraph error (a bug), are 500s whose details are logged, never shown or disguised as a limit.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, NotFound

from ..errors import (
    BuildNotFoundError,
    ClientLimitError,
    LisgraphError,
    ProtocolError,
    QueryError,
    QueryLimitError,
    QueryRefusedError,
    StoreError,
)
from .documents import negotiated_rdf, not_found
from .urls import public_root

__all__ = ["STATUS", "init_error_handlers", "status_of"]

log = logging.getLogger(__name__)

#: HTTP status per error class (looked up along the class's MRO).
STATUS: dict[type[LisgraphError], int] = {
    QueryRefusedError: 403,
    ClientLimitError: 429,
    QueryError: 400,
    QueryLimitError: 503,
    BuildNotFoundError: 503,
    StoreError: 500,
    LisgraphError: 500,
}

_SERVER_FAULT = "The server failed to answer; the error has been logged."


def status_of(exc: LisgraphError) -> int:
    """The HTTP status that answers ``exc``."""
    if isinstance(exc, ProtocolError):
        return exc.status
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def _text(message: str, status: int) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


def init_error_handlers(app: Flask) -> None:
    """Answer every lisgraph error by :data:`STATUS`, and every bug with a logged 500."""

    @app.errorhandler(LisgraphError)
    def lisgraph_error(exc: LisgraphError) -> Response:
        status = status_of(exc)
        if status >= 500 and not isinstance(exc, QueryLimitError | BuildNotFoundError):
            log.error("%s: %s", type(exc).__name__, exc)
            return _text(_SERVER_FAULT, status)
        response = _text(str(exc), status)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(int(retry_after))
        return response

    @app.errorhandler(404)
    def page_not_found(error: NotFound) -> Response:
        """Any other 404 (no route, a path trick, an unknown download): the site's page, in
        the negotiated format, pointing at the index pages."""
        url = public_root() + request.path.lstrip("/")
        return not_found(url, negotiated_rdf(), message=f"There is no page at {url}.")

    @app.errorhandler(Exception)
    def bug(exc: Exception) -> Response | HTTPException:
        if isinstance(exc, HTTPException):  # Flask's own 404, 405, 413...: answered as they are
            return exc
        log.exception("Unhandled error while answering a request")
        return _text(_SERVER_FAULT, 500)
