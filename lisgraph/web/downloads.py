"""``/downloads/{file}``: the build's dumps, gzip copies and checksum file; ``/downloads/`` lists
them.

Served with Content-Type, Content-Length, a strong ETag (the file's SHA-256), Last-Modified,
Cache-Control and Content-Disposition; conditional and range requests are answered by Werkzeug.
A dump asked for by a client that accepts gzip (RDF tools loading it from its URL: Jena, rdflib
through requests, curl --compressed) is sent as its gzip copy with ``Content-Encoding: gzip``
and its own RDF media type; the ``.gz`` copies are files to save (``application/gzip``), but
a client that asks a ``.gz`` URL for the dump's media type by name (a parser given the URL) gets
the dump as the plain URL sends it. ``/downloads/`` says which file to use for what.

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
from markupsafe import Markup
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
        intro=Markup(
            "Every dump of this build, each also gzipped, and their SHA-256 checksums. "
            "The same data as the SPARQL endpoint; licence: Open Government Licence v3.0. "
            "Earlier releases stay downloadable, each with its change log."
        )
        + _guide(),
        sections=[("This build", rows)] + ([("Releases", releases)] if releases else []),
        count_label="bytes",
    )


def _guide() -> Markup:
    """Which file to use for what: default graph or not, ``.gz`` or plain URL."""
    uses = Markup("").join(
        Markup("<dt><code>{}</code> ({})</dt><dd>{}</dd>").format(d.filename, d.name, d.use)
        for d in DUMP_FORMATS
    )
    return Markup(
        "</p><h2>Which file to use</h2><dl class='properties'>{}</dl>"
        "<p><strong>Plain URL or <code>.gz</code>?</strong> Give a tool that reads a URL "
        "(rdflib's <code>parse(url)</code>, Jena's <code>RDFDataMgr</code>, Comunica) the plain "
        "URL: it is sent gzip-compressed to every client that accepts it, and decoded by it. "
        "The <code>.gz</code> files are for saving to disk (<code>application/gzip</code>, the "
        "bytes <code>SHA256SUMS</code> names); a client that asks a <code>.gz</code> URL for "
        "the dump's own media type by name gets the dump, as from the plain URL."
        "<p><strong>Default graph.</strong> In <code>lisgraph.nq</code> every statement is in "
        "its source's named graph, and the default graph is empty: query it with "
        "<code>GRAPH ?g</code>. <code>lisgraph-union.nq</code> (and <code>/data</code>, the "
        "Graph Store's whole dataset) also hold the merge in the default graph, as the SPARQL "
        "endpoint does: use it with Comunica or rdflib's <code>Dataset</code>. The triple "
        "dumps hold the merge alone."
    ).format(uses)


def _asks_for(media_type: str) -> bool:
    """Whether the Accept header names ``media_type`` itself, above ``application/gzip``: a
    client that parses what it fetches (rdflib, Comunica, Jena name RDF types), not one that
    saves a file (curl, wget, requests and browsers send ``*/*``)."""
    named: dict[str, float] = {}
    for value, quality in request.accept_mimetypes:
        key = value.split(";")[0].strip().lower()
        named[key] = max(quality, named.get(key, 0))
    return named.get(media_type, 0) > named.get("application/gzip", 0)


@bp.route("/downloads/<name>")
def download(name: str) -> Response:
    if name not in DOWNLOADS:
        abort(404)
    build = current_snapshot().build
    path = build.file(name)
    if not path.is_file():
        abort(404)
    dump = name.removesuffix(".gz")
    if name != dump and dump in _DUMPS and build.file(dump).is_file():
        # A .gz URL given to a parser (rdflib's parse(url), Comunica) that names the RDF type:
        # the dump as its plain URL sends it (gzip-encoded when accepted), not a gzip file
        # it has no parser for. Saving clients get the file. (Review E13.)
        rdf = _asks_for(DOWNLOADS[dump].split(";")[0])
        response = _send(dump) if rdf else _send(name)
        response.vary.add("Accept")
        return response
    return _send(name)


def _send(name: str) -> Response:
    """The file ``name`` of the build (a dump as its gzip copy, encoded, when accepted)."""
    build = current_snapshot().build
    path = build.file(name)
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
