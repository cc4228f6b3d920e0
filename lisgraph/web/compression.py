"""gzip for every text response the client accepts it for, with ``Vary: Accept-Encoding``.

Registered after :mod:`.http_cache` so that it runs first (Flask runs ``after_request`` hooks in
reverse): the ETag is then computed on the bytes sent, and the gzip and identity versions of a
page have different validators, as they must. ``gzip.compress(mtime=0)`` makes the bytes, and so
the ETag, the same every time. Files (dumps) are left to :mod:`.downloads`.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

__all__ = ["COMPRESSIBLE", "accepts_gzip", "init_compression"]

#: Media types worth compressing: text, and the RDF and SPARQL results formats.
COMPRESSIBLE = (
    "text/",
    "application/sparql-results+",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/json",
    "application/xml",
    "image/svg+xml",
)
_MIN_BYTES = 512  # below this, gzip's header costs more than it saves


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header's value accepts gzip (``gzip;q=0`` refuses it)."""
    for part in header.split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        if coding.lower() in ("gzip", "x-gzip", "*"):
            q = next((p.split("=", 1)[1] for p in params if p.lower().startswith("q=")), "1")
            try:
                return float(q) > 0
            except ValueError:
                return True
    return False


def init_compression(app: Flask) -> None:
    """gzip compressible responses for clients that accept it."""

    @app.after_request
    def _gzip(response: Response) -> Response:
        if not (response.mimetype or "").startswith(COMPRESSIBLE):
            return response
        response.vary.add("Accept-Encoding")
        if (
            response.direct_passthrough
            or response.is_streamed
            or "Content-Encoding" in response.headers
            or response.status_code in (204, 206, 304)
            or not accepts_gzip(request.headers.get("Accept-Encoding", ""))
        ):
            return response
        data = response.get_data()
        if len(data) < _MIN_BYTES:
            return response
        response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        return response
