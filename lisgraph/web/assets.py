"""``/static/...``: the package's browser files (style sheet, scripts, the bundled YASGUI,
Chart.js and Cytoscape), gzip-encoded for clients that accept it, from the copy
:mod:`.static_files` compressed once (review E15).

A content-hashed name (``yasgui.min.<digest>.js``, the URL every page links) is cached for a
year as ``immutable``: those bytes never change at that URL. A plain name, or a digest that is
no longer the file's, is answered with the current file and ``no-cache`` (revalidated by its
ETag). Flask's own static route is off (``create_app``), so this is the one way files are served.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound

from .compression import accepts_gzip
from .static_files import static_files

__all__ = ["bp"]

bp = Blueprint("assets", __name__)

_YEAR = 365 * 24 * 3600


@bp.route("/static/<path:filename>")
def static_file(filename: str) -> Response:
    """The file, gzip-encoded if the client accepts it; immutable under its hashed name."""
    found = static_files().resolve(filename)
    if found is None:
        raise NotFound()
    file, immutable = found
    gzipped = file.gzipped is not None and accepts_gzip(request.headers.get("Accept-Encoding", ""))
    response = Response(file.gzipped if gzipped else file.body, mimetype=file.mimetype)
    if file.gzipped is not None:
        response.vary.add("Accept-Encoding")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(file.digest + ("-gz" if gzipped else ""))
    response.last_modified = datetime.fromtimestamp(file.stamp[0] // 1_000_000_000, UTC)
    if immutable:
        response.cache_control.public = True
        response.cache_control.max_age = _YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.make_conditional(request)  # 304 when the client's copy matches
    return response
