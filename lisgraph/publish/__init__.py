"""``lisgraph publish``: load the last build into a remote SPARQL store, never writing into a
store that front-ends read.

Into a store nobody reads (the default): a store that publishes nothing yet, or, with a store
pointer (``pointer``, :mod:`.store_pointer`), any store but the one the pointer names.

1. What the store held is dropped (the publication record first, so that a store half loaded
   never claims a version).
2. The build's graphs (the merge, one graph per source; see :mod:`lisgraph.store.publication`)
   are loaded under their own names, in batches that fit the store (:mod:`.loader`), with
   retries: by the Graph Store Protocol's ``POST`` when the store offers it (given, or found:
   :mod:`.gsp_client`; one graph a request, :data:`GRAPH_STORE_PARALLEL` requests at once, or,
   into Oxigraph server, N-Quads of many graphs a request for its bulk loader), else by SPARQL
   Update ``INSERT DATA``.
3. Each graph's triple count is checked against the build; then the publication record is
   written, and counted.

Front-ends move to the new store when the pointer is switched to it (the CLI mirrors it first,
then renames the pointer file: one atomic step for every reader, ``GRAPH`` queries included).
Nothing ever rewrites the rows a reader is reading (the precondition of the Virtuoso wedge, scale
review of 2026-12-04, S1).

A store that already publishes a version, without a pointer, is refused (StoreInUseError):
front-ends may be reading it. ``in_place`` writes into it anyway, the older way:

1. The build's graphs are loaded into staging graphs of their own, as above.
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
from ..errors import BuildNotFoundError, PublishError, StoreError, StoreInUseError
from ..sparql_text import iri, string
from ..store.connector import Endpoint
from ..store.publication import Publication, publication_graph, read_publication
from ..vocab import DCTERMS, XSD
from .gsp_client import find_graph_store
from .loader import BatchSplit, Loader, Progress
from .store_pointer import check_not_served, wait_for_front_ends

__all__ = [
    "GRAPH_STORE_BATCH_SIZE",
    "GRAPH_STORE_PARALLEL",
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
#: Graph Store requests sent at once, one graph each: what a store costs per request, whatever
#: its size, then overlaps (Debian's Virtuoso: 100 POSTs of 350 triples in 6.2-6.6 s one at a
#: time, 3.1-3.5 s four at a time, 2.8-3.1 s eight at a time, at a load average of 15).
GRAPH_STORE_PARALLEL = 4


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` wrote (the union graph, its triple count, the named graphs) and how:
    the method, the batch size it ended at, the batches the store
    refused as too large, and what else it had to adapt to (``notes``)."""

    graph: str
    triples: int
    graphs: dict[str, int]
    digest: str
    requests: int
    method: str
    batch_size: int
    splits: tuple[BatchSplit, ...]
    notes: tuple[str, ...]
    seconds: float
    triples_sent: int
    load_seconds: float
    #: In place: the switch (MOVEs); into an unread store: writing the publication record.
    switch_seconds: float
    in_place: bool = False


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


def _previous(endpoint: Endpoint, graph: str) -> Publication | None:
    """The version the store publishes now (None if nothing is published)."""
    try:
        return read_publication(endpoint, graph)
    except BuildNotFoundError:
        return None


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
    pointer: Path | None = None,
    read_url: str | None = None,
    settle_seconds: float = 0.0,
    in_place: bool = False,
) -> PublishResult:
    """Publish the build in ``dist_dir`` to ``endpoint`` under union graph ``graph``.

    Loads through ``endpoint.graph_store_url`` when given; else through the Graph Store
    endpoint lisgraph finds (``find_graph_store_endpoint``), else by SPARQL Update. Batches
    start at ``batch_size`` (default: :data:`UPDATE_BATCH_SIZE` or
    :data:`GRAPH_STORE_BATCH_SIZE`) and are halved, down to ``min_batch_size``, while the store
    refuses them as too large. ``on_progress`` is called after every batch.

    With a store ``pointer`` (the file front-ends follow), the store must not be the one it
    names (by ``read_url``, where front-ends read it, or by the endpoint's URLs), and loading
    waits until the pointer has not moved for ``settle_seconds`` (the front-ends have left the
    store it named before); switching the pointer is the caller's
    (:func:`.store_pointer.switch_store_pointer`, after mirroring). ``in_place`` publishes into
    a store that already publishes a version, through staging graphs and one switch that copies
    every triple inside the store (up to ``switch_timeout`` seconds; see the module).

    Raises BuildNotFoundError (no build), StoreInUseError (the pointer names this store, or it
    publishes a version and neither a pointer nor ``in_place`` was given), StoreError (the store
    failed, or refused even the smallest batch), PublishError (the store's counts differ from
    the build's afterwards).
    """
    started = time.monotonic()
    build_dir = Path(os.path.realpath(dist_dir))
    digest = str(BuildDir(build_dir).info()["inputs_digest"])
    graphs = _graphs_of(build_dir, graph, digest)
    previous = _checked_target(endpoint, graph, pointer, read_url, in_place, settle_seconds)
    loader = _loader_for(
        endpoint,
        _staging_name(graph, len(graphs)),
        batch_size=batch_size,
        min_batch_size=min_batch_size,
        retries=retries,
        pause=pause,
        find_graph_store_endpoint=find_graph_store_endpoint,
        switch_timeout=switch_timeout,
    )
    progress = _ProgressReport(loader, graphs, started, on_progress)
    load = _load_in_place if in_place else _load_into_unread_store
    switch_seconds = load(loader, graphs, graph, previous, progress.advance)
    loaded = time.monotonic()
    counts = _checked_counts(loader, graphs, graph, in_place)
    return PublishResult(
        graph=graph,
        triples=counts[graph],
        graphs={name: counts[name] for name in graphs if name != graph},
        digest=digest,
        requests=loader.requests,
        method=loader.method,
        batch_size=loader.batch_size,
        splits=tuple(loader.splits),
        notes=tuple(loader.notes),
        seconds=time.monotonic() - started,
        triples_sent=progress.sent,
        load_seconds=loaded - started - switch_seconds,
        switch_seconds=switch_seconds,
        in_place=in_place,
    )


def _checked_target(
    endpoint: Endpoint,
    graph: str,
    pointer: Path | None,
    read_url: str | None,
    in_place: bool,
    settle_seconds: float,
) -> Publication | None:
    """What the store publishes now (None: nothing), once it is known that publish may write
    into it (see :func:`publish`), and, with a pointer, the front-ends have left it.

    Raises StoreInUseError when it may not."""
    if pointer is not None:
        check_not_served(pointer, (read_url, endpoint.query_url, endpoint.update_url))
    previous = _previous(endpoint, graph)
    if previous is not None and pointer is None and not in_place:
        raise StoreInUseError(
            f"The store at {endpoint.query_url} already publishes build {previous.digest[:12]} "
            f"in <{graph}>, and front-ends may be reading it: publishing into it rewrites the "
            "rows they read (at scale for minutes; the precondition of the Virtuoso wedge, scale "
            "review S1). Publish into another store and move the front-ends with a store "
            "pointer (--pointer FILE; README, 'Blue/green'), or pass --in-place to write into "
            "this one anyway."
        )
    if pointer is not None and not in_place:
        wait_for_front_ends(pointer, settle_seconds)
    return previous


def _loader_for(
    endpoint: Endpoint,
    probe_graph: str,
    *,
    batch_size: int | None,
    min_batch_size: int,
    retries: int,
    pause: float,
    find_graph_store_endpoint: bool,
    switch_timeout: float,
) -> Loader:
    """A loader by the store's Graph Store endpoint (given, or found by asking for
    ``probe_graph``), else by SPARQL Update, with the batch sizes of :func:`publish`."""
    graph_store_url, quads = endpoint.graph_store_url, False
    if graph_store_url is None and find_graph_store_endpoint:
        found = find_graph_store(endpoint, probe_graph)
        if found is not None:
            graph_store_url, quads = found.url, found.takes_quads
    size = batch_size or (GRAPH_STORE_BATCH_SIZE if graph_store_url else UPDATE_BATCH_SIZE)
    return Loader(
        endpoint,
        batch_size=max(size, 1),
        min_batch_size=max(1, min(min_batch_size, size)),
        retries=retries,
        pause=pause,
        graph_store_url=graph_store_url,
        fall_back=endpoint.graph_store_url is None,
        switch_timeout=switch_timeout,
        quads=quads,
        parallel=GRAPH_STORE_PARALLEL if graph_store_url and not quads else 1,
    )


class _ProgressReport:
    """Counts what the loader has sent, and tells ``on_progress`` after every batch."""

    def __init__(
        self,
        loader: Loader,
        graphs: dict[str, list[bytes]],
        started: float,
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        self._loader, self._graphs, self._started = loader, len(graphs), started
        self._on_progress = on_progress
        self._total = sum(len(lines) for lines in graphs.values())
        self.sent = 0
        self.batches = 0

    def advance(self, count: int, number: int) -> None:
        self.sent += count
        self.batches += 1
        if self._on_progress is not None:
            self._on_progress(
                Progress(
                    graph_number=number,
                    graphs=self._graphs,
                    batches=self.batches,
                    triples_sent=self.sent,
                    triples=self._total,
                    seconds=time.monotonic() - self._started,
                    batch_size=self._loader.batch_size,
                    method=self._loader.method,
                )
            )


def _checked_counts(
    loader: Loader, graphs: dict[str, list[bytes]], graph: str, in_place: bool
) -> dict[str, int]:
    """Each published graph's triple count in the store, once each equals the build's.

    Raises PublishError for one that does not."""
    if in_place:  # the switch moved every graph: count them all again
        counts = loader.counts(list(graphs))
    else:  # the graphs were counted before the record was written, and nobody else writes here
        record = publication_graph(graph)
        counts = {name: len(set(lines)) for name, lines in graphs.items() if name != record}
        counts |= loader.counts([record])
    for name, lines in graphs.items():
        if counts[name] != len(set(lines)):
            raise PublishError(
                f"After publishing, <{name}> holds {counts[name]} triples, not {len(set(lines))}."
            )
    return counts


def _load_into_unread_store(
    loader: Loader,
    graphs: dict[str, list[bytes]],
    graph: str,
    previous: Publication | None,
    advance: Callable[[int, int], None],
) -> float:
    """Load ``graphs`` under their own names into a store nobody reads: what it held dropped
    first (its publication record before the rest), the record written last, once the other
    graphs' counts are the build's. Returns the seconds writing the record took."""
    record = publication_graph(graph)
    old = [name for name in (previous.graphs if previous else ()) if name not in graphs]
    loader.clear([record], "Dropping the store's publication record")
    loader.clear([name for name in graphs if name != record] + old, "Dropping the old graphs")
    data = [(name, name, lines) for name, lines in graphs.items() if name != record]
    loader.load(data, advance)
    counted = loader.counts([name for name, _, _ in data])
    for name, _, lines in data:
        if counted[name] != len(set(lines)):
            raise PublishError(
                f"The store holds {counted[name]} triples in <{name}>, not the "
                f"{len(set(lines))} of the build. No publication record was written: the store "
                "publishes no version."
            )
    began = time.monotonic()
    loader.load([(record, record, graphs[record])], lambda count, _: advance(count, len(graphs)))
    return time.monotonic() - began


def _load_in_place(
    loader: Loader,
    graphs: dict[str, list[bytes]],
    graph: str,
    previous: Publication | None,
    advance: Callable[[int, int], None],
) -> float:
    """Load ``graphs`` into staging graphs, count them, and move them onto their names in one
    request (see the module). Returns the seconds the switch took."""
    staging = {name: _staging_name(graph, i) for i, name in enumerate(graphs)}
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
        [old for old in (previous.graphs if previous else ()) if old not in graphs],
    )
    return time.monotonic() - switching
