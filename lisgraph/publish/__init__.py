"""``lisgraph publish``: load the last build into a remote SPARQL store, replacing the old version
in one step from readers' point of view.

1. The build's graphs (the merge, one graph per source, the publication record; see
   :mod:`lisgraph.store.publication`) are loaded into staging graphs of their own, in batches
   that fit the store (:mod:`.loader`), with retries: by the Graph Store Protocol's ``POST``
   when the store offers it (given, or found: :mod:`.gsp_client`), else by SPARQL Update
   ``INSERT DATA``.
2. Each staging graph's triple count is checked against the build.
3. One SPARQL Update request ``MOVE``\\s every staging graph onto its published name (and drops
   graphs the old version had and the new one has not). SPARQL 1.1 Update asks stores to run a
   request atomically; Virtuoso, Fuseki and GraphDB run it in one transaction.
4. The published graphs' counts are checked again.

If the store fails before step 3 the published graphs are untouched: the old version is still
served and the command fails. The next run clears the stale staging graphs first.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..artifact import BuildDir
from ..errors import BuildNotFoundError, PublishError, StoreError
from ..sparql_text import iri, string
from ..store.connector import Endpoint
from ..store.publication import publication_graph, read_publication
from ..vocab import DCTERMS, XSD
from .gsp_client import find_graph_store
from .loader import BatchSplit, Loader, Progress

__all__ = [
    "GRAPH_STORE_BATCH_SIZE",
    "UPDATE_BATCH_SIZE",
    "BatchSplit",
    "Progress",
    "PublishResult",
    "publish",
]

log = logging.getLogger(__name__)

#: Triples per request to start with, by SPARQL Update (Virtuoso's packaged settings take about
#: 1,000; the loader finds that out) and by the Graph Store Protocol (parsed as data, no limit
#: of that kind).
UPDATE_BATCH_SIZE = 2000
GRAPH_STORE_BATCH_SIZE = 20000


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` wrote (the union graph, its triple count, the named graphs) and how:
    the method, the batch size it started at and the one it ended at, the batches the store
    refused as too large, and what else it had to adapt to (``notes``)."""

    graph: str
    triples: int
    graphs: dict[str, int]
    digest: str
    requests: int
    method: str
    first_batch_size: int
    batch_size: int
    splits: tuple[BatchSplit, ...]
    notes: tuple[str, ...]
    seconds: float
    triples_sent: int
    load_seconds: float
    switch_seconds: float


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
    built = BuildDir(build_dir).info().get("built")
    if built:  # the inputs' date, which a front-end's catalogue and version are made from
        record.append(
            f"{iri(graph)} {iri(DCTERMS.modified)} {string(built)}^^{iri(XSD.dateTime)} .".encode()
        )
    record += [
        f"{iri(graph)} {iri(DCTERMS.hasPart)} {iri(name)} .".encode() for name in sorted(graphs)
    ]
    return {graph: union, **dict(sorted(graphs.items())), publication_graph(graph): record}


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
    batch_size: int | None = None,
    min_batch_size: int = 50,
    retries: int = 3,
    pause: float = 1.0,
    find_graph_store_endpoint: bool = True,
    on_progress: Callable[[Progress], None] | None = None,
    switch_timeout: float = 3600.0,
) -> PublishResult:
    """Publish the build in ``dist_dir`` to ``endpoint`` under union graph ``graph``.

    Loads through ``endpoint.graph_store_url`` when given; else through the Graph Store
    endpoint lisgraph finds (``find_graph_store_endpoint``), else by SPARQL Update. Batches
    start at ``batch_size`` (default: :data:`UPDATE_BATCH_SIZE` or
    :data:`GRAPH_STORE_BATCH_SIZE`) and are halved, down to ``min_batch_size``, while the store
    refuses them as too large. ``on_progress`` is called after every batch. The switch, which
    copies every triple once inside the store, may take up to ``switch_timeout`` seconds.

    Raises BuildNotFoundError (no build), StoreError (the store failed, or refused even the
    smallest batch: the old version is still published), PublishError (the store's counts
    differ from the build's afterwards).
    """
    started = time.monotonic()
    build_dir = Path(os.path.realpath(dist_dir))
    info = BuildDir(build_dir).info()
    digest = str(info["inputs_digest"])
    graphs = _graphs_of(build_dir, graph, digest)
    previous = _previous_parts(endpoint, graph)
    staging = {name: _staging_name(graph, i) for i, name in enumerate(graphs)}

    graph_store_url = endpoint.graph_store_url
    if graph_store_url is None and find_graph_store_endpoint:
        graph_store_url = find_graph_store(endpoint, _staging_name(graph, len(graphs)))
    size = batch_size or (GRAPH_STORE_BATCH_SIZE if graph_store_url else UPDATE_BATCH_SIZE)
    loader = Loader(
        endpoint,
        batch_size=max(size, 1),
        min_batch_size=max(1, min(min_batch_size, size)),
        retries=retries,
        pause=pause,
        graph_store_url=graph_store_url,
        fall_back=endpoint.graph_store_url is None,
        switch_timeout=switch_timeout,
    )
    total = sum(len(lines) for lines in graphs.values())
    sent = 0
    batches = 0

    def advance(count: int, number: int) -> None:
        nonlocal sent, batches
        sent += count
        batches += 1
        if on_progress is not None:
            on_progress(
                Progress(
                    graph_number=number,
                    graphs=len(graphs),
                    batches=batches,
                    triples_sent=sent,
                    triples=total,
                    seconds=time.monotonic() - started,
                    batch_size=loader.batch_size,
                    method=loader.method,
                )
            )

    loader.clear(list(staging.values()), "Clearing the staging graphs")
    loader.load([(stage, name, graphs[name]) for name, stage in staging.items()], advance)
    staged = loader.counts(list(staging.values()))
    for name, stage in staging.items():
        if staged[stage] != len(set(graphs[name])):
            raise PublishError(
                f"The store holds {staged[stage]} triples in staging graph <{stage}>, not "
                f"the {len(set(graphs[name]))} of <{name}>. Nothing was switched."
            )

    switching = time.monotonic()
    loader.switch(
        [(stage, name) for name, stage in staging.items()],
        [old for old in previous if old not in graphs],
    )
    switch_seconds = time.monotonic() - switching

    counts = loader.counts(list(graphs))
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
        method=loader.method,
        first_batch_size=size,
        batch_size=loader.batch_size,
        splits=tuple(loader.splits),
        notes=tuple(loader.notes),
        seconds=time.monotonic() - started,
        triples_sent=sent,
        load_seconds=switching - started,
        switch_seconds=switch_seconds,
    )
