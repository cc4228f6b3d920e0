"""HTTP caching: every successful GET gets validators (ETag, from the response's bytes, and
Last-Modified, the time of the build it comes from) and ``Cache-Control``, and is answered
``304 Not Modified`` when the client already has it. What a response says can change only with
a build. (Answers to repeated queries are kept by
:mod:`lisgraph.store.answer_cache`.)
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, Response, request

from .dataset import current_snapshot
from .dataset_facts import modified

__all__ = ["init_conditional_responses"]


def _written() -> datetime | None:
    """When this server's copy of the build was written (its build.json, written last)."""
    try:
        mtime = current_snapshot().build.info_file.stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(int(mtime), UTC)


def init_conditional_responses(app: Flask) -> None:
    """Add ETag and Cache-Control to successful GET responses and answer 304 when they match."""

    @app.after_request
    def _conditional(response: Response) -> Response:
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.direct_passthrough:  # files: send_file sets its own validators
            return response
        if not response.headers.get("ETag"):
            response.add_etag()
        if response.last_modified is None:
            response.last_modified = modified() or _written()
        control = response.cache_control
        if not (control.max_age or control.no_store or control.no_cache):
            response.cache_control.public = True
            response.cache_control.max_age = current_snapshot().config.cache_max_age
        response.make_conditional(request)  # turns it into a 304 when the client's copy matches
        return response
