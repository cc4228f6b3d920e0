"""``/fragments``: Triple and Quad Pattern Fragments (Linked Data Fragments) of the dataset.

``GET /fragments?subject=S&predicate=P&object=O&graph=G&page=N`` answers one page of the quads
matching the pattern (every part optional; absent means any), as the Linked Data Fragments
specifications describe (https://linkeddatafragments.org/specification/quad-pattern-fragments/
and .../triple-pattern-fragments/): the matches, an estimated count (``void:triples`` and
``hydra:totalItems``), the page size (``hydra:itemsPerPage``), links to the first, previous and
next pages, and the search form (``hydra:search``, an ``hydra:IriTemplate`` with one
``hydra:mapping`` per part) that a client such as Comunica fills in for every pattern of its
query. Terms are written as the specifications' explicit representation says: an IRI as it is,
a literal as ``"text"``, ``"text"@en`` or ``"text"^^http://...datatype``.

- **Quad formats** (N-Quads, TriG, JSON-LD; N-Quads is the default for a client accepting
  anything, as Comunica's Accept header asks first): a Quad Pattern Fragment. Each match keeps its
  graph: a source's named graph, or the default graph (the merge of every source, as the SPARQL
  endpoint's default graph is) written unnamed. ``graph`` names a graph, or the default graph by
  the IRI the dataset states as its ``sd:defaultGraph`` (``{root}data?default``, the Graph Store
  URL of that graph); without it, matches come from every graph, the default one included. The
  metadata are in a graph of their own, ``{page}#metadata``, whose ``foaf:primaryTopic`` is the
  fragment, as the specification's examples do (Comunica finds them so).
- **Triple formats** (Turtle, N-Triples, RDF/XML): a Triple Pattern Fragment of the default
  graph (or of the graph ``graph`` names), its search form without ``graph``.
- **HTML**: the same page for people, with the form to change the pattern.

Limits. A fragment is an index lookup in the embedded store (``quads_for_pattern``), never a
query: its cost is bounded by the page (:data:`PAGE_SIZE` matches) and the count, which stops
at :data:`COUNT_CAP` (the count is then a lower bound and says so, and pages end there: a
pattern with more matches is for the dumps). So a fragment costs what a page costs and, like
pages, never waits for a query process; it is not kept in the page cache (a lookup is cheaper
than the memory it would take from the pages kept there) but carries the validators and
``Cache-Control`` of every response (:mod:`.http_cache`), so clients and proxies keep it. A
server in front of a remote store (``serve --store``) has no embedded store and answers 404.
"""

from __future__ import annotations

import math
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from ..errors import QueryError
from ..store.embedded import EmbeddedStore, Matches, QuadPattern
from ..vocab import DCTERMS, FOAF, HYDRA, RDF, SD, VOID, XSD, prefixes
from .dataset import current_snapshot
from .documents import not_acceptable
from .negotiation import Format, negotiate, offered
from .urls import public_root

__all__ = ["COUNT_CAP", "PAGE_SIZE", "PARTS", "bp", "default_graph_iri", "fragments_url"]

bp = Blueprint("fragments", __name__)

#: Matches on one page (the Linked Data Fragments server's default).
PAGE_SIZE = 100
#: The count stops here, and so do the pages (see the module).
COUNT_CAP = 100_000
#: The pattern's parts: query parameter and the property its hydra:mapping names.
PARTS = (
    ("subject", str(RDF.subject)),
    ("predicate", str(RDF.predicate)),
    ("object", str(RDF.object)),
    ("graph", str(SD["graph"])),
)
_QUAD_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_TRIPLE_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

_HYDRA = str(HYDRA)
_VOID = str(VOID)
_RDF_TYPE = ox.NamedNode(RDF.type)
_XSD_INTEGER = ox.NamedNode(XSD.integer)
_XSD_STRING = str(XSD.string)
_PRIMARY_TOPIC = ox.NamedNode(FOAF.primaryTopic)
_DEFAULT_GRAPH = ox.NamedNode(SD.defaultGraph)
_DCTERMS_SOURCE = ox.NamedNode(DCTERMS.source)


def _hydra(name: str) -> ox.NamedNode:
    return ox.NamedNode(_HYDRA + name)


def _void(name: str) -> ox.NamedNode:
    return ox.NamedNode(_VOID + name)


def fragments_url() -> str:
    """Where this server answers fragments (the dataset's ``void:uriLookupEndpoint``...)."""
    return public_root() + "fragments"


def default_graph_iri() -> str:
    """The IRI that names the default graph in a fragment's ``graph`` (``sd:defaultGraph``)."""
    return public_root() + "data?default"


def _term(name: str, value: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """A pattern part in the explicit representation as a term (None: any). Raises QueryError
    (answered 400 with its message) when it is not a term."""
    if not value or value.startswith("?"):
        return None
    try:
        if value.startswith('"'):
            end = value.rfind('"')
            if end == 0:
                raise QueryError(f"The {name} {value!r} opens a literal it does not close.")
            text, rest = value[1:end], value[end + 1 :]
            if rest.startswith("@") and len(rest) > 1:
                return ox.Literal(text, language=rest[1:])
            if rest.startswith("^^"):
                datatype = rest[2:].removeprefix("<").removesuffix(">")
                return ox.Literal(text, datatype=ox.NamedNode(datatype))
            if rest:
                raise QueryError(
                    f"The {name} {value!r} has {rest!r} after its literal: write a language tag "
                    'as "text"@en and a datatype as "text"^^http://...'
                )
            return ox.Literal(text)
        if value.startswith("_:"):
            return ox.BlankNode(value[2:])
        return ox.NamedNode(value.removeprefix("<").removesuffix(">"))
    except ValueError as exc:  # pyoxigraph's: an invalid IRI or language tag
        raise QueryError(
            f"The {name} {value!r} is not an IRI, a literal or a blank node: {exc}."
        ) from exc


def _explicit(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """``term`` in the explicit representation (the inverse of :func:`_term`)."""
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        if term.datatype.value != _XSD_STRING:
            return f'"{term.value}"^^{term.datatype.value}'
        return f'"{term.value}"'
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _url(values: dict[str, str], page: int = 1) -> str:
    """The URL of the fragment page with the pattern ``values`` (the RFC 6570 expansion of the
    search form's template, so a client's URL for a pattern and this one are the same)."""
    query = [f"{name}={quote(values[name], safe='')}" for name, _ in PARTS if values.get(name)]
    if page > 1:
        query.append(f"page={page}")
    return fragments_url() + ("?" + "&".join(query) if query else "")


def _refuse(message: str, status: int = 400) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


@bp.route("/fragments")
def fragment() -> Response:
    store = current_snapshot().store
    if not isinstance(store, EmbeddedStore):
        return _refuse(
            "Pattern fragments are served from the embedded store only; this server answers "
            "from a remote store: ask its SPARQL endpoint, or download the dumps.",
            404,
        )
    requested = request.args.getlist("format")
    fmt = negotiate(request.headers.get("Accept", ""), requested, "rdf", "nquads")
    if fmt is None:
        return not_acceptable("A pattern fragment", offered("rdf"), requested)
    quads = fmt.key in _QUAD_FORMATS or fmt.key == "html"
    values = {name: request.args.get(name, "").strip() for name, _ in PARTS}
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        return _refuse("The page is a whole number from 1.")
    pattern = _pattern(values, quads)
    offset = (page - 1) * PAGE_SIZE
    if offset >= COUNT_CAP:
        return _refuse(
            f"Fragments are paged up to {COUNT_CAP:,} matches; for more, download the dumps "
            f"({public_root()}downloads/)."
        )
    matches = store.match(pattern, offset, PAGE_SIZE, COUNT_CAP)
    if fmt.key == "html":
        body: bytes | str = _html(values, page, matches)
    else:
        body = _rdf(values, page, matches, fmt, quads)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _pattern(values: dict[str, str], quads: bool) -> QuadPattern:
    subject = _term("subject", values["subject"])
    if isinstance(subject, ox.Literal):
        raise QueryError("A subject is an IRI or a blank node, not a literal.")
    predicate = _term("predicate", values["predicate"])
    if predicate is not None and not isinstance(predicate, ox.NamedNode):
        raise QueryError("A predicate is an IRI.")
    obj = _term("object", values["object"])
    graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None
    if values["graph"] == default_graph_iri():
        graph = ox.DefaultGraph()
    else:
        named = _term("graph", values["graph"])
        if isinstance(named, ox.Literal):
            raise QueryError("A graph is named by an IRI.")
        graph = named if named is not None or quads else ox.DefaultGraph()
    return subject, predicate, obj, graph


def _rdf(values: dict[str, str], page: int, matches: Matches, fmt: Format, quads: bool) -> bytes:
    """The page as RDF: the matches, then the metadata and controls (in their own graph in a
    quad format)."""
    # This page as it was asked for (a client finds the metadata by the URL it asked).
    # (Characters an IRI cannot hold, sent raw by a hand-typed URL, percent-encoded.)
    asked = quote(request.query_string.decode("latin-1"), safe="/?&=%:@!$'()*+,;")
    here = fragments_url() + ("?" + asked if asked else "")
    fragment = ox.NamedNode(_url(values))
    page_node = ox.NamedNode(here)
    dataset = ox.NamedNode(fragments_url() + "#dataset")
    meta = ox.NamedNode(here + "#metadata") if quads else ox.DefaultGraph()
    found: list[ox.Quad] = (
        matches.quads
        if quads
        else [ox.Quad(q.subject, q.predicate, q.object) for q in matches.quads]
    )
    form = ox.BlankNode("search")
    mapped = PARTS if quads else PARTS[:3]
    template = fragments_url() + "{?" + ",".join(name for name, _ in mapped) + "}"
    count = ox.Literal(str(matches.count), datatype=_XSD_INTEGER)

    def q(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: object) -> ox.Quad:
        return ox.Quad(s, p, o, meta)  # type: ignore[arg-type]

    metadata = [
        q(dataset, _RDF_TYPE, _void("Dataset")),
        q(dataset, _RDF_TYPE, _hydra("Collection")),
        q(dataset, _void("subset"), fragment),
        q(dataset, _DCTERMS_SOURCE, ox.NamedNode(current_snapshot().base + "catalog#dataset")),
        q(dataset, _hydra("search"), form),
        q(form, _hydra("template"), ox.Literal(template)),
        q(form, _hydra("variableRepresentation"), _hydra("ExplicitRepresentation")),
    ]
    for name, prop in mapped:
        mapping = ox.BlankNode(f"map-{name}")
        metadata += [
            q(form, _hydra("mapping"), mapping),
            q(mapping, _hydra("variable"), ox.Literal(name)),
            q(mapping, _hydra("property"), ox.NamedNode(prop)),
        ]
    if quads:
        metadata += [
            q(dataset, _DEFAULT_GRAPH, ox.NamedNode(default_graph_iri())),
            q(meta, _PRIMARY_TOPIC, fragment),  # type: ignore[arg-type]
        ]
    metadata += [
        q(fragment, _RDF_TYPE, _hydra("Collection")),
        q(fragment, _RDF_TYPE, _hydra("PartialCollectionView")),
        q(fragment, _void("subset"), page_node),
        q(fragment, _void("triples"), count),
        q(fragment, _hydra("totalItems"), count),
        q(page_node, _hydra("itemsPerPage"), ox.Literal(str(PAGE_SIZE), datatype=_XSD_INTEGER)),
        q(page_node, _hydra("first"), ox.NamedNode(_url(values, 1))),
    ]
    if page > 1:
        metadata.append(q(page_node, _hydra("previous"), ox.NamedNode(_url(values, page - 1))))
    last = _last_page(matches)
    if page < last:
        metadata.append(q(page_node, _hydra("next"), ox.NamedNode(_url(values, page + 1))))
    if matches.exact:
        metadata.append(q(page_node, _hydra("last"), ox.NamedNode(_url(values, last))))
    everything = metadata + found
    if quads:
        return ox.serialize(everything, format=_QUAD_FORMATS[fmt.key], prefixes=_prefixes()) or b""
    triples = [ox.Triple(x.subject, x.predicate, x.object) for x in everything]
    return ox.serialize(triples, format=_TRIPLE_FORMATS[fmt.key], prefixes=_prefixes()) or b""


def _last_page(matches: Matches) -> int:
    return max(1, min(math.ceil(matches.count / PAGE_SIZE), COUNT_CAP // PAGE_SIZE))


def _prefixes() -> dict[str, str]:
    chosen = prefixes(current_snapshot().base)
    chosen.update({"hydra": _HYDRA, "void": _VOID})
    return chosen


def _html(values: dict[str, str], page: int, matches: Matches) -> str:
    last = _last_page(matches)
    rows = [
        (
            _explicit(x.subject),  # type: ignore[arg-type]
            _explicit(x.predicate),
            _explicit(x.object),  # type: ignore[arg-type]
            "(default graph)" if isinstance(x.graph_name, ox.DefaultGraph) else x.graph_name.value,
        )
        for x in matches.quads
    ]
    return render_template(
        "fragments.html",
        values=values,
        parts=[name for name, _ in PARTS],
        rows=rows,
        count=matches.count,
        exact=matches.exact,
        page=page,
        page_size=PAGE_SIZE,
        first=PAGE_SIZE * (page - 1) + 1,
        previous=_url(values, page - 1) if page > 1 else None,
        next=_url(values, page + 1) if page < last else None,
        default_graph=default_graph_iri(),
        here=_url(values, page),
    )
