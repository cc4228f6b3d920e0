"""Publishing by bulk load: ``lisgraph store-image`` writes the build's store image, the store's
own bulk loader loads it into a **new** store (``oxigraph load``; Virtuoso's ``ld_dir`` and
``rdf_loader_run``, the file on the store's host), and that store then serves exactly the build:
the dumps mirrored from it are the build's, byte for byte, and its union graph has every triple.
No store that serves reads is written to (the old one keeps serving until the front-ends move)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.stores.oxigraph_server import OXIGRAPH, OxigraphReadOnly
from bench.stores.oxigraph_server import SKIP_REASON as OXIGRAPH_MISSING
from bench.stores.server import StoreServer
from bench.stores.virtuoso import SKIP_REASON as VIRTUOSO_MISSING
from bench.stores.virtuoso import VIRTUOSO, Virtuoso
from lisgraph.builder import BuildResult

from ..helpers import BASE, run_lisgraph

UNION = BASE + "graph/lisgraph"


def _serves_the_build(store: StoreServer, built: BuildResult, mirrors: Path) -> None:
    assert store.count(UNION) == built.triples
    mirrored = run_lisgraph("mirror", "--store", store.query_url, "--mirror-dir", str(mirrors))
    assert mirrored.returncode == 0, mirrored.stderr
    (directory,) = [p for p in mirrors.iterdir() if not p.name.startswith(".")]
    assert (directory / "SHA256SUMS").read_text() == (built.out_dir / "SHA256SUMS").read_text()


def test_oxigraph_load_then_serve_read_only(built: BuildResult, tmp_path: Path) -> None:
    if OXIGRAPH is None:
        pytest.skip(OXIGRAPH_MISSING)
    replica = tmp_path / "v1"
    done = run_lisgraph(
        "store-image", "--build", str(built.out_dir), "--image", str(tmp_path / "v1.nq"),
        "--oxigraph-location", str(replica / "data"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Loaded them into a new Oxigraph store" in done.stdout
    store = OxigraphReadOnly(replica).start()
    try:
        _serves_the_build(store, built, tmp_path / "mirrors")
    finally:
        store.stop()


def test_virtuoso_bulk_loader_on_the_same_host(built: BuildResult, tmp_path: Path) -> None:
    """The README's recipe: ``store-image --virtuoso-isql`` writes the image in a directory of
    the store's DirsAllowed and runs the store's bulk loader through isql; a second load into
    the same store, which now holds a version, is refused and changes nothing."""
    if VIRTUOSO is None:
        pytest.skip(VIRTUOSO_MISSING)
    store = Virtuoso(tmp_path / "virtuoso").start()  # its DirsAllowed is its own directory
    dba = {"LISGRAPH_STORE_USER": "dba", "LISGRAPH_STORE_PASSWORD": "dba"}
    try:
        image = store.dir / "lisgraph.nq"
        load = ("store-image", "--build", str(built.out_dir), "--image", str(image),
                "--virtuoso-isql", f"127.0.0.1:{store.sql_port}")  # fmt: skip
        done = run_lisgraph(*load, env=dba)
        assert done.returncode == 0, done.stderr
        assert "with its bulk loader" in done.stdout
        _serves_the_build(store, built, tmp_path / "mirrors")
        again = run_lisgraph(*load, env=dba)
        assert again.returncode == 2
        assert "already holds" in again.stderr and "never into one that serves" in again.stderr
        assert store.count(UNION) == built.triples
        wrong = run_lisgraph(*load, env={**dba, "LISGRAPH_STORE_PASSWORD": "wrong"})
        assert wrong.returncode == 2 and "Bad login" in wrong.stderr, wrong.stderr
    finally:
        store.stop()
