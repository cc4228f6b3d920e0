"""The LDES reference client (``ldes-client``, TREEcg / RDF-Connect) replicates the change feed
of a real server: from the root, in ascending time order, it emits every member once, and the
members it emits, applied in that order, give the current release's quads byte for byte as
sorted N-Quads.

The releases are those of :mod:`tests.event_stream` (13, 10 kept: the stream starts with a
snapshot). The client is installed by ``.ci/run`` into ``tests/clients/node_modules`` (pinned by
``tests/clients/package-lock.json``); it prints each member as N-Quads, members separated by an
empty line.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from ..event_stream import NQUADS, apply, member, root_node, write_feed
from ..helpers import PROJECT_DIR, start_server, stop_server

LDES_CLIENT = PROJECT_DIR / "tests" / "clients" / "node_modules" / ".bin" / "ldes-client"
#: The client prints an xsd:integer in Turtle's short form (``<s> <p> 3 <g> .``), which
#: N-Quads does not allow: such an object is written out in full before parsing.
_SHORT_INTEGER = re.compile(r"^(<[^>]*> <[^>]*> )([+-]?\d+)((?: <[^>]*>)? \.)$", re.MULTILINE)
_INTEGER = '"\\2"^^<http://www.w3.org/2001/XMLSchema#integer>'

pytestmark = pytest.mark.skipif(
    not LDES_CLIENT.is_file(),
    reason=f"ldes-client is not installed here ({LDES_CLIENT} is missing): .ci/run installs it "
    "with 'npm ci --prefix tests/clients'",
)


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    top = tmp_path_factory.mktemp("ldes-feed")
    dist = write_feed(top)
    process, url = start_server(dist, "--no-build", "--workers", "1", log=top / "serve.log")
    yield url, dist
    stop_server(process)


def test_the_ldes_client_replicates_the_current_release(
    feed_server: tuple[str, Path], tmp_path: Path
) -> None:
    url, dist = feed_server
    entry = url + "changes/"
    root = requests.get(entry, headers={"Accept": NQUADS}, timeout=30)
    root.raise_for_status()
    _, paths = root_node(list(ox.parse(root.content, format=ox.RdfFormat.N_QUADS)), entry)
    done = subprocess.run(
        [str(LDES_CLIENT), entry, "--ordered", "ascending"],
        capture_output=True,
        timeout=300,
        cwd=tmp_path,  # where it may keep state
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    blocks = [b for b in done.stdout.decode("utf-8").split("\n\n") if b.strip()]
    members = []
    for block in blocks:
        text = _SHORT_INTEGER.sub(r"\1" + _INTEGER + r"\3", block)
        quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        nodes = {
            q.subject
            for q in quads
            if q.predicate.value == paths.version_of and q.graph_name == ox.DefaultGraph()
        }
        assert len(nodes) == 1, block[:500]
        node = nodes.pop()
        assert isinstance(node, ox.NamedNode)
        members.append(member(quads, node, paths))
    times = [dt.datetime.fromisoformat(m.created) for m in members]
    assert times == sorted(times)  # emitted in ascending order
    assert len({(m.created, m.graph) for m in members}) == len(members)  # each once
    # the two graphs deleted in kept releases (the 7th and the 9th)
    assert sum(m.deleted for m in members) == 2
    assert apply(members) == (dist / "lisgraph.nq").read_bytes()
