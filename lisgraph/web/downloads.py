"""``/downloads/{file}``: the build's dumps, gzip copies and checksum file.

Served with Content-Type, Content-Length, a strong ETag (the file's SHA-256), Last-Modified,
Cache-Control and Content-Disposition; conditional and range requests are answered by Werkzeug.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from ..artifact import CHECKSUM_FILE, DOWNLOADS
from .dataset import current_snapshot

__all__ = ["bp"]

bp = Blueprint("downloads", __name__)


@bp.route("/downloads/<name>")
def download(name: str) -> Response:
    if name not in DOWNLOADS:
        abort(404)
    build = current_snapshot().build
    path = build.file(name)
    if not path.is_file():
        abort(404)
    etag = build.checksums().get(name, True)
    response = send_file(
        path,
        mimetype=DOWNLOADS[name],
        as_attachment=name != CHECKSUM_FILE,
        download_name=name,
        conditional=True,
        etag=etag,
        max_age=3600,
    )
    response.cache_control.public = True
    return response
