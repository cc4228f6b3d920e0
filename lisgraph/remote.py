"""A SPARQL 1.1 store reached over HTTP (Virtuoso, Fuseki, GraphDB...), through SPARQLWrapper.

:class:`RemoteStore` answers the same :class:`~lisgraph.store.Store` interface as the embedded
store, so the web app serves a remote store unchanged. lisgraph talks to it through the standard
protocols only: the SPARQL 1.1 Protocol for queries and updates, and the Graph Store HTTP
Protocol for loading (see :mod:`lisgraph.publish`).

What a remote store holds, as :mod:`lisgraph.publish` writes it::

    <G>                  the merge of all sources (what queries see as the default graph)
    <{base}graph/NAME>   one named graph per source file, as in the embedded store
    <G/publication>      which build is published: its inputs digest and its named graphs

The web app always states the dataset of a query (``default-graph-uri``, ``named-graph-uri``),
so a store holding other data too answers from lisgraph's graphs only, as the embedded store
would. Queries are checked and parsed here first (the same SPARQL parser and the same refusals as
the embedded store), so a malformed query never reaches the store.

Credentials come from the environment only: ``LISGRAPH_STORE_USER``, ``LISGRAPH_STORE_PASSWORD``
and ``LISGRAPH_STORE_AUTH`` (``basic``, the default, or ``digest``).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import tempfile
import urllib.error
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from SPARQLWrapper import DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

from .build import BUILD_INFO, write_build
from .errors import BuildNotFoundError, ConfigError, QueryError, QueryTimeoutError, StoreError
from .guard import check_query, has_dataset_clause, rewrite_code, without_dataset_clauses
from .store import QueryResult

__all__ = [
    "Endpoint",
    "Publication",
    "RemoteStore",
    "default_graph",
    "default_mirror_root",
    "expand_escaped_names",
    "mirror_publication",
    "publication_graph",
    "read_publication",
]

_DCTERMS = "http://purl.org/dc/terms/"
_SOLUTIONS_TYPES = ("application/sparql-results+json", "application/json")


def default_graph(base: str) -> str:
    """The union graph ``publish`` writes and ``serve --store`` reads unless told otherwise."""
    return f"{base}graph/lisgraph"


def publication_graph(graph: str) -> str:
    """The graph that records which build is published in union graph ``graph``."""
    return f"{graph.rstrip('/')}/publication"


@dataclass(frozen=True)
class Endpoint:
    """Where a remote store answers, and how to sign in.

    ``update_url`` defaults to ``query_url`` (Virtuoso and GraphDB take both at one URL).
    ``timeout`` is the client's limit, in seconds, on any one request.
    """

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: float = 30.0

    @classmethod
    def from_env(
        cls,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        timeout: float = 30.0,
        environ: Mapping[str, str] | None = None,
    ) -> Endpoint:
        """An endpoint whose credentials come from LISGRAPH_STORE_* environment variables.

        Raises ConfigError for a URL that is not http(s) or an unknown auth scheme.
        """
        env = os.environ if environ is None else environ
        for url in (query_url, update_url, graph_store_url):
            if url is not None and not url.startswith(("http://", "https://")):
                raise ConfigError(f"The store URL {url!r} is not an http(s) URL.")
        auth = env.get("LISGRAPH_STORE_AUTH", "basic").lower()
        if auth not in ("basic", "digest"):
            raise ConfigError(f"LISGRAPH_STORE_AUTH is {auth!r}; use 'basic' or 'digest'.")
        return cls(
            query_url=query_url,
            update_url=update_url,
            graph_store_url=graph_store_url,
            user=env.get("LISGRAPH_STORE_USER") or None,
            password=env.get("LISGRAPH_STORE_PASSWORD") or None,
            auth=auth,
            timeout=timeout,
        )

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url, agent="lisgraph")
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)  # the Accept header alone says what we want
        wrapper.setTimeout(max(1, round(self.timeout)))
        if self.user:
            wrapper.setCredentials(self.user, self.password or "")
            if self.auth == "digest":
                wrapper.setHTTPAuth(DIGEST)
        return wrapper

    def request(
        self,
        *,
        query: str | None = None,
        update: str | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept: str = "application/sparql-results+json",
    ) -> tuple[str, bytes]:
        """Send one query (or update) and return the response's media type and body.

        Raises QueryTimeoutError when the store does not answer in time, QueryError when it
        rejects the query, StoreError when it cannot be reached, refuses the credentials or fails.
        """
        url = self.query_url if update is None else (self.update_url or self.query_url)
        _allow_many_response_headers()
        wrapper = self._wrapper(url)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setQuery(update if update is not None else query or "")
        for name, value in params:
            wrapper.addParameter(name, value)
        wrapper.addCustomHttpHeader("Accept", accept)
        try:
            response = wrapper.query().response
            media_type = response.headers.get_content_type()
            return media_type, response.read()
        except Unauthorized as exc:
            raise StoreError(
                f"The SPARQL store at {url} refused lisgraph's credentials (HTTP 401): set "
                "LISGRAPH_STORE_USER and LISGRAPH_STORE_PASSWORD (and LISGRAPH_STORE_AUTH=digest "
                "for stores such as Virtuoso)."
            ) from exc
        except SPARQLWrapperException as exc:
            if type(exc).__name__ == "QueryBadFormed":
                raise QueryError(f"The SPARQL store rejected the query: {_detail(exc)}") from exc
            raise StoreError(f"The SPARQL store at {url} failed: {_detail(exc)}") from exc
        except urllib.error.HTTPError as exc:
            raise StoreError(f"The SPARQL store at {url} answered HTTP {exc.code}.") from exc
        except TimeoutError as exc:
            raise QueryTimeoutError(
                f"The SPARQL store at {url} did not answer within {self.timeout:g} seconds."
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise QueryTimeoutError(
                    f"The SPARQL store at {url} did not answer within {self.timeout:g} seconds."
                ) from exc
            raise StoreError(f"Cannot reach the SPARQL store at {url}: {exc.reason}.") from exc
        except (OSError, HTTPException) as exc:
            raise StoreError(f"The connection to the SPARQL store at {url} failed: {exc}") from exc


#: Virtuoso echoes every named-graph-uri of a request as an X-SPARQL-named-graph response
#: header. The dataset has one named graph per source (over a hundred), which passes
#: http.client's default limit of 100 headers ("got more than 100 headers").
_MAX_RESPONSE_HEADERS = 10_000


def _allow_many_response_headers() -> None:
    """Raise http.client's limit on response headers to :data:`_MAX_RESPONSE_HEADERS`."""
    if getattr(http.client, "_MAXHEADERS", 0) < _MAX_RESPONSE_HEADERS:
        setattr(http.client, "_MAXHEADERS", _MAX_RESPONSE_HEADERS)  # noqa: B010


def _detail(exc: SPARQLWrapperException) -> str:
    text = str(exc).replace("\\n", " ").strip()
    return text[:500]


@dataclass(frozen=True)
class Publication:
    """Which build a remote store holds: its union graph, inputs digest and named graphs."""

    graph: str
    digest: str
    graphs: tuple[str, ...]


def read_publication(endpoint: Endpoint, graph: str) -> Publication:
    """What ``lisgraph publish`` last wrote to ``graph`` at ``endpoint``.

    Raises BuildNotFoundError when nothing has been published there, StoreError when the store
    cannot be asked.
    """
    query = (
        f"SELECT ?digest ?part WHERE {{ GRAPH <{publication_graph(graph)}> {{ "
        f"<{graph}> <{_DCTERMS}identifier> ?digest ; <{_DCTERMS}hasPart> ?part }} }}"
    )
    _, body = endpoint.request(query=query)
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    rows = [
        (row["digest"].value, row["part"].value)  # type: ignore[union-attr]
        for row in solutions  # type: ignore[union-attr]
    ]
    if not rows:
        raise BuildNotFoundError(
            f"Nothing has been published to graph <{graph}> at {endpoint.query_url}: run "
            "'lisgraph publish' first."
        )
    digests = {digest for digest, _ in rows}
    if len(digests) != 1:
        raise StoreError(f"The publication record of <{graph}> names {len(digests)} builds.")
    return Publication(graph, digests.pop(), tuple(sorted({part for _, part in rows})))


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
    """A published lisgraph dataset in a remote SPARQL store."""

    def __init__(self, endpoint: Endpoint, publication: Publication) -> None:
        self.endpoint = endpoint
        self.publication = publication
        # A graph name no one publishes: stands for "an empty graph" in a dataset description.
        self._nothing = f"{publication_graph(publication.graph)}#none"

    def _dataset(
        self, query: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> list[tuple[str, str]]:
        """The dataset to send: what the embedded store would query, limited to our graphs."""
        pub = self.publication
        if has_dataset_clause(query):
            stated = _query_dataset(query)
            if not (default_graphs or named_graphs):
                default_graphs, named_graphs = stated
        if not (default_graphs or named_graphs):
            default_graphs, named_graphs = [pub.graph], list(pub.graphs)
        ours = {pub.graph, *pub.graphs}
        defaults = [g for g in default_graphs if g in ours] or [self._nothing]
        named = [g for g in named_graphs if g in ours] or [self._nothing]
        return [("default-graph-uri", g) for g in defaults] + [
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
        try:  # Parse with the embedded engine: same messages, and the kind of query.
            kind = ox.Store().query(sparql, base_iri=base_iri)
        except SyntaxError as exc:
            raise QueryError(f"The query is not valid SPARQL 1.1: {exc}") from exc
        text = expand_escaped_names(sparql)
        text = f"BASE <{base_iri}>\n{text}" if base_iri else text
        try:
            params = self._dataset(text, default_graphs, named_graphs)
        except Exception as exc:  # rdflib's parser disagrees with Oxigraph's on the dataset
            raise QueryError(f"The query's FROM clauses could not be read: {exc}") from exc
        # The dataset travels as protocol parameters only (filtered to our graphs).
        text = without_dataset_clauses(text)
        if isinstance(kind, ox.QueryTriples):
            media_type, body = self.endpoint.request(
                query=text, params=params, accept="application/n-triples, text/turtle;q=0.9"
            )
            fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
            try:
                return QueryResult("graph", list(ox.parse(input=body, format=fmt)))
            except SyntaxError as exc:
                raise StoreError(f"The store's {media_type} answer is not valid: {exc}") from exc
        media_type, body = self.endpoint.request(query=text, params=params)
        if media_type not in _SOLUTIONS_TYPES:
            raise StoreError(f"The store answered {media_type}, not SPARQL JSON results.")
        try:
            raw = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            raise StoreError(f"The store's results are not valid SPARQL JSON: {exc}") from exc
        if isinstance(kind, ox.QueryBoolean):
            return QueryResult("boolean", _as_boolean(raw))
        if not isinstance(raw, ox.QuerySolutions):
            raise StoreError("The store answered a SELECT query with a boolean.")
        return QueryResult("solutions", raw)

    def named_graphs(self) -> list[str]:
        return list(self.publication.graphs)

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        rows = result.rows()
        return int(rows[0]["n"].value) if rows else 0


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


#: Rows asked for at a time when copying a graph out of the store (Virtuoso's default cap).
PAGE_ROWS = 10_000


def default_mirror_root() -> Path:
    """Where front-ends keep the dumps made from a remote store, unless configured."""
    return Path(tempfile.gettempdir()) / f"lisgraph-mirror-{os.getuid()}"


def _copy_graph(store: RemoteStore, graph: str, into: ox.Store) -> None:
    """Add every triple of the store's ``graph`` to ``into``, in pages, and check the count."""
    count_rows = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", named_graphs=[graph]
    ).rows()
    expected = int(count_rows[0]["n"].value) if count_rows else 0
    name = ox.NamedNode(graph)
    copied = 0
    for offset in range(0, expected, PAGE_ROWS):
        page = store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
            f"ORDER BY ?s ?p ?o LIMIT {PAGE_ROWS} OFFSET {offset}",
            named_graphs=[graph],
        ).raw
        assert isinstance(page, ox.QuerySolutions)
        for row in page:
            into.add(ox.Quad(row["s"], row["p"], row["o"], name))  # type: ignore[arg-type]
            copied += 1
    if copied != expected:
        raise StoreError(f"Copied {copied} triples of <{graph}> from the store, not {expected}.")


def mirror_publication(store: RemoteStore, base: str, root: Path) -> Path:
    """The dumps and build.json of what ``store`` publishes, made from its graphs (once per
    build, in ``root/DIGEST``). Returns that directory."""
    digest = store.publication.digest
    target = root / digest
    if (target / BUILD_INFO).is_file():
        return target
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    local = ox.Store()
    for graph in store.publication.graphs:
        _copy_graph(store, graph, local)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=root))
    try:
        write_build(local, base, digest, staging)
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (target / BUILD_INFO).is_file():  # not another worker's copy: a real failure
            raise
    # Keep the two newest builds; staging directories (".…") may be another worker's, in progress.
    finished = [p for p in root.iterdir() if not p.name.startswith(".")]
    for old in sorted(finished, key=lambda p: p.stat().st_mtime_ns)[:-2]:
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return target
