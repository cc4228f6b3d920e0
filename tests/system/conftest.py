"""Fixtures of the system tests: the real server (gunicorn on loopback), a real Virtuoso, and
``lisgraph serve --store`` in front of it; and a store of a test's own for each test that
publishes (``own_store``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.stores.server import StoreFactory, StoreServer
from bench.stores.virtuoso import PASSWORD as VIRTUOSO_PASSWORD
from bench.stores.virtuoso import SKIP_REASON, VIRTUOSO, Virtuoso
from bench.stores.virtuoso import USER as VIRTUOSO_USER
from lisgraph.builder import BuildResult

from ..helpers import run_lisgraph, start_server, stop_server

#: The credentials ``lisgraph publish`` reads, for the Virtuoso fixture's update user.
STORE_CREDENTIALS = {
    "LISGRAPH_STORE_USER": VIRTUOSO_USER,
    "LISGRAPH_STORE_PASSWORD": VIRTUOSO_PASSWORD,
    "LISGRAPH_STORE_AUTH": "digest",
}


@pytest.fixture(scope="session")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server (gunicorn, two workers) on 127.0.0.1, serving the session's build."""
    log = tmp_path_factory.mktemp("server") / "serve.log"
    process, url = start_server(built.out_dir, "--workers", "2", "--no-build", log=log)
    yield url
    stop_server(process)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso on loopback, its own database in a temporary directory."""
    if VIRTUOSO is None:
        pytest.skip(SKIP_REASON)
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def remote_server(
    built: BuildResult, virtuoso: Virtuoso, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``lisgraph serve --store`` (two workers) over the session's build, published to Virtuoso
    with ``lisgraph publish``."""
    done = run_lisgraph(
        "publish",
        "--endpoint",
        virtuoso.sparql_auth,
        "--build",
        str(built.out_dir),
        env=STORE_CREDENTIALS,
    )
    assert done.returncode == 0, done.stderr
    directory = tmp_path_factory.mktemp("remote-server")
    process, url = start_server(
        built.out_dir,
        "--workers",
        "2",
        "--store",
        virtuoso.sparql,
        env={"LISGRAPH_MIRROR_DIR": str(directory / "mirror")},
        log=directory / "serve.log",
    )
    yield url
    stop_server(process)


@pytest.fixture
def own_store(new_store: StoreFactory, tmp_path: Path) -> Iterator[StoreServer]:
    """A new store (of the kind the module's ``new_store`` makes, with an empty database) that
    only this test uses, stopped after it. Every test that publishes writes to one of these, not
    to the shared ``virtuoso``: a store that gets stuck mid-publish (as the test Virtuoso did,
    about once in 5-10 full runs: ``bench/RESULTS.md``) fails that test only, not every later
    test of the session that reads the shared store."""
    store = new_store(tmp_path / "own-store").start()
    yield store
    store.kill()  # its database is thrown away: no clean shutdown to wait for, stuck or not
