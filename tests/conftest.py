"""Shared fixtures: settings on a temporary output directory, and one build per session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from lisgraph import Settings, build
from lisgraph.build import BuildResult
from lisgraph.store.embedded import EmbeddedStore

from .virtuoso import PASSWORD as VIRTUOSO_PASSWORD
from .virtuoso import SKIP_REASON, VIRTUOSO, Virtuoso
from .virtuoso import USER as VIRTUOSO_USER

TESTS_DIR = Path(__file__).parent
SHAPES_DATA_DIR = TESTS_DIR / "shapes"
COMPETENCY_DIR = TESTS_DIR / "competency"
PROJECT_DIR = TESTS_DIR.parent
BASE = "https://w3id.org/lisgraph/"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Project settings with the default base and a private output directory."""
    return Settings.from_mapping(
        {"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(tmp_path_factory.mktemp("dist"))}
    )


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    """One real build of the project's data, shared by the tests that only read it."""
    return build(settings)


@pytest.fixture(scope="session")
def store(built: BuildResult) -> EmbeddedStore:
    """The embedded store loaded from the session's build."""
    return EmbeddedStore.from_build(built.out_dir)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    dist: Path, *extra: str, env: dict[str, str] | None = None, log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the real ``lisgraph serve`` on loopback and wait until it answers.

    Its output goes to a log file, never to an unread pipe: a full pipe would block the workers
    as soon as the access log filled it.
    """
    port = free_port()
    log = log or Path(os.environ.get("TMPDIR", "/tmp")) / f"lisgraph-serve-{port}.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lisgraph",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--out",
                str(dist),
                *extra,
            ],
            env={**os.environ, "LISGRAPH_PROJECT_DIR": str(PROJECT_DIR), **(env or {})},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"lisgraph serve exited with {process.returncode}:\n{log.read_text()[-4000:]}"
            )
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"lisgraph serve did not answer within 90 s:\n{log.read_text()[-4000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server (gunicorn, two workers) on 127.0.0.1, serving the session's build."""
    log = tmp_path_factory.mktemp("server") / "serve.log"
    process, url = start_server(built.out_dir, "--workers", "2", log=log)
    yield url
    stop_server(process)


def run_lisgraph(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the ``lisgraph`` command in a new process; return what it printed and its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "lisgraph", *args],
        env={**os.environ, "LISGRAPH_PROJECT_DIR": str(PROJECT_DIR), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso on loopback, its own database in a temporary directory."""
    if VIRTUOSO is None:
        pytest.skip(SKIP_REASON)
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


#: The credentials ``lisgraph publish`` reads, for the Virtuoso fixture's update user.
STORE_CREDENTIALS = {
    "LISGRAPH_STORE_USER": VIRTUOSO_USER,
    "LISGRAPH_STORE_PASSWORD": VIRTUOSO_PASSWORD,
    "LISGRAPH_STORE_AUTH": "digest",
}


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
        "--out",
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
