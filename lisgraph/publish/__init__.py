"""``lisgraph publish``: load the last build into a remote SPARQL store, replacing the old version
in one step from readers' point of view.

1. The build's graphs (the merge, one graph per source, the publication record; see
   :mod:`lisgraph.store.remote`) are loaded into staging graphs of their own, in batches,
   with retries: by SPARQL Update ``INSERT DATA`` or, given a Graph Store Protocol URL, by ``POST``.
2. Each staging graph's triple count is checked against the build.
3. One SPARQL Update request ``MOVE``\\s every staging graph onto its published name (and drops
   graphs the old version had and the new one has not). SPARQL 1.1 Update asks stores to run a
   request atomically; Virtuoso, Fuseki and GraphDB run it in one transaction.
4. The published graphs' counts are checked again.

If the store fails before step 3 the published graphs are untouched: the old version is still
served and the command fails. The next run clears the stale staging graphs first.
"""

from __future__ import annotations

import base64
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib.namespace import DCTERMS

from ..artifact import BuildDir
from ..errors import BuildNotFoundError, PublishError, QueryError, QueryLimitError, StoreError
from ..sparql_text import iri, string
from ..store.connector import Endpoint
from ..store.publication import publication_graph, read_publication

__all__ = ["PublishResult", "publish"]

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` wrote: the union graph, its triple count, and the named graphs."""

    graph: str
    triples: int
    graphs: dict[str, int]
    digest: str
    requests: int


def _lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().split(b"\n") if line.strip()]


def _graphs_of(build_dir: Path, graph: str, digest: str) -> dict[str, list[bytes]]:
    """Every graph to publish, as N-Triples lines, by graph IRI."""
    graphs: dict[str, list[bytes]] = defaultdict(list)
    for line in _lines(BuildDir(build_dir).nquads):
        # An N-Quads line of ours ends with " <graph> ." (the build writes no default graph).
        statement, _, name = line.rstrip(b" .").rpartition(b" ")
        graphs[name.decode("utf-8").strip("<>")].append(statement + b" .")
    union = _lines(BuildDir(build_dir).ntriples)
    blank = next((line for line in union if b"_:" in line.split(b'"', 1)[0]), None)
    if blank is not None:
        raise StoreError(
            "The build has blank nodes, which cannot be loaded in batches without changing them: "
            f"{blank.decode()}"
        )
    record = [f"{iri(graph)} {iri(DCTERMS.identifier)} {string(digest)} .".encode()]
    record += [
        f"{iri(graph)} {iri(DCTERMS.hasPart)} {iri(name)} .".encode() for name in sorted(graphs)
    ]
    return {graph: union, **dict(sorted(graphs.items())), publication_graph(graph): record}


def _batches(lines: Sequence[bytes], size: int) -> Iterator[bytes]:
    for start in range(0, len(lines), size):
        yield b"\n".join(lines[start : start + size]) + b"\n"


class _Loader:
    """Sends requests to the store, retrying failures that may pass (not bad requests)."""

    def __init__(self, endpoint: Endpoint, retries: int, pause: float) -> None:
        self.endpoint = endpoint
        self.retries = retries
        self.pause = pause
        self.requests = 0

    def _retry(self, what: str, send: Callable[[], object]) -> None:
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                send()
                return
            except (QueryError, PublishError):
                raise
            except (StoreError, QueryLimitError) as exc:
                if attempt == self.retries:
                    raise StoreError(f"{what} failed after {attempt + 1} attempts: {exc}") from exc
                log.warning("%s failed (%s); retrying", what, exc)
                time.sleep(self.pause * 2**attempt)

    def update(self, text: str, what: str) -> None:
        self._retry(what, lambda: self.endpoint.request(update=text))

    def post(self, graph: str, body: bytes, what: str) -> None:
        self._retry(what, lambda: _gsp_post(self.endpoint, graph, body))

    def count(self, graph: str) -> int:
        _, body = self.endpoint.request(
            query=f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}",
            accept="text/csv",
        )
        lines = body.decode("utf-8").split()
        return int(lines[1]) if len(lines) > 1 else 0


def _gsp_post(endpoint: Endpoint, graph: str, body: bytes) -> None:
    """POST N-Triples to ``graph`` by the Graph Store HTTP Protocol."""
    assert endpoint.graph_store_url is not None
    separator = "&" if "?" in endpoint.graph_store_url else "?"
    url = f"{endpoint.graph_store_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/n-triples"}
    )
    handlers: list[urllib.request.BaseHandler] = []
    if endpoint.user:
        if endpoint.auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, url, endpoint.user, endpoint.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        else:
            token = base64.b64encode(f"{endpoint.user}:{endpoint.password or ''}".encode())
            request.add_header("Authorization", "Basic " + token.decode("ascii"))
    try:
        with urllib.request.build_opener(*handlers).open(request, timeout=endpoint.timeout) as r:
            r.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise StoreError(
                f"The graph store at {endpoint.graph_store_url} refused lisgraph's credentials "
                "(HTTP 401): set LISGRAPH_STORE_USER and LISGRAPH_STORE_PASSWORD."
            ) from exc
        raise StoreError(f"The graph store answered HTTP {exc.code} for <{graph}>.") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(
            f"The request to the graph store at {endpoint.graph_store_url} failed: {exc}"
        ) from exc


def _staging_name(graph: str, index: int) -> str:
    return f"{graph.rstrip('/')}/staging/{index}"


def _previous_parts(endpoint: Endpoint, graph: str) -> list[str]:
    """The named graphs the version now published has (none if nothing is published)."""
    try:
        return list(read_publication(endpoint, graph).graphs)
    except BuildNotFoundError:
        return []


def publish(
    dist_dir: Path,
    endpoint: Endpoint,
    graph: str,
    *,
    batch_size: int = 2000,
    retries: int = 3,
    pause: float = 1.0,
) -> PublishResult:
    """Publish the build in ``dist_dir`` to ``endpoint`` under union graph ``graph``.

    Raises BuildNotFoundError (no build), StoreError (the store failed: the old version is
    still published), PublishError (the store's counts differ from the build's afterwards).
    """
    build_dir = Path(os.path.realpath(dist_dir))
    info = BuildDir(build_dir).info()
    digest = str(info["inputs_digest"])
    graphs = _graphs_of(build_dir, graph, digest)
    loader = _Loader(endpoint, retries, pause)
    previous = _previous_parts(endpoint, graph)
    staging = {name: _staging_name(graph, i) for i, name in enumerate(graphs)}

    for name, stage in staging.items():
        loader.update(f"DROP SILENT GRAPH {iri(stage)}", f"Clearing <{stage}>")
        for number, batch in enumerate(_batches(graphs[name], batch_size), start=1):
            what = f"Loading batch {number} of <{name}>"
            if endpoint.graph_store_url:
                loader.post(stage, batch, what)
            else:
                text = batch.decode("utf-8")
                loader.update(f"INSERT DATA {{ GRAPH {iri(stage)} {{\n{text}}} }}", what)
    for name, stage in staging.items():
        if loader.count(stage) != len(set(graphs[name])):
            raise PublishError(
                f"The store holds {loader.count(stage)} triples in staging graph <{stage}>, not "
                f"the {len(set(graphs[name]))} of <{name}>. Nothing was switched."
            )

    switch = [f"MOVE SILENT {iri(stage)} TO {iri(name)}" for name, stage in staging.items()]
    switch += [f"DROP SILENT GRAPH {iri(old)}" for old in previous if old not in graphs]
    loader.update(" ;\n".join(switch), "Switching to the new version")

    counts = {name: loader.count(name) for name in graphs}
    for name, lines in graphs.items():
        if counts[name] != len(set(lines)):
            raise PublishError(
                f"After publishing, <{name}> holds {counts[name]} triples, not {len(set(lines))}."
            )
    return PublishResult(
        graph=graph,
        triples=counts[graph],
        graphs={name: counts[name] for name in graphs if name != graph},
        digest=digest,
        requests=loader.requests,
    )
