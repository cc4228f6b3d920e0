"""Content negotiation from one table of media types, shared by every surface.

Each format has a short key (used by ``?format=`` and by file extensions), its media type and
the kind of answer it can carry: an RDF graph, SPARQL results (SELECT/ASK) or an HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

__all__ = ["FORMATS", "Format", "Kind", "by_extension", "by_key", "choose", "negotiate"]

Kind = Literal["rdf", "results", "html"]


@dataclass(frozen=True)
class Format:
    """One representation a response can take."""

    key: str
    media_type: str
    kinds: frozenset[Kind]
    extension: str | None = None
    rdflib: str | None = None  # rdflib's name for the format, for graphs rdflib serialises
    charset: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


_RDF: frozenset[Kind] = frozenset({"rdf"})
_RESULTS: frozenset[Kind] = frozenset({"results"})

#: Every format, in order of preference when the client accepts several equally.
FORMATS: tuple[Format, ...] = (
    Format("html", "text/html", frozenset({"html", "rdf", "results"}), "html"),
    Format("turtle", "text/turtle", _RDF, "ttl", "turtle"),
    Format("jsonld", "application/ld+json", _RDF, "jsonld", "json-ld"),
    Format("rdfxml", "application/rdf+xml", _RDF, "rdf", "xml"),
    Format("ntriples", "application/n-triples", _RDF, "nt", "nt"),
    Format("json", "application/sparql-results+json", _RESULTS),
    Format("xml", "application/sparql-results+xml", _RESULTS),
    Format("csv", "text/csv", _RESULTS),
    Format("tsv", "text/tab-separated-values", _RESULTS),
)

# Media types clients send that mean one of the formats above.
_ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "text/plain": "ntriples",
    "application/json+ld": "jsonld",
    "application/xhtml+xml": "html",
    "application/x-json+ld": "jsonld",
    # Short names other endpoints and clients (Virtuoso, Fuseki, SPARQLWrapper) use in ?format=.
    "json-ld": "jsonld",
    "rdf+xml": "rdfxml",
    "rdf/xml": "rdfxml",
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "sparql-results+json": "json",
    "sparql-results+xml": "xml",
}


def by_key(key: str) -> Format | None:
    """The format a ``?format=`` value names: a short key, a media type or a known alias; for a
    comma-separated list, the first item that names one."""
    for item in key.split(","):
        item = item.split(";")[0].strip().lower()
        item = _ALIASES.get(item, item)
        for fmt in FORMATS:
            if item in (fmt.key, fmt.media_type):
                return fmt
    return None


def by_extension(extension: str) -> Format | None:
    """The format whose file extension is ``extension`` (without the dot), if any."""
    return next((f for f in FORMATS if f.extension == extension), None)


@lru_cache(maxsize=1024)
def choose(accept_header: str, kind: Kind, default: str, html: bool = True) -> Format | None:
    """The best format of ``kind`` for an Accept header's value, or None (answer 406).

    A missing or ``*/*`` Accept gets the ``default`` format; HTML only when ``html`` and the
    client names it (browsers do). Remembered per header value: clients send a handful of
    distinct headers, and matching one took a tenth of a cheap query's time.
    """
    accept = parse_accept_header(accept_header, MIMEAccept)
    candidates = [f for f in FORMATS if kind in f.kinds and (html or f.key != "html")]
    if not candidates:
        return None
    default_fmt = next(f for f in candidates if f.key == default)
    if not accept or accept.best == "*/*" and len(accept) == 1:
        return default_fmt
    offered: dict[str, Format] = {}
    for fmt in [default_fmt, *candidates]:
        offered.setdefault(fmt.media_type, fmt)
    for alias, key in _ALIASES.items():
        target = next((f for f in candidates if f.key == key), None)
        if target is not None and "/" in alias:  # media types only, not ?format= short names
            offered.setdefault(alias, target)
    best = accept.best_match(list(offered))
    return offered[best] if best else None


def negotiate(
    accept_header: str, requested: str | None, kind: Kind, default: str, html: bool = True
) -> Format | None:
    """The format for a response of ``kind``: the one named by ``?format=`` if given (None when
    it names nothing of that kind), otherwise the best match for the Accept header's value."""
    if requested:
        fmt = by_key(requested)
        if fmt is None or kind not in fmt.kinds or (fmt.key == "html" and not html):
            return None
        return fmt
    return choose(accept_header, kind, default, html)
