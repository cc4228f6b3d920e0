"""``/downloads/{file}``: the build's dumps, gzip copies and checksum file.

Served with Content-Type, Content-Length, a strong ETag (the file's SHA-256), Last-Modified,
Cache-Control and Content-Disposition; conditional and range requests are answered by Werkzeug.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from ..build.dumps import CHECKSUM_FILE, DUMP_FORMATS
from .dataset import current

__all__ = ["DOWNLOADS", "bp"]

bp = Blueprint("downloads", __name__)

#: Every downloadable file name and its media type.
DOWNLOADS: dict[str, str] = {CHECKSUM_FILE: "text/plain; charset=utf-8"}
for _fmt in DUMP_FORMATS:
    DOWNLOADS[_fmt.filename] = _fmt.media_type + (
        "; charset=utf-8" if _fmt.media_type.startswith("text/") else ""
    )
    DOWNLOADS[_fmt.filename + ".gz"] = "application/gzip"


def checksums() -> dict[str, str]:
    """File name -> SHA-256 hex digest, from the build's checksum file."""
    path = current().dist_dir / CHECKSUM_FILE
    pairs = (line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {name: digest for digest, name in pairs}


@bp.route("/downloads/<name>")
def download(name: str) -> Response:
    if name not in DOWNLOADS:
        abort(404)
    path = current().dist_dir / name
    if not path.is_file():
        abort(404)
    etag = checksums().get(name, True)
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
