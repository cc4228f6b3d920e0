"""``/downloads/{file}``: the build's dumps, gzip copies and checksum file; ``/downloads/`` lists
them.

Served with Content-Type, Content-Length, a strong ETag (the file's SHA-256), Last-Modified,
Cache-Control and Content-Disposition; conditional and range requests are answered by Werkzeug.
A dump asked for by a client that accepts gzip (RDF tools loading it from its URL: Jena, rdflib
through requests, curl --compressed) is sent as its gzip copy with ``Content-Encoding: gzip``
and its own RDF media type; the ``.gz`` copies are files to save (``application/gzip``).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, send_file

from ..artifact import CHECKSUM_FILE, DOWNLOADS, DUMP_FORMATS
from .compression import accepts_gzip
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["bp"]

bp = Blueprint("downloads", __name__)
_DUMPS = {d.filename for d in DUMP_FORMATS}


@bp.route("/downloads/")
def index() -> str:
    snapshot = current_snapshot()
    sizes = snapshot.build_info.get("files", {})
    rows = []
    for name in DOWNLOADS:
        if snapshot.build.file(name).is_file():
            label = f"{name} ({DOWNLOADS[name].split(';')[0]})"
            rows.append((f"{public_root()}downloads/{name}", label, sizes.get(name)))
    releases = [
        (
            f"{public_root()}releases/{release.version}",
            f"{release.version}, {release.info['date']}, {release.info['triples']:,} triples"
            + (f": {release.info['notes']}" if release.info.get("notes") else ""),
            None,
        )
        for release in reversed(snapshot.releases())
    ]
    return render_template(
        "index.html",
        title="Downloads",
        intro="Every dump of this build, each also gzipped, and their SHA-256 checksums. "
        "The same data as the SPARQL endpoint; licence: Open Government Licence v3.0. "
        "Earlier releases stay downloadable, each with its change log.",
        sections=[("This build", rows)] + ([("Releases", releases)] if releases else []),
        count_label="bytes",
    )


@bp.route("/downloads/<name>")
def download(name: str) -> Response:
    if name not in DOWNLOADS:
        abort(404)
    build = current_snapshot().build
    path = build.file(name)
    if not path.is_file():
        abort(404)
    sums = build.checksums()
    mimetype = DOWNLOADS[name].split(";")[0]  # send_file adds the charset of text types
    encoded = (
        name in _DUMPS
        and accepts_gzip(request.headers.get("Accept-Encoding", ""))
        and build.file(name + ".gz").is_file()
    )
    response = send_file(
        build.file(name + ".gz") if encoded else path,
        mimetype=mimetype,
        as_attachment=name != CHECKSUM_FILE,
        download_name=name,
        conditional=True,
        etag=sums.get(name + ".gz" if encoded else name, True),
        max_age=3600,
    )
    if name in _DUMPS:
        response.vary.add("Accept-Encoding")
    if encoded:
        response.headers["Content-Encoding"] = "gzip"
    response.cache_control.public = True
    return response
