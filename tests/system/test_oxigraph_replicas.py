"""Read replicas: one front-end (two workers) over two Oxigraph read-only servers
(``oxigraph serve-read-only``) of one store image loaded offline (``lisgraph store-image``),
named by one store pointer (one URL a line), every query sent to the next replica.

No test body is written here (as in ``test_oxigraph_store.py``): this module gives the fixtures
``remote_server`` and ``endpoint`` as that front-end, and collects again the tests of
``test_remote.py`` that only read through ``remote_server`` (every competency answer, the dumps'
checksums, the pages, the refusals: equal to the embedded store's) and the protocol tests of
``test_sparql_protocol.py``. Moving replicas to a new version under readers is in
``test_store_switch.py``; the spreading and the passing over of a replica that cannot be
reached, in ``tests/test_store_replicas.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bench.stores.oxigraph_server import OXIGRAPH, SKIP_REASON, OxigraphReadOnly
from lisgraph.builder import BuildResult

from ..helpers import run_lisgraph, start_server, stop_server
from . import test_remote as remote_tests
from . import test_sparql_protocol as protocol_tests


def replicas_of(build: Path, directory: Path, count: int = 2) -> list[OxigraphReadOnly]:
    """``count`` read-only Oxigraph servers over one store loaded offline from ``build``'s
    store image (each in a directory of its own whose ``data`` is that store)."""
    done = run_lisgraph(
        "store-image", "--build", str(build), "--image", str(directory / "image.nq"),
        "--oxigraph-location", str(directory / "data"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    servers = []
    for n in range(count):
        own = directory / f"replica-{n}"
        own.mkdir()
        (own / "data").symlink_to(directory / "data")
        servers.append(OxigraphReadOnly(own).start())
    return servers


def point(pointer: Path, urls: list[str]) -> None:
    """Point the front-ends at these replicas: one atomic rename."""
    fresh = pointer.with_suffix(".new")
    fresh.write_text("".join(url + "\n" for url in urls))
    fresh.replace(pointer)


@pytest.fixture(scope="module")
def replicas(
    built: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[OxigraphReadOnly]]:
    if OXIGRAPH is None:
        pytest.skip(SKIP_REASON)
    servers = replicas_of(built.out_dir, tmp_path_factory.mktemp("replicas"))
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def remote_server(
    built: BuildResult,
    replicas: list[OxigraphReadOnly],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """``lisgraph serve --store @FILE`` (two workers), the file naming both replicas."""
    directory = tmp_path_factory.mktemp("replica-front-end")
    pointer = directory / "store-url"
    point(pointer, [server.query_url for server in replicas])
    process, url = start_server(
        built.out_dir, "--workers", "2", "--store", f"@{pointer}",
        env={"LISGRAPH_MIRROR_DIR": str(directory / "mirror")}, log=directory / "serve.log",
    )  # fmt: skip
    yield url
    stop_server(process)


@pytest.fixture
def endpoint(remote_server: str) -> str:
    """The protocol tests' server: the replicas behind ``lisgraph serve --store @FILE``."""
    return remote_server


def _tests_taking_only(module: ModuleType, fixture: str, unwanted: set[str]) -> dict[str, Any]:
    """The tests of ``module`` that ask for ``fixture`` and none of ``unwanted``."""
    found = {
        name: test
        for name, test in vars(module).items()
        if name.startswith("test_")
        and inspect.isfunction(test)
        and fixture in (asked := set(inspect.signature(test).parameters))
        and not asked & unwanted
    }
    assert found, f"{module.__name__} has tests that take {fixture}"
    return found


# Replicas are read-only: the tests that write to the store (remote_store, own_store) stay out.
_WRITERS = {"remote_store", "new_store", "own_store"}
_REMOTE = _tests_taking_only(remote_tests, "remote_server", _WRITERS)
_PROTOCOL = _tests_taking_only(protocol_tests, "endpoint", _WRITERS)
assert not _REMOTE.keys() & _PROTOCOL.keys(), "test names are unique"
globals().update({**_REMOTE, **_PROTOCOL})


def test_this_module_runs_the_shared_tests() -> None:
    """The competency answers, dumps, pages and refusals, and the protocol tests, are here."""
    assert "test_competency_answers_match_the_embedded_store" in _REMOTE
    assert "test_dumps_are_the_same_bytes" in _REMOTE
    assert len(_PROTOCOL) >= 10
