"""A real Oxigraph server (the PyPI package ``oxigraph``, its ``serve`` command) on loopback,
with its own data directory: the second, independent store of the remote-store tests.

It answers SPARQL queries at ``/query``, SPARQL Update at ``/update`` and the Graph Store
Protocol at ``/store``; it has no users or passwords (put a proxy in front to require them).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Self

from .server import StoreServer, free_port, post_update


def _oxigraph() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"  # installed in this virtual environment
    return str(beside) if beside.exists() else shutil.which("oxigraph")


OXIGRAPH = _oxigraph()
SKIP_REASON = "Oxigraph server is not installed: pip install oxigraph (the test extra has it)"


class OxigraphServer(StoreServer):
    """One ``oxigraph serve`` process over one data directory (restartable)."""

    name = "oxigraph"
    start_seconds = 30.0

    def __init__(self, directory: Path) -> None:
        assert OXIGRAPH, SKIP_REASON
        super().__init__(directory)
        self.port = free_port()

    def command(self) -> list[str]:
        assert OXIGRAPH
        location = str(self.dir / "data")
        return [OXIGRAPH, "serve", "--location", location, "--bind", f"127.0.0.1:{self.port}"]

    def first_start(self) -> bool:
        return not (self.dir / "data").exists()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def graph_store(self) -> str:
        return f"{self.url}/store"

    def publish_args(self, graph_store: str = "none") -> list[str]:
        args = ["--endpoint", self.query_url, "--update-endpoint", self.update_url]
        if graph_store == "explicit":
            return [*args, "--graph-store", self.graph_store]
        return [*args, "--graph-store", graph_store]

    def write(self, update: str) -> None:
        post_update(self.update_url, update)

    def start(self) -> Self:
        super().start()
        return self


class OxigraphReadOnly(OxigraphServer):
    """``oxigraph serve-read-only`` over a store already loaded in ``directory/data`` (by
    ``oxigraph load``, e.g. through ``lisgraph store-image --oxigraph-location``): a read
    replica. It takes no writes, so it has no update endpoint to publish to."""

    name = "oxigraph-read-only"

    def command(self) -> list[str]:
        assert OXIGRAPH
        location = str(self.dir / "data")
        return [
            OXIGRAPH,
            "serve-read-only",
            "--location",
            location,
            "--bind",
            f"127.0.0.1:{self.port}",
        ]

    def first_start(self) -> bool:
        return False

    def publish_args(self, graph_store: str = "none") -> list[str]:
        raise NotImplementedError("a read-only store is loaded offline, not published to")
