"""The SPARQL 1.1 Graph Store HTTP Protocol: loading N-Triples into a graph by ``POST``, and
finding where a store offers it.

A store parses a Graph Store ``POST`` as data, so it avoids what makes large ``INSERT DATA``
requests fail (Virtuoso compiles each one into SQL, and refuses past 10,000 lines of it). The
SPARQL 1.1 Service Description has no term for a Graph Store endpoint, so :func:`find_graph_store`
recognises the store by the ``Server`` header of its service description and tries the path
that store uses; a store it does not recognise is loaded by SPARQL Update unless given
``--graph-store URL``.

Oxigraph server also takes a whole dataset at that endpoint: a ``POST`` of N-Quads without a
``graph`` parameter adds each quad to its own graph (its README), and with ``no_transaction`` its
server loads them with its bulk loader instead of one transaction
(:func:`post_quads`). So one request carries many small graphs, where the Graph Store Protocol
needs one request per graph: at the 1M synthetic build, 2,827 graphs in about 60 requests.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import GraphStoreRefusedError, QueryTimeoutError, StoreError
from ..sparql_text import iri
from ..store.connector import Endpoint

__all__ = [
    "GraphStore",
    "GraphStoreRefusedError",
    "KNOWN_GRAPH_STORES",
    "QUAD_GRAPH_STORES",
    "as_quads",
    "find_graph_store",
    "post",
    "post_quads",
]

#: The stores whose Graph Store endpoint lisgraph finds by itself, by the product named in the
#: ``Server`` header (both are tested).
KNOWN_GRAPH_STORES = ("virtuoso", "oxigraph")
#: Of those, the stores whose Graph Store endpoint takes N-Quads for the whole dataset (Virtuoso's
#: answers such a ``POST`` with 200 and loads nothing: measured, 7.2.5).
QUAD_GRAPH_STORES = ("oxigraph",)


@dataclass(frozen=True)
class GraphStore:
    """A Graph Store endpoint lisgraph found, and whether it takes whole datasets (N-Quads)."""

    url: str
    takes_quads: bool = False


def _conventional_url(product: str, update_url: str) -> str:
    """Where ``product`` offers the Graph Store Protocol, beside its SPARQL Update URL."""
    if product == "virtuoso":  # /sparql -> /sparql-graph-crud, /sparql-auth -> ...-crud-auth
        root, _, tail = update_url.rpartition("/sparql")
        return f"{root}/sparql-graph-crud{'-auth' if tail == '-auth' else ''}"
    return update_url.rsplit("/", 1)[0] + "/store"  # Oxigraph: /query, /update, /store


@dataclass(frozen=True)
class _Answer:
    status: int
    server: str


def _send(
    endpoint: Endpoint, url: str, method: str, body: bytes | None, headers: dict[str, str]
) -> _Answer:
    """One HTTP request to the store with its credentials; the status and Server header.

    Raises urllib's errors (HTTPError for a status of 400 or more)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    handlers: list[urllib.request.BaseHandler] = []
    if endpoint.user:
        if endpoint.auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, url, endpoint.user, endpoint.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        else:
            token = base64.b64encode(f"{endpoint.user}:{endpoint.password or ''}".encode())
            request.add_header("Authorization", "Basic " + token.decode("ascii"))
    opener = urllib.request.build_opener(*handlers)
    with opener.open(request, timeout=endpoint.timeout) as response:
        response.read()
        return _Answer(response.status, response.headers.get("Server", ""))


def _with_graph(url: str, graph: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def as_quads(lines: Sequence[bytes], graph: str) -> bytes:
    """N-Triples ``lines`` (each ending in " .") as N-Quads lines in ``graph``."""
    tail = b" " + iri(graph).encode("utf-8") + b" .\n"
    return b"".join(line.rstrip().removesuffix(b".").rstrip() + tail for line in lines)


def post(endpoint: Endpoint, url: str, graph: str, body: bytes) -> None:
    """POST N-Triples ``body`` to ``graph`` at the Graph Store endpoint ``url``.

    Raises GraphStoreRefusedError when the endpoint refuses (credentials, rights, no such
    endpoint), QueryTimeoutError when it does not answer in time, StoreError when the request
    fails otherwise (the store is down, or refuses the size:
    :func:`lisgraph.store.connector.too_large` tells which).
    """
    _post(endpoint, url, _with_graph(url, graph), body, "application/n-triples", f"<{graph}>")


def post_quads(endpoint: Endpoint, url: str, body: bytes) -> None:
    """POST N-Quads ``body`` to the dataset at the Graph Store endpoint ``url`` (Oxigraph
    server's, :data:`QUAD_GRAPH_STORES`), loaded by its bulk loader (``no_transaction``: not
    atomic, so only into graphs nobody reads; the caller counts them afterwards).

    Raises as :func:`post`.
    """
    separator = "&" if "?" in url else "?"
    target = f"{url}{separator}no_transaction"
    _post(endpoint, url, target, body, "application/n-quads", "the dataset")


_FORMATS = {"application/n-triples": "N-Triples", "application/n-quads": "N-Quads"}


def _post(endpoint: Endpoint, url: str, target: str, body: bytes, media: str, what: str) -> None:
    try:
        _send(endpoint, target, "POST", body, {"Content-Type": media})
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise GraphStoreRefusedError(
                f"The graph store at {url} refused lisgraph's credentials (HTTP 401): set "
                "LISGRAPH_STORE_USER and LISGRAPH_STORE_PASSWORD (and LISGRAPH_STORE_AUTH=digest "
                "for stores such as Virtuoso).",
                exc.code,
            ) from exc
        if exc.code in (403, 404, 405, 415):
            raise GraphStoreRefusedError(
                f"The graph store at {url} answered HTTP {exc.code} {exc.reason} to a POST of "
                f"{_FORMATS[media]} to {what}.",
                exc.code,
            ) from exc
        raise StoreError(f"The graph store at {url} answered HTTP {exc.code} for {what}.") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError):
            raise QueryTimeoutError(
                f"The graph store at {url} did not answer within {endpoint.timeout:g} seconds."
            ) from exc
        raise StoreError(f"Cannot reach the graph store at {url}: {reason}.") from exc


def _server_of(endpoint: Endpoint) -> str:
    """The ``Server`` header of the store's service description ("" when it has none)."""
    headers = {"Accept": "text/turtle, application/rdf+xml;q=0.9, */*;q=0.1"}
    try:
        return _send(endpoint, endpoint.query_url, "GET", None, headers).server
    except urllib.error.HTTPError as exc:
        return str(exc.headers.get("Server", ""))
    except (urllib.error.URLError, OSError):
        return ""


def find_graph_store(endpoint: Endpoint, probe_graph: str) -> GraphStore | None:
    """The Graph Store endpoint of the store at ``endpoint``, when lisgraph knows the store (see
    :data:`KNOWN_GRAPH_STORES`) and the endpoint answers there; None otherwise. It takes whole
    datasets when the store is one of :data:`QUAD_GRAPH_STORES`.

    The endpoint is checked by a GET of ``probe_graph`` (a graph that may not exist: 200 or 404
    both show a Graph Store answering). Raises nothing: a store it cannot find is loaded by
    SPARQL Update.
    """
    server = _server_of(endpoint).lower()
    update = endpoint.update_url or endpoint.query_url
    for product in KNOWN_GRAPH_STORES:
        if server.startswith(product):
            url = _conventional_url(product, update)
            try:
                status = _send(endpoint, _with_graph(url, probe_graph), "GET", None, {}).status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except (urllib.error.URLError, OSError):
                return None
            if status not in (200, 204, 404):
                return None
            return GraphStore(url, takes_quads=product in QUAD_GRAPH_STORES)
    return None
