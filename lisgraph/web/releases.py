"""``/releases/``: every release with its date, size, notes and change log; ``/releases/{version}``
what changed in it, per source graph and per class; ``/downloads/{version}/{file}`` its files
(dumps, checksums, the change log as N-Quads, the ontology as released, the validation report,
the provenance)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, send_file

from ..artifact import CHECKSUM_FILE, DOWNLOADS, RELEASE_FILES, Release
from .dataset import current_snapshot

__all__ = ["bp"]

bp = Blueprint("releases", __name__)


def _release(version: str) -> Release:
    for release in current_snapshot().releases():
        if release.version == version:
            return release
    abort(404)


@bp.route("/releases/")
def release_list() -> str:
    releases = list(reversed(current_snapshot().releases()))
    return render_template(
        "releases.html",
        releases=[(r, r.changes(), r.build.checksums()) for r in releases],
        downloads=sorted(DOWNLOADS),
    )


@bp.route("/releases/<version>")
def release_page(version: str) -> str:
    release = _release(version)
    return render_template(
        "release.html",
        release=release,
        changes=release.changes(),
        checksums=release.build.checksums(),
        files=sorted(RELEASE_FILES),
    )


@bp.route("/downloads/<version>/<path:name>")
def release_file(version: str, name: str) -> Response:
    media_type = DOWNLOADS.get(name) or RELEASE_FILES.get(name)
    if media_type is None:
        abort(404)
    release = _release(version)
    path = release.path / name
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=media_type,
        as_attachment=name in DOWNLOADS and name != CHECKSUM_FILE,
        download_name=f"{version}-{name.replace('/', '-')}",
        conditional=True,
        etag=release.build.checksums().get(name, True),
        max_age=86400,
    )
    response.cache_control.public = True
    return response
