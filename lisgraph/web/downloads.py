"""``/downloads/{file}``: the build's dumps, gzip copies and checksum file; ``/downloads/`` lists
them.

Served with Content-Type, Content-Length, a strong ETag (the file's SHA-256), Last-Modified,
Cache-Control and Content-Disposition; conditional and range requests are answered by Werkzeug.
A dump asked for by a client that accepts gzip (RDF tools loading it from its URL: Jena, rdflib
through requests, curl --compressed) is sent as its gzip copy with ``Content-Encoding: gzip``
and its own RDF media type; the ``.gz`` copies are files to save (``application/gzip``).

A file being sent holds a worker thread for as long as its reader reads (a slow reader of a
dump bigger than the socket buffers, for hours), so a worker sends at most
``DOWNLOAD_STREAMS`` files at once (half its threads by default) and answers 503 with
Retry-After past it: the other threads stay free for pages, queries and ``/health``. The
bound covers every response sent from a file, whichever surface makes it: these downloads,
the Graph Store's ``/data`` (the dataset and its default graph are the dumps), release files
and spooled SPARQL answers. :func:`init_app` installs the counting ``wsgi.file_wrapper`` on
every request, and ``send_file`` and ``wrap_file`` use it. The count is taken when the file is
handed to the server and given back when the server closes it (sent, cut off, or never begun).
"""

from __future__ import annotations

import threading
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    render_template,
    request,
    send_file,
)
from werkzeug.wsgi import FileWrapper

from ..artifact import CHECKSUM_FILE, DOWNLOADS, DUMP_FORMATS
from ..config import ServerConfig
from ..errors import ServerBusyError
from .compression import accepts_gzip
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["Streams", "bp"]

bp = Blueprint("downloads", __name__)
_DUMPS = {d.filename for d in DUMP_FORMATS}
_STREAMS_KEY = "lisgraph.download_streams"
RETRY_AFTER = 10


class Streams:
    """At most ``limit`` files sent at once by this process (see the module)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._wrappers: dict[type, type] = {}
        self._lock = threading.Lock()

    def wrapper(self, base: type) -> type:
        """The server's file wrapper ``base``, taking a slot when made and giving it back when
        closed (a subclass, so the server still recognises it and uses sendfile)."""
        made = self._wrappers.get(base)
        if made is not None:  # every request but the first of each kind of server
            return made
        with self._lock:
            if base not in self._wrappers:
                self._wrappers[base] = self._counting(base)
            return self._wrappers[base]

    def _counting(self, base: type) -> type:
        slots, limit = self._slots, self.limit

        class Counted(base):  # type: ignore[misc]
            def __init__(self, file: Any, *args: Any, **kwargs: Any) -> None:
                if not slots.acquire(blocking=False):
                    file.close()
                    raise ServerBusyError(
                        f"This server is already sending {limit} files at once; try again "
                        "shortly (the .gz copies are smaller and quicker).",
                        retry_after=RETRY_AFTER,
                    )
                self._counted = True
                super().__init__(file, *args, **kwargs)
                # gunicorn's FileWrapper sets ``close`` on the instance (the file's own close),
                # which would hide the method below: keep it, and call it from there.
                self._file_close = self.__dict__.pop("close", None)

            def close(self) -> None:
                try:
                    if self._file_close is not None:
                        self._file_close()
                    elif hasattr(base, "close"):
                        super().close()
                finally:
                    if self._counted:
                        self._counted = False
                        slots.release()

        return Counted


def init_app(app: Flask, config: ServerConfig) -> None:
    """Bound the files this app sends at once, on every surface (per process: each worker has
    its own count)."""
    streams = app.extensions[_STREAMS_KEY] = Streams(config.serving.download_streams)

    @app.before_request
    def _count_files() -> None:
        base = request.environ.get("wsgi.file_wrapper", FileWrapper)
        request.environ["wsgi.file_wrapper"] = streams.wrapper(base)


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
