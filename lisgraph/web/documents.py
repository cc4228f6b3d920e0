"""What every linked-data document route shares: which paths are resources, the format asked for
(by extension or by negotiation), and the 404 and 406 answers in that format."""

from __future__ import annotations

import re

from flask import Response, abort, render_template, request

from .negotiation import Format, by_extension, negotiate

__all__ = ["check_path", "negotiated_rdf", "not_acceptable", "not_found", "split_extension"]

# A path is IRI path segments of unreserved characters and sub-delimiters (RFC 3986); '.' and
# '..' segments, empty segments, controls, spaces and anything else are not resources here.
_SEGMENT = r"[A-Za-z0-9_.\-~!$&'()*+,;=:@]+"
_SAFE_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*$")


def check_path(path: str) -> None:
    if not _SAFE_PATH.match(path) or any(part in ("", ".", "..") for part in path.split("/")):
        abort(404)


def split_extension(path: str) -> tuple[str, Format | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and (fmt := by_extension(ext)) is not None:
        return stem, fmt
    return path, None


def negotiated_rdf() -> Format | None:
    return negotiate(request.headers.get("Accept", ""), request.args.get("format"), "rdf", "turtle")


def not_found(iri: str, fmt: Format | None) -> Response:
    message = f"There is no resource <{iri}> in this dataset."
    if fmt is None or fmt.key == "html":
        html = render_template("error.html", title="Not found", message=message)
        return Response(html, status=404, content_type="text/html; charset=utf-8")
    bodies = {
        "turtle": f"# 404 Not Found. {message}\n",
        "ntriples": f"# 404 Not Found. {message}\n",
        "jsonld": '{"@context": {}, "@graph": [], "error": "' + message.replace('"', "'") + '"}\n',
        "rdfxml": '<?xml version="1.0" encoding="utf-8"?>\n<!-- 404 Not Found. '
        + message.replace("--", "-")
        + ' -->\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
    }
    response = Response(bodies[fmt.key], status=404, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def not_acceptable() -> Response:
    return Response(
        "This resource is available as text/html, text/turtle, application/ld+json, "
        "application/rdf+xml and application/n-triples.\n",
        status=406,
        mimetype="text/plain",
    )
