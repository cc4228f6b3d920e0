"""Content negotiation from one table of media types, shared by every surface.

Each format has a short key (used by ``?format=`` and by file extensions), its media type and
the kind of answer it can carry: an RDF graph, SPARQL results (SELECT/ASK) or an HTML page.

One rule serves pages, the SPARQL endpoint and metadata (:func:`negotiate`):

1. A ``format``/``output`` parameter that names a format of the answer's kind wins. A name means
   what it means for that kind: ``xml`` is SPARQL XML results for SELECT/ASK and RDF/XML for a
   graph, ``json`` SPARQL JSON results or JSON-LD, ``n3`` Turtle (Turtle is N3).
2. Otherwise (no parameter, or one that names nothing of this kind, as SPARQLWrapper's
   ``format=xml`` for CONSTRUCT does) the ``Accept`` header decides, read as RFC 9110 says:
   q-values, the most specific matching range, media-type parameters (``charset``, a JSON-LD
   ``profile``) that do not change the format ignored.
3. No header, or one that accepts anything, gets the kind's default format; HTML only when the
   client names it (browsers do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "FORMATS",
    "MAX_ACCEPT_LENGTH",
    "AcceptRange",
    "Format",
    "Kind",
    "by_extension",
    "by_key",
    "by_parameter",
    "choose",
    "negotiate",
    "offered",
    "parse_accept",
]

Kind = Literal["rdf", "results", "html"]


@dataclass(frozen=True)
class Format:
    """One representation a response can take."""

    key: str
    media_type: str
    kinds: frozenset[Kind]
    extension: str | None = None
    # rdflib's serialiser for graphs rdflib holds: N-Triples is valid N-Quads and Turtle is valid
    # TriG, for a graph with no name (rdflib's own would invent one).
    rdflib: str | None = None
    charset: bool = True
    name: str = ""

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


_RDF: frozenset[Kind] = frozenset({"rdf"})
_RESULTS: frozenset[Kind] = frozenset({"results"})

#: Every format, in order of preference when the client accepts several equally.
FORMATS: tuple[Format, ...] = (
    Format("html", "text/html", frozenset({"html", "rdf", "results"}), "html", name="HTML"),
    Format("turtle", "text/turtle", _RDF, "ttl", "turtle", name="Turtle"),
    Format("jsonld", "application/ld+json", _RDF, "jsonld", "json-ld", name="JSON-LD"),
    Format("rdfxml", "application/rdf+xml", _RDF, "rdf", "xml", name="RDF/XML"),
    Format("ntriples", "application/n-triples", _RDF, "nt", "nt", name="N-Triples"),
    Format("nquads", "application/n-quads", _RDF, "nq", "nt", name="N-Quads"),
    Format("trig", "application/trig", _RDF, "trig", "turtle", name="TriG"),
    Format("json", "application/sparql-results+json", _RESULTS, name="SPARQL JSON"),
    Format("xml", "application/sparql-results+xml", _RESULTS, name="SPARQL XML"),
    Format("csv", "text/csv", _RESULTS, name="CSV"),
    Format("tsv", "text/tab-separated-values", _RESULTS, name="TSV"),
)
_BY_KEY = {f.key: f for f in FORMATS}

# Media types clients send in Accept that mean one of the formats above, by kind of answer.
_MEDIA_ALIASES: dict[Kind, dict[str, str]] = {
    "results": {
        "application/json": "json",
        "application/xml": "xml",
        "text/xml": "xml",
        "application/xhtml+xml": "html",
    },
    "rdf": {
        "application/json": "jsonld",
        "application/json+ld": "jsonld",
        "application/x-json+ld": "jsonld",
        "application/xml": "rdfxml",
        "text/xml": "rdfxml",
        "application/x-turtle": "turtle",
        "application/turtle": "turtle",
        "text/n3": "turtle",
        "text/rdf+n3": "turtle",
        "application/n3": "turtle",
        "text/plain": "ntriples",
        "application/xhtml+xml": "html",
    },
    "html": {"application/xhtml+xml": "html"},
}

# Names clients put in ?format=/output= (SPARQLWrapper, Virtuoso, Fuseki, Jena), by kind.
_PARAMETER_NAMES: dict[Kind, dict[str, str]] = {
    "results": {
        "srj": "json",
        "srx": "xml",
        "sparql-results+json": "json",
        "sparql-results+xml": "xml",
        "text": "tsv",
    },
    "rdf": {
        "json": "jsonld",
        "json-ld": "jsonld",
        "xml": "rdfxml",
        "rdf": "rdfxml",
        "rdf+xml": "rdfxml",
        "rdf/xml": "rdfxml",
        "rdfxml": "rdfxml",
        "n3": "turtle",
        "ttl": "turtle",
        "nt": "ntriples",
        "n-triples": "ntriples",
        "nq": "nquads",
        "n-quads": "nquads",
    },
    "html": {},
}


def by_key(key: str) -> Format | None:
    """The format with short key ``key`` (``turtle``, ``json``...), if any."""
    return _BY_KEY.get(key)


def by_extension(extension: str) -> Format | None:
    """The format whose file extension is ``extension`` (without the dot), if any."""
    return next((f for f in FORMATS if f.extension == extension), None)


def by_parameter(value: str, kind: Kind, html: bool = True) -> Format | None:
    """The format of ``kind`` a ``?format=`` value names (a key, a media type, or a name clients
    use), or None when it names none of that kind. A comma-separated list: its first such item."""
    for item in value.split(","):
        item = item.split(";")[0].strip().lower()
        key = _PARAMETER_NAMES[kind].get(item) or _MEDIA_ALIASES[kind].get(item) or item
        for fmt in FORMATS:
            if key in (fmt.key, fmt.media_type) and kind in fmt.kinds:
                if fmt.key != "html" or html:
                    return fmt
    return None


@dataclass(frozen=True)
class AcceptRange:
    """One media range of an Accept header: ``type/subtype`` (either may be ``*``) and its q."""

    media_type: str
    q: float
    order: int

    def specificity(self, media_type: str) -> int:
        """-1 when this range does not match ``media_type``; otherwise 0 (``*/*``), 1
        (``type/*``) or 2 (exact)."""
        if self.media_type == media_type:
            return 2
        main, _, sub = self.media_type.partition("/")
        if sub == "*" and main == "*":
            return 0
        if sub == "*" and media_type.startswith(main + "/"):
            return 1
        return -1


#: The longest Accept value read: browsers send under 300 characters and the longest RDF client
#: headers (Comunica's, Jena's) under 1,500. Past it the header is read up to its last comma
#: before this length (:func:`bounded`), so a crafted header costs no more than this to parse,
#: and the per-header caches below never hold a longer key.
MAX_ACCEPT_LENGTH = 8192

# One element of a comma-separated header: commas inside quoted strings do not split it. A
# quoted string that is never closed runs to the end of the header, and the quantifiers are
# possessive, so every character is read once: no position is scanned again (a quadratic
# scan here held the GIL for seconds on a 16 KB header of escaped quotes).
_ELEMENT = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*+(?:"|\\?\Z))++')


def bounded(header: str) -> str:
    """``header`` cut to at most :data:`MAX_ACCEPT_LENGTH` characters, at a comma so that no
    media range is read in part."""
    if len(header) <= MAX_ACCEPT_LENGTH:
        return header
    head = header[:MAX_ACCEPT_LENGTH]
    return head[: max(head.rfind(","), 0)]


def parse_accept(header: str) -> tuple[AcceptRange, ...]:
    """The media ranges of an Accept header's value (its first :data:`MAX_ACCEPT_LENGTH`
    characters). Parameters other than ``q`` (``charset``, ``profile``...) are ignored; a
    malformed q counts as 1, a malformed range is skipped."""
    return _parse_accept(bounded(header))


@lru_cache(maxsize=1024)
def _parse_accept(header: str) -> tuple[AcceptRange, ...]:
    ranges = []
    for order, part in enumerate(_ELEMENT.findall(header)):
        media_type, *params = (p.strip() for p in part.split(";"))
        media_type = media_type.lower()
        if media_type.count("/") != 1 or not all(media_type.split("/")):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 1.0
                break  # what follows q are accept-extensions
        ranges.append(AcceptRange(media_type, q, order))
    return tuple(ranges)


def offered(kind: Kind, html: bool = True) -> list[Format]:
    """The formats an answer of ``kind`` can take, in order of preference."""
    return [f for f in FORMATS if kind in f.kinds and (html or f.key != "html")]


def choose(
    accept_header: str,
    kind: Kind,
    default: str,
    html: bool = True,
    only: frozenset[str] | None = None,
) -> Format | None:
    """The best format of ``kind`` for an Accept header's value, or None (answer 406); with
    ``only``, the best of the formats with those keys (an answer that needs named graphs).

    A missing Accept, or one that accepts anything, gets the ``default`` format; HTML only when
    the client names it (browsers do). Of formats the client accepts equally, an exact match
    beats a wildcard, then the client's order, then the ``default``, then the table's order.
    Remembered per header value (cut to :data:`MAX_ACCEPT_LENGTH`): clients send a handful of
    distinct headers.
    """
    return _choose(bounded(accept_header), kind, default, html, only)


@lru_cache(maxsize=1024)
def _choose(
    accept_header: str, kind: Kind, default: str, html: bool, only: frozenset[str] | None
) -> Format | None:
    candidates = [f for f in offered(kind, html) if only is None or f.key in only]
    default_fmt = _BY_KEY[default]
    ranges = _parse_accept(accept_header)
    if not ranges:
        return default_fmt
    aliases = _MEDIA_ALIASES[kind]
    best: tuple[float, int, int, int, int] | None = None
    chosen: Format | None = None
    for position, fmt in enumerate(candidates):
        # Aliases count only when named exactly: text/* means CSV, not "text/xml" results.
        names = [(fmt.media_type, 0), *((m, 2) for m, key in aliases.items() if key == fmt.key)]
        match: tuple[int, AcceptRange] | None = None
        for media_type, least in names:
            for accept in ranges:
                level = accept.specificity(media_type)
                if level >= least and (match is None or level > match[0]):
                    match = (level, accept)
        if match is None or match[1].q == 0:
            continue
        level, accept = match
        if fmt.key == "html" and level < 2:  # a browser names HTML; */* is not asking for a page
            continue
        rank = (accept.q, min(level, 1), -accept.order, fmt is default_fmt, -position)
        if best is None or rank > best:
            best, chosen = rank, fmt
    return chosen


def negotiate(
    accept_header: str,
    requested: str | list[str] | None,
    kind: Kind,
    default: str,
    html: bool = True,
    only: frozenset[str] | None = None,
) -> Format | None:
    """The format for an answer of ``kind``: the first ``?format=``/``output=`` value that names
    a format of that kind, otherwise the best match for the Accept header (None: answer 406).
    With ``only``, formats other than those keys are not offered."""
    values = [requested] if isinstance(requested, str) else list(requested or [])
    for value in values:
        fmt = by_parameter(value, kind, html) if value else None
        if fmt is not None and (only is None or fmt.key in only):
            return fmt
    return choose(accept_header, kind, default, html, only)
