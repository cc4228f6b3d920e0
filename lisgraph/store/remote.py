"""A SPARQL 1.1 store reached over HTTP (Virtuoso, Fuseki, GraphDB...), through SPARQLWrapper.

:class:`RemoteStore` answers the same :class:`~lisgraph.store.Store` interface as the embedded
store, so the web app serves a remote store unchanged. lisgraph talks to it through the standard
protocols only: the SPARQL 1.1 Protocol for queries and updates, and the Graph Store HTTP
Protocol for loading (see :mod:`lisgraph.publish`).

What a remote store holds is described in :mod:`.publication`; how it is reached, in
:mod:`.connector`.

The web app always states the dataset of a query (``default-graph-uri``, ``named-graph-uri``),
so a store holding other data too answers from lisgraph's graphs only, as the embedded store
would. Queries are checked and parsed here first (the same SPARQL parser and the same refusals as
the embedded store), so a malformed query never reaches the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from ..errors import QueryError, StoreError
from ..sparql_text import NOT_XML_WRITTEN, OPAQUE, code_only, iri, rewrite_code
from .connector import Endpoint
from .policy import check_query, query_kind
from .publication import Publication, publication_graph
from .replicas import Replicas
from .results import QueryResult

__all__ = [
    "RemoteStore",
    "expand_escaped_names",
    "graphs_named_by_iri",
    "has_dataset_clause",
    "limit_graph_variables",
    "uses_named_graphs",
    "without_dataset_clauses",
]

#: What a query for solutions asks the store for, and how each answer is read. SPARQL XML
#: results first: Virtuoso 7 writes a point lookup's in 1.2-1.3 ms of its own CPU, its JSON in
#: 1.8-2.7 ms (its TSV is cheaper still, but loses datatypes and languages); Oxigraph writes
#: either in 0.2 ms (bench/RESULTS.md, "What a store spends writing its answer"). XML 1.0
#: cannot carry a few characters (U+0000 among them: Virtuoso cuts the string there); the
#: build refuses a literal holding one (:func:`lisgraph.builder.sources.parse_turtle`,
#: :func:`~lisgraph.builder.sources.refuse_not_xml`), so only a query that writes one itself
#: can make one, and such a query asks for JSON.
_SOLUTIONS_ACCEPT = "application/sparql-results+xml, application/sparql-results+json;q=0.9"
_JSON_ACCEPT = "application/sparql-results+json"
_SOLUTIONS_FORMATS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
}
_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:])", re.IGNORECASE)
_GRAPH = re.compile(r"(?<![\w:?$])GRAPH(?![\w:])", re.IGNORECASE)
# SPARQL lets a query spell any character as \uXXXX or \UXXXXXXXX, keywords included.
_CODEPOINT_ESCAPE = re.compile(r"\\[uU]")


def uses_named_graphs(query: str) -> bool:
    """Whether ``query`` may read a named graph: it has the keyword GRAPH in its code (not in a
    string, an IRI, a comment or a name), or a codepoint escape that could spell it. Without
    GRAPH a query sees the default graph only, whatever named graphs its dataset has."""
    code = code_only(query)
    return bool(_GRAPH.search(code) or _CODEPOINT_ESCAPE.search(code))


_GRAPH_VARIABLE = re.compile(r"(?<![\w:?$])GRAPH\s*[?$]", re.IGNORECASE)


def graphs_named_by_iri(query: str) -> frozenset[str] | None:
    """The named graphs ``query`` can read, when each of its GRAPH patterns names its graph by
    an IRI (``GRAPH <g> { }``, ``GRAPH ex:g { }``): only those. None when one names it by a
    variable (it may read any named graph), or when the query cannot be read here (rdflib's
    parser, which may disagree with the store's): then any named graph may be read.

    A pattern ``GRAPH <g> { P }`` matches in graph ``g`` only, so a dataset whose named graphs
    are the ones named this way gives the same answers as one with every source graph."""
    code = code_only(query)
    if _GRAPH_VARIABLE.search(code) or _CODEPOINT_ESCAPE.search(code):
        return None
    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception:  # rdflib raises bare Exception (lisgraph/README.md, R4)
        return None
    terms: list[object] = []
    _collect_graph_terms(algebra, terms)
    if not terms or not all(isinstance(term, URIRef) for term in terms):
        return None
    return frozenset(str(term) for term in terms)


def _collect_graph_terms(node: object, terms: list[object]) -> None:
    """The graph terms of every GRAPH pattern under ``node`` (rdflib's algebra: ``Graph``; the
    parse tree it keeps inside EXISTS: ``GraphGraphPattern``), into ``terms``."""
    if isinstance(node, CompValue):
        if node.name in ("Graph", "GraphGraphPattern"):
            terms.append(node.get("term"))
        for value in node.values():
            _collect_graph_terms(value, terms)
    elif isinstance(node, list | tuple | set):
        for item in node:
            _collect_graph_terms(item, terms)


_GRAPH_VARIABLE_BLOCK = re.compile(r"(?<![\w:?$])GRAPH\s*([?$]\w+)\s*\{", re.IGNORECASE)


def limit_graph_variables(query: str, excluded: Sequence[str]) -> str | None:
    """``query`` with each ``GRAPH ?v { P }`` written ``{ GRAPH ?v { P } FILTER(?v NOT IN
    (excluded)) }``: the same answers over a dataset with the ``excluded`` graphs among its named
    graphs as the query over one without them (the group holds only that pattern, whose every
    solution binds ``?v``). None when a GRAPH in ``query`` is not of that form (one names its
    graph by IRI, a codepoint escape could spell the keyword), or its braces do not close: such
    a query is sent with the dataset named instead."""
    # Strings, IRIs and comments blanked to as many spaces: code only, at the same offsets.
    masked = OPAQUE.sub(lambda match: " " * len(match.group(0)), query)
    if _CODEPOINT_ESCAPE.search(masked):
        return None
    blocks = list(_GRAPH_VARIABLE_BLOCK.finditer(masked))
    if len(blocks) != len(_GRAPH.findall(masked)):
        return None
    listed = ", ".join(iri(g) for g in excluded)
    edits: list[tuple[int, int, str]] = []  # (offset, 0: closing before 1: opening, text)
    for block in blocks:
        depth, end = 0, None
        for offset in range(block.end() - 1, len(masked)):
            if masked[offset] == "{":
                depth += 1
            elif masked[offset] == "}":
                depth -= 1
                if depth == 0:
                    end = offset + 1
                    break
        if end is None:
            return None
        edits.append((block.start(), 1, "{ "))
        edits.append((end, 0, f" FILTER({block.group(1)} NOT IN ({listed})) }}"))
    out, last = [], 0
    for offset, _, text in sorted(edits):
        out += [query[last:offset], text]
        last = offset
    out.append(query[last:])
    return "".join(out)


def has_dataset_clause(query: str) -> bool:
    """Whether ``query`` has a FROM or FROM NAMED clause (the keyword, not the word in a string,
    an IRI, a comment or a name)."""
    return bool(_FROM.search(code_only(query)))


_HOLE = re.compile(r"\x00(\d+)\x00")
_DATASET_CLAUSE = re.compile(
    r"(?<![\w:?$])FROM\s+(?:NAMED\s+)?(?:\x00\d+\x00|[A-Za-z]?[\w.-]*:[\w.:%\\-]*)",
    re.IGNORECASE,
)


def without_dataset_clauses(query: str) -> str:
    """``query`` without its FROM and FROM NAMED clauses (for sending with the dataset given
    by protocol parameters instead: some stores let FROM win over them)."""
    kept: list[str] = []

    def hole(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    code = OPAQUE.sub(hole, query.replace("\x00", ""))
    code = _DATASET_CLAUSE.sub(" ", code)
    return _HOLE.sub(lambda m: kept[int(m.group(1))], code)


_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
# A prefixed name whose local part has a backslash escape (SPARQL's PN_LOCAL_ESC).
_ESCAPED_NAME = re.compile(
    r"(?<![\w?$])([A-Za-z][\w.-]*)?:((?:[\w:%.-]|\\[_~.\-!$&'()*+,;=/?#@%])*"
    r"\\[_~.\-!$&'()*+,;=/?#@%](?:[\w:%.-]|\\[_~.\-!$&'()*+,;=/?#@%])*)"
)
_LOCAL_ESC = re.compile(r"\\(.)")


def expand_escaped_names(query: str) -> str:
    """``query`` with every prefixed name that has a backslash escape (``id:lep-area\\/E37``)
    written as a full IRI instead. Virtuoso's parser rejects such names, which SPARQL 1.1
    allows; a full IRI means the same to every store."""
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(query)}

    def expand(code: str) -> str:
        def full(match: re.Match[str]) -> str:
            namespace = prefixes.get(match.group(1) or "")
            if namespace is None:
                return match.group(0)
            local = _LOCAL_ESC.sub(r"\1", match.group(2))
            return f"<{namespace}{local}>"

        return _ESCAPED_NAME.sub(full, code)

    return rewrite_code(query, expand)


def _query_dataset(query: str) -> tuple[list[str], list[str]]:
    """The FROM and FROM NAMED IRIs of ``query`` (with prefixes and BASE resolved)."""
    algebra = translateQuery(parseQuery(query)).algebra
    defaults, named = [], []
    for clause in algebra.get("datasetClause") or ():
        if "default" in clause:
            defaults.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    return defaults, named


class RemoteStore:
    """A published lisgraph dataset in a remote SPARQL store (or in read replicas of it, each
    query to the next: :class:`~.replicas.Replicas`)."""

    def __init__(
        self, endpoint: Endpoint | Replicas, publication: Publication, own_dataset: bool = False
    ) -> None:
        """``own_dataset``: the store's own dataset is lisgraph's, as checked by
        :func:`~.publication.holds_own_dataset` (its default graph is the union graph; its named
        graphs the sources, the union graph and the record): a query that names no dataset is
        sent none, a ``GRAPH ?g`` query the two graphs to pass over instead of every source."""
        self.endpoint = endpoint
        self.publication = publication
        self.own_dataset = own_dataset
        # A graph name no one publishes: stands for "an empty graph" in a dataset description.
        self._nothing = f"{publication_graph(publication.graph)}#none"
        self._ours = frozenset({publication.graph, *publication.graphs})

    def _dataset(
        self, query: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> tuple[str, list[tuple[str, str]]]:
        """The query to send, and its dataset: what the embedded store would query, limited to
        our graphs (no parameters when the store's own dataset answers the same)."""
        pub = self.publication
        if has_dataset_clause(query):
            stated = _query_dataset(query)
            if not (default_graphs or named_graphs):
                default_graphs, named_graphs = stated
        if not (default_graphs or named_graphs) and self.own_dataset:
            if not uses_named_graphs(query):
                return query, []
            if graphs_named_by_iri(query) is None:  # by IRI: the few graphs named, below
                limited = limit_graph_variables(query, (pub.graph, publication_graph(pub.graph)))
                if limited is not None:
                    return limited, []
        if not (default_graphs or named_graphs):
            # The embedded store's dataset: the union graph and every source graph. The source
            # graphs are sent only to a query that can see them (through GRAPH): at 1M triples
            # they are 2,825 IRIs (257 KB) that the store reads with every request
            # (bench/RESULTS.md, "Named graphs only when needed"). A query whose GRAPH
            # patterns all name their graph by IRI is sent those graphs alone (the source
            # graphs among them: the union graph is no named graph of the embedded store).
            default_graphs = [pub.graph]
            named_graphs = []
            if uses_named_graphs(query):
                by_iri = graphs_named_by_iri(query)
                named_graphs = (
                    list(pub.graphs) if by_iri is None else [g for g in pub.graphs if g in by_iri]
                )
        defaults = [g for g in default_graphs if g in self._ours] or [self._nothing]
        named = [g for g in named_graphs if g in self._ours] or [self._nothing]
        return query, [("default-graph-uri", g) for g in defaults] + [
            ("named-graph-uri", g) for g in named
        ]

    def query(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        """Run a read-only query in the remote store; the same errors as the embedded store's."""
        check_query(sparql)
        kind = query_kind(sparql, base_iri)  # the embedded engine's parser and messages
        text = expand_escaped_names(sparql)
        text = f"BASE <{base_iri}>\n{text}" if base_iri else text
        try:
            text, params = self._dataset(text, default_graphs, named_graphs)
        except Exception as exc:  # rdflib's parser disagrees with Oxigraph's on the dataset
            raise QueryError(f"The query's FROM clauses could not be read: {exc}") from exc
        # The dataset travels as protocol parameters only (filtered to our graphs).
        text = without_dataset_clauses(text)
        if kind == "graph":
            media_type, body = self.endpoint.request(
                query=text, params=params, accept="application/n-triples, text/turtle;q=0.9"
            )
            body = _wkt_as_published(body)
            fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
            try:
                return QueryResult("graph", list(ox.parse(input=body, format=fmt)))
            except SyntaxError as exc:
                raise StoreError(f"The store's {media_type} answer is not valid: {exc}") from exc
        raw = self._solutions(text, params)
        if kind == "boolean":
            return QueryResult("boolean", _as_boolean(raw))
        if not isinstance(raw, ox.QuerySolutions):
            raise StoreError("The store answered a SELECT query with a boolean.")
        return QueryResult("solutions", raw)

    def _solutions(self, text: str, params: list[tuple[str, str]]) -> Any:
        """The store's answer to a SELECT or ASK query, parsed: asked for as SPARQL XML
        results (or JSON, when the store prefers it), and as JSON only when the query writes
        a character XML cannot carry (:data:`_SOLUTIONS_ACCEPT`)."""
        accept = _JSON_ACCEPT if NOT_XML_WRITTEN.search(text) else _SOLUTIONS_ACCEPT
        media_type, body = self.endpoint.request(query=text, params=params, accept=accept)
        results_format = _SOLUTIONS_FORMATS.get(media_type)
        if results_format is None:
            raise StoreError(f"The store answered {media_type}, not SPARQL results.")
        try:
            return ox.parse_query_results(_wkt_as_published(body), format=results_format)
        except SyntaxError as exc:
            raise StoreError(f"The store's {media_type} results are not valid: {exc}") from exc

    def named_graphs(self) -> list[str]:
        return list(self.publication.graphs)

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        rows = result.rows()
        return int(rows[0]["n"].value) if rows else 0


#: Virtuoso stores a ``geo:wktLiteral`` as its own geometry type and answers it with this
#: datatype; the text comes back as written when written compactly, as the build writes it
#: (``MULTIPOLYGON(((x y,x y)))``; measured on all 352 geometries of the build).
_VIRTUOSO_GEOMETRY = b"http://www.openlinksw.com/schemas/virtrdf#Geometry"
_WKT_LITERAL = b"http://www.opengis.net/ont/geosparql#wktLiteral"


def _wkt_as_published(body: bytes) -> bytes:
    """A store's answer with Virtuoso's geometry datatype read as the ``geo:wktLiteral`` the
    build published (queries that test the datatype in Virtuoso itself still see its own)."""
    return body.replace(_VIRTUOSO_GEOMETRY, _WKT_LITERAL) if _VIRTUOSO_GEOMETRY in body else body


def _as_boolean(raw: Any) -> ox.QueryBoolean:
    """An ASK answer. Virtuoso 7 answers ASK with one row of one variable holding 1 or 0
    instead of a boolean; that row is read as the boolean it stands for."""
    if isinstance(raw, ox.QueryBoolean):
        return raw
    rows = list(raw)
    value = bool(rows) and rows[0][0] is not None and rows[0][0].value in ("1", "true")
    parsed = ox.parse_query_results(
        b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}",
        format=ox.QueryResultsFormat.JSON,
    )
    assert isinstance(parsed, ox.QueryBoolean)
    return parsed
