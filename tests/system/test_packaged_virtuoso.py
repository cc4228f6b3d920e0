"""Virtuoso as it comes from Debian: its packaged ``virtuoso.ini`` with only the ports (on
127.0.0.1) and directories changed, ``SPARQL_UPDATE`` granted to the anonymous user, and the
update user behind digest authentication. ``lisgraph publish`` works with default settings,
through ``/sparql`` and through ``/sparql-auth``, by the Graph Store Protocol it finds and by
SPARQL Update (whose batches the packaged settings refuse at 2,000 triples: error SP031), and
the dumps mirrored from it are the build's, byte for byte.

Each test that publishes starts a packaged Virtuoso of its own (``packaged``), so that one store
stuck mid-publish fails one test. (The rest of the comparison runs on lisgraph's own ini,
``test_remote.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.stores.virtuoso import PACKAGED_INI, SKIP_REASON, VIRTUOSO, Virtuoso, packaged_ini
from lisgraph.builder import BuildResult

from ..helpers import BASE, run_lisgraph


@pytest.fixture
def packaged(tmp_path: Path) -> Iterator[Virtuoso]:
    """A packaged Virtuoso, with an empty database, for this test only."""
    if VIRTUOSO is None or not PACKAGED_INI.exists():
        pytest.skip(SKIP_REASON)
    server = Virtuoso(tmp_path / "virtuoso-packaged", packaged=True).start()
    yield server
    server.kill()  # its database is thrown away: no clean shutdown to wait for, stuck or not


def test_only_ports_and_directories_differ_from_the_packaged_ini(tmp_path: Path) -> None:
    if not PACKAGED_INI.exists():
        pytest.skip(SKIP_REASON)
    original = PACKAGED_INI.read_text().splitlines()
    changed = packaged_ini(PACKAGED_INI.read_text(), tmp_path, 11111, 18890).splitlines()
    assert len(original) == len(changed)
    differ = [(a, b) for a, b in zip(original, changed, strict=True) if a != b]
    assert differ, "the ports are changed"
    for before, after in differ:
        name = before.split("=")[0].strip()
        assert name == after.split("=")[0].strip()
        assert name in {"ServerPort", "DefaultHost"} or str(tmp_path) in after, after


@pytest.mark.parametrize("graph_store", ["auto", "none"])
@pytest.mark.parametrize("who", ["anonymous", "digest"])
def test_publish_with_default_settings(
    packaged: Virtuoso, built: BuildResult, who: str, graph_store: str
) -> None:
    """The issue's command, as a new user types it (plus the method, to try both)."""
    url = packaged.sparql if who == "anonymous" else packaged.sparql_auth
    graph = f"urn:g-{who}-{graph_store}"
    done = run_lisgraph(
        "publish", "--endpoint", url, "--update-endpoint", url, "--graph", graph,
        "--graph-store", graph_store, "--build", str(built.out_dir),
        env=packaged.env if who == "digest" else {},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + packaged.log()
    assert packaged.count(graph) == built.triples
    if graph_store == "auto":
        crud = f"{packaged.url}/sparql-graph-crud{'-auth' if who == 'digest' else ''}"
        assert f"by Graph Store Protocol at {crud} " in done.stdout
    else:
        assert "The store refused 2,000 triples in one request (Virtuoso 37000 Error SP031" in (
            done.stdout
        )
        assert "1,000 per batch" in done.stdout


def test_mirror_makes_the_same_dumps(
    packaged: Virtuoso, built: BuildResult, tmp_path: Path
) -> None:
    graph = BASE + "graph/lisgraph"
    mirrors = tmp_path / "mirrors"
    done = run_lisgraph("publish", "--endpoint", packaged.sparql, "--build", str(built.out_dir))
    assert done.returncode == 0, done.stderr + packaged.log()
    mirrored = run_lisgraph(
        "mirror", "--store", packaged.sparql, "--graph", graph, "--mirror-dir", str(mirrors)
    )
    assert mirrored.returncode == 0, mirrored.stderr
    (directory,) = [p for p in mirrors.iterdir() if not p.name.startswith(".")]
    assert (directory / "SHA256SUMS").read_text() == (built.out_dir / "SHA256SUMS").read_text()
