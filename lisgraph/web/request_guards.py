"""What every request must meet before any surface, cache or parser reads it.

- **Headers of bounded length.** No header value (after the server joins repeated lines) may be
  longer than :data:`MAX_HEADER_LENGTH`; a longer one is answered 431, as nginx answers an
  over-long header line. Every header parser the app uses (``Accept``, ``Accept-Encoding``,
  ``If-None-Match``, ``Range``, ``Content-Type``, the forwarded address) is linear in its input,
  and this bound keeps each call to a few hundred microseconds whatever a client sends
  (``tests/test_request_guards.py`` runs each parser on crafted values of the worker's whole
  head).
- **An accepted host.** The ``Host`` a request names must be one of ``ALLOWED_HOSTS`` (by
  default the base IRI's host, the public URL's and loopback); another is answered 400, so it is
  never reflected into links or redirects, never keys the page cache and never reaches the
  warmer.

Registered before every other ``before_request`` hook (:func:`init_request_guards` is called
first by ``create_app``), so the page cache never answers a refused request.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, Response, request
from werkzeug.sansio.utils import host_is_trusted

from ..config import ServerConfig

__all__ = ["MAX_HEADER_LENGTH", "host_allowed", "init_request_guards"]

#: The longest header value answered (gunicorn's own limit on one header line is 8,190 bytes,
#: but it joins repeated lines; browsers send no header near this).
MAX_HEADER_LENGTH = 8192


def host_allowed(host: str, allowed: tuple[str, ...] | None) -> bool:
    """Whether a ``Host`` value (``name[:port]``) names one of ``allowed`` (a name starting with
    a dot: that domain's subdomains too). Malformed values are never allowed; ``allowed`` None
    allows any well-formed host."""
    if not host_is_trusted(host):  # Werkzeug's check of the characters and the port
        return False
    if allowed is None:
        return True
    host = host.lower()
    name = host[: host.index("]") + 1] if host.startswith("[") else host.partition(":")[0]
    for entry in allowed:
        if entry.startswith("."):
            if name.endswith(entry) or name == entry[1:]:
                return True
        elif name == entry:
            return True
    return False


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def init_request_guards(app: Flask, config: ServerConfig) -> None:
    """Refuse over-long headers (431) and hosts not in ``config.allowed_hosts`` (400)."""
    allowed = config.allowed_hosts

    @lru_cache(maxsize=256)
    def accepted(host: str) -> bool:
        return host_allowed(host, allowed)

    @app.before_request
    def guard() -> Response | None:
        # The environment's values, not request.headers: no header name is made per request.
        for key, value in request.environ.items():
            if (key.startswith("HTTP_") or key == "CONTENT_TYPE") and len(
                value
            ) > MAX_HEADER_LENGTH:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                return _text(
                    f"The {name} header is {len(value):,} characters long; this server reads "
                    f"headers of up to {MAX_HEADER_LENGTH:,}.",
                    431,
                )
        host = request.environ.get("HTTP_HOST")
        if host is not None and not accepted(host):
            return _text(
                "This server does not answer for that host name (Host header); see "
                "ALLOWED_HOSTS in the README's 'Running in public'.",
                400,
            )
        return None
