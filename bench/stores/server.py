"""What the benchmarks and the remote-store tests need of a SPARQL store server they start:
where it answers, how ``lisgraph publish`` reaches it, and a way to kill it. Virtuoso
(``virtuoso.py``) and Oxigraph server (``oxigraph_server.py``) both answer this, so one
comparison suite runs on both.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the benchmarks and the tests
    all take theirs from here)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process_group(process: subprocess.Popen[Any], grace: float = 20) -> None:
    """Stop a server started in its own session (``start_new_session=True``): SIGTERM to its
    whole process group, SIGKILL if it has not exited within ``grace`` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class StoreServer:
    """One store server process over one data directory, on loopback (restartable).

    Subclasses say how to start it (``command``), where it answers and how to publish to it.
    """

    #: Name in test ids and messages.
    name = "store"
    #: Whether the store checks credentials (Oxigraph server has none).
    has_credentials = False
    #: How long start() waits for the first answer.
    start_seconds = 60.0

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None

    # --- what subclasses say -----------------------------------------------------------------

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def query_url(self) -> str:
        """The read-only SPARQL endpoint (what ``lisgraph serve --store`` is given)."""
        raise NotImplementedError

    @property
    def env(self) -> dict[str, str]:
        """The LISGRAPH_STORE_* credentials ``lisgraph publish`` needs (none by default)."""
        return {}

    def publish_args(self, graph_store: str = "none") -> list[str]:
        """``lisgraph publish`` options that reach this store: by SPARQL Update only
        (``graph_store="none"``), through its Graph Store Protocol endpoint (``"explicit"``),
        or as lisgraph finds it (``"auto"``)."""
        raise NotImplementedError

    def after_first_start(self) -> None:
        """Set the new database up (users, grants)."""

    def write(self, update: str) -> None:
        """Run a SPARQL Update directly, with the rights to write."""
        raise NotImplementedError

    def lock_files(self) -> list[Path]:
        return []

    def first_start(self) -> bool:
        raise NotImplementedError

    # --- shared ------------------------------------------------------------------------------

    def start(self) -> StoreServer:
        """Start the server and wait until it answers SPARQL."""
        first = self.first_start()
        with (self.dir / "stdout.log").open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log()}")
            try:
                if requests.get(self.query_url, params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} did not answer within {self.start_seconds:g} s:\n{self.log()}"
                )
            time.sleep(0.3)
        if first:
            self.after_first_start()
        return self

    def kill(self) -> None:
        """Stop the server at once, as a crash would (SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None
        for path in self.lock_files():
            path.unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def select(self, query: str) -> list[list[str]]:
        """Rows of a SELECT asked directly of the store (CSV, header first)."""
        response = requests.post(
            self.query_url, data={"query": query}, headers={"Accept": "text/csv"}, timeout=60
        )
        response.raise_for_status()
        return [line.split(",") for line in response.text.splitlines()]

    def count(self, graph: str) -> int:
        """Triples in ``graph``, asked directly of the store."""
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[1][0])

    def log(self) -> str:
        path = self.dir / "stdout.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"


def post_update(url: str, update: str, **kwargs: Any) -> None:
    """POST one SPARQL Update (form-encoded) and fail loudly when it is refused."""
    response = requests.post(url, data={"update": update}, timeout=60, **kwargs)
    assert response.ok, f"{response.status_code}: {response.text[:500]}"


#: How the tests make a new, empty store of one kind in a directory.
StoreFactory = Callable[[Path], StoreServer]
#: Credentials passed to ``lisgraph`` in the environment.
Credentials = Mapping[str, str]
