"""Shared fixtures: one build per session, the app in-process, and a clean environment.

- ``settings``, ``built``, ``store``: the project's data built once into a temporary directory;
- ``shapes``: the project's shapes, read once; ``dump_graphs``: the build's dumps, parsed once;
- ``app``, ``client``, ``http``: the web app made by ``create_app`` over that build, its Flask test
  client, and ``requests``-style calls through it (no server, no sockets);
- ``cli``: ``lisgraph`` run in this process (``main(argv)``), returning its exit code and output.

Tests under ``tests/system/`` start real servers and stores, or run pySHACL (the reference
validator) over every example and the whole dataset; they are marked ``system``, so
``pytest -m "not system"`` is the fast lane (about 55 s on 2 cores; ``tests/README.md``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph

from lisgraph import Settings, build_project
from lisgraph.builder import BuildResult
from lisgraph.cli import main
from lisgraph.shacl import load_shapes
from lisgraph.store.embedded import EmbeddedStore
from lisgraph.web import create_app

from .helpers import LOCAL, PROJECT_DIR, RDFLIB_FORMATS, InProcessHTTP

SYSTEM_DIR = Path(__file__).parent / "system"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SYSTEM_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.system)


@pytest.fixture(autouse=True)
def _no_lisgraph_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without the caller's LISGRAPH_* settings (as Flask's and httpx's own
    test suites reset the environment): a developer's shell must not change a result."""
    for name in list(os.environ):
        if name.startswith("LISGRAPH_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Project settings with the default base and a private output directory."""
    return Settings.from_mapping(
        {"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(tmp_path_factory.mktemp("dist"))}
    )


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    """One real build of the project's data, shared by the tests that only read it."""
    return build_project(settings)


@pytest.fixture(scope="session")
def shapes(settings: Settings) -> Graph:
    """The project's shapes, read once (tests that add a shape add it to a copy)."""
    return load_shapes(settings.shapes_dir, settings.base)


@pytest.fixture(scope="session")
def dump_graphs(built: BuildResult) -> dict[str, Graph]:
    """Each triple dump of the session's build, parsed by rdflib once (seconds each time)."""
    return {
        name: Graph().parse(data=(built.out_dir / name).read_bytes(), format=fmt)
        for name, fmt in RDFLIB_FORMATS.items()
    }


@pytest.fixture(scope="session")
def store(built: BuildResult) -> EmbeddedStore:
    """The embedded store loaded from the session's build."""
    return EmbeddedStore.from_build(built.out_dir)


@pytest.fixture(scope="session")
def app(built: BuildResult) -> Flask:
    """The web app over the session's build, made in this process by ``create_app``."""
    app = create_app({"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(built.out_dir)})
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="session")
def server() -> str:
    """Where the in-process app answers (the system tests' ``server`` is a real one)."""
    return LOCAL


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def http(client: FlaskClient) -> InProcessHTTP:
    """``requests``-style GET/HEAD/POST to the in-process app, at http://localhost/."""
    return InProcessHTTP(client)


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[object]:
    """Run ``lisgraph ARGS...`` in this process; returns its exit code and what it printed."""

    def run(*args: str) -> CliResult:
        code = main(list(args))
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    yield run
