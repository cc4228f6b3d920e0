"""The same comparison as with Virtuoso, with a second, independent store: Oxigraph server
(``oxigraph serve``, its own data directory, on loopback).

No test body is written here. This module gives the fixtures that the tests of
``test_remote.py`` and ``test_sparql_protocol.py`` ask for (``remote_store``, ``remote_server``,
``new_store``, and so ``own_store``, ``endpoint``) as Oxigraph, and collects those tests
again: every competency answer and the dumps' checksums identical to the embedded store's, the
protocol tests through ``lisgraph serve --store``, publishing by SPARQL Update and by the Graph
Store Protocol (each into an Oxigraph server of its own), and the failures (dies mid-publish;
Oxigraph server has no credentials to get wrong).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bench.stores.oxigraph_server import OXIGRAPH, SKIP_REASON, OxigraphServer
from bench.stores.server import StoreFactory
from lisgraph.builder import BuildResult

from ..helpers import run_lisgraph, start_server, stop_server
from . import test_remote as remote_tests
from . import test_sparql_protocol as protocol_tests


@pytest.fixture(scope="module")
def remote_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """Oxigraph server on loopback, its own data directory in a temporary directory."""
    if OXIGRAPH is None:
        pytest.skip(SKIP_REASON)
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def new_store() -> StoreFactory:
    """How ``own_store`` makes a store for each test that publishes."""
    if OXIGRAPH is None:
        pytest.skip(SKIP_REASON)
    return OxigraphServer


@pytest.fixture(scope="module")
def remote_server(
    built: BuildResult, remote_store: OxigraphServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``lisgraph serve --store`` (two workers) over the session's build, published to Oxigraph
    server with ``lisgraph publish`` and its default settings."""
    done = run_lisgraph(
        "publish", *remote_store.publish_args("auto"), "--build", str(built.out_dir)
    )
    assert done.returncode == 0, done.stderr
    directory = tmp_path_factory.mktemp("oxigraph-front-end")
    process, url = start_server(
        built.out_dir, "--workers", "2", "--store", remote_store.query_url,
        env={"LISGRAPH_MIRROR_DIR": str(directory / "mirror")}, log=directory / "serve.log",
    )  # fmt: skip
    yield url
    stop_server(process)


@pytest.fixture
def endpoint(remote_server: str) -> str:
    """The protocol tests' server: Oxigraph behind ``lisgraph serve --store``."""
    return remote_server


def _tests_taking(module: ModuleType, fixtures: set[str]) -> dict[str, Any]:
    """The tests of ``module`` that ask for any of ``fixtures`` (the others need no store)."""
    found = {
        name: test
        for name, test in vars(module).items()
        if name.startswith("test_")
        and inspect.isfunction(test)
        and fixtures & set(inspect.signature(test).parameters)
    }
    assert found, f"{module.__name__} has tests that take {fixtures}"
    return found


_REMOTE = _tests_taking(remote_tests, {"remote_store", "remote_server", "new_store", "own_store"})
_PROTOCOL = _tests_taking(protocol_tests, {"endpoint"})
assert not _REMOTE.keys() & _PROTOCOL.keys(), "test names are unique"
globals().update({**_REMOTE, **_PROTOCOL})


def test_this_module_runs_the_shared_tests() -> None:
    """The tests collected here are the shared ones (a rename there must not drop them here)."""
    assert len(_REMOTE) >= 8 and len(_PROTOCOL) >= 10
    assert Path(remote_tests.__file__).name == "test_remote.py"
