"""A build directory made from what a remote store publishes (``lisgraph mirror``).

Front-ends serving a remote store offer the same dumps and VoID counts as the embedded store.
They are made from the store's own graphs, once per published build, into
``MIRROR_DIR/DIGEST`` (:func:`lisgraph.artifact.mirror_dir`), by a command (``lisgraph mirror``,
which ``lisgraph serve --store`` runs before it starts), never inside a visitor's request. Every
front-end that mirrors one store writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..artifact import BuildDir, mirror_dir
from ..builder import write_build
from ..errors import StoreError
from ..sparql_text import iri
from ..store.connector import Endpoint
from ..store.publication import read_publication
from ..store.remote import RemoteStore

__all__ = ["PAGE_ROWS", "mirror", "mirror_publication"]


#: Rows asked for at a time when copying a graph out of the store (Virtuoso's default cap).
PAGE_ROWS = 10_000


def mirror(endpoint: Endpoint, graph: str, base: str, root: Path) -> Path:
    """Mirror the build the store at ``endpoint`` publishes in ``graph``: its dumps and
    build.json in ``root/DIGEST``, made once per build. Returns that directory.

    Raises BuildNotFoundError when nothing is published there, StoreError when the store fails.
    """
    return mirror_publication(RemoteStore(endpoint, read_publication(endpoint, graph)), base, root)


def _copy_graph(store: RemoteStore, graph: str, into: ox.Store) -> None:
    """Add every triple of the store's ``graph`` to ``into``, in pages, and check the count."""
    count_rows = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}",
        named_graphs=[graph],
    ).rows()
    expected = int(count_rows[0]["n"].value) if count_rows else 0
    name = ox.NamedNode(graph)
    copied = 0
    for offset in range(0, expected, PAGE_ROWS):
        page = store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }} "
            f"ORDER BY ?s ?p ?o LIMIT {PAGE_ROWS} OFFSET {offset}",
            named_graphs=[graph],
        ).raw
        assert isinstance(page, ox.QuerySolutions)
        for row in page:
            into.add(ox.Quad(row["s"], row["p"], row["o"], name))
            copied += 1
    if copied != expected:
        raise StoreError(f"Copied {copied} triples of <{graph}> from the store, not {expected}.")


def mirror_publication(store: RemoteStore, base: str, root: Path) -> Path:
    """The dumps and build.json of what ``store`` publishes, made from its graphs (once per
    build, in ``root/DIGEST``). Returns that directory."""
    digest = store.publication.digest
    target = mirror_dir(root, digest)
    if BuildDir(target).is_complete():
        return target
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    local = ox.Store()
    for graph in store.publication.graphs:
        _copy_graph(store, graph, local)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=root))
    try:
        built = store.publication.built
        write_build(
            local, base, digest, staging, built=dt.datetime.fromisoformat(built) if built else None
        )
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not BuildDir(target).is_complete():  # not another worker's copy: a real failure
            raise
    # Keep the two newest builds; staging directories (".…") may be another worker's, in progress.
    finished = [p for p in root.iterdir() if not p.name.startswith(".")]
    for old in sorted(finished, key=lambda p: p.stat().st_mtime_ns)[:-2]:
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return target
