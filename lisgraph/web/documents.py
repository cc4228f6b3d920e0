"""What every linked-data document route shares: which paths are resources, the format asked for
(by extension or by negotiation), the ``Link`` headers naming the other formats, and the 404 and
406 answers in that format."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from flask import Response, abort, render_template, request

from ..vocab import RDF
from .dataset_facts import LICENCE
from .negotiation import Format, by_extension, negotiate, offered
from .urls import public_root

__all__ = [
    "DOCUMENT_FORMATS",
    "add_alternates",
    "document_response",
    "check_path",
    "negotiated_rdf",
    "not_acceptable",
    "not_found",
    "split_extension",
]

# A path is IRI path segments of unreserved characters and sub-delimiters (RFC 3986); '.' and
# '..' segments, empty segments, controls, spaces and anything else are not resources here.
_SEGMENT = r"[A-Za-z0-9_.\-~!$&'()*+,;=:@]+"
_SAFE_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*$")

#: The formats a document is offered in (its ``Link: rel=alternate`` headers).
DOCUMENT_FORMATS: tuple[Format, ...] = tuple(offered("rdf"))


def check_path(path: str) -> None:
    if not _SAFE_PATH.match(path) or any(part in ("", ".", "..") for part in path.split("/")):
        abort(404)


def split_extension(path: str) -> tuple[str, Format | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and (fmt := by_extension(ext)) is not None:
        return stem, fmt
    return path, None


def negotiated_rdf(html: bool = True) -> Format | None:
    return negotiate(
        request.headers.get("Accept", ""), request.args.getlist("format"), "rdf", "turtle", html
    )


def document_response(body: str | bytes, fmt: Format, doc_path: str, negotiated: bool) -> Response:
    """A document in format ``fmt``: ``Content-Location`` naming that format's own URL,
    ``Link`` headers to the others, and ``Vary: Accept`` when ``Accept`` chose the format."""
    response = Response(body, content_type=fmt.content_type)
    response.headers["Content-Location"] = f"{public_root()}{doc_path}.{fmt.extension}"
    add_alternates(response, doc_path)
    if negotiated:
        response.vary.add("Accept")
    return response


def add_alternates(response: Response, doc_path: str, described_by: str | None = None) -> None:
    """``Link`` headers: the document in every format (``rel=alternate``), and what describes
    the dataset it is part of (``rel=describedby``, VoID)."""
    root = public_root()
    links = [
        f'<{root}{doc_path}.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"'
        for fmt in DOCUMENT_FORMATS
    ]
    links.append(f'<{described_by or root + ".well-known/void"}>; rel="describedby"')
    links.append(f'<{LICENCE}>; rel="license"')
    response.headers["Link"] = ", ".join(links)


def _comment_body(fmt: Format, status: str, message: str) -> str:
    """An empty document in ``fmt`` that says why it is empty."""
    if fmt.key == "jsonld":
        return json.dumps({"@context": {}, "@graph": [], "error": message}) + "\n"
    if fmt.key == "rdfxml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<!-- '
            + f"{status}. {message}".replace("--", "-")
            + f' -->\n<rdf:RDF xmlns:rdf="{RDF}"/>\n'
        )
    return f"# {status}. {message}\n"  # Turtle, TriG, N-Triples, N-Quads: a comment


def not_found(
    iri: str,
    fmt: Format | None,
    suggestions: list[tuple[str, str]] | None = None,
    message: str | None = None,
) -> Response:
    """404 in the negotiated format (HTML when none), with pages that do exist to try."""
    message = message or f"There is no resource <{iri}> in this dataset."
    if fmt is None or fmt.key == "html":
        html = render_template(
            "error.html", title="Not found", message=message, suggestions=suggestions or []
        )
        response = Response(html, status=404, content_type="text/html; charset=utf-8")
    else:
        if suggestions:
            message += " Try: " + ", ".join(url for url, _ in suggestions) + "."
        response = Response(
            _comment_body(fmt, "404 Not Found", message), status=404, content_type=fmt.content_type
        )
    response.vary.add("Accept")
    return response


def not_acceptable(
    what: str = "This resource",
    formats: Sequence[Format] | None = None,
    requested: Sequence[str] = (),
) -> Response:
    """The one 406 of the web app: ``what`` is available in ``formats`` (by default the RDF
    formats and HTML), and neither the format parameter's values ``requested`` (when any) nor the
    request's Accept header named one of them."""
    formats = offered("rdf") if formats is None else formats
    accept = request.headers.get("Accept", "")
    reasons = [f"the Accept header ({accept!r}) names none of them"]
    if requested:
        reasons.insert(0, f"format={','.join(requested)} names none of them")
    return Response(
        f"{what} is available as "
        + ", ".join(f"{f.media_type} (format={f.key})" for f in formats)
        + f"; {' and '.join(reasons)}.\n",
        status=406,
        mimetype="text/plain",
    )
