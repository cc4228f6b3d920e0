"""The change feed's test data and consumer: thirteen releases of a small dataset, and an LDES
consumer that replicates the dataset from the feed.

The dataset has six source graphs and changes in every way a release can change one: statements
added and removed in one graph, only added or only removed in others, a graph deleted for good,
one deleted and later made again, one unchanged since the first release. The releases are
written by the build's own writer (as tests/test_releases.py does for what does not depend on
the whole project), ten kept: the first three are pruned, and the stream starts with the
snapshot of the fourth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from lisgraph.builder import OntologyVersion, write_build
from lisgraph.builder.releases import file_release, release_turn
from lisgraph.canonical import sorted_lines

from .helpers import BASE, InProcessHTTP

TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"
AS = "https://www.w3.org/ns/activitystreams#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NQUADS = "application/n-quads"
DAY = dt.date(2026, 12, 4)
RELEASES, KEEP = 13, 10
#: Media type -> the parser's format, for the formats the feed answers in.
FORMATS = {
    NQUADS: ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def _graph(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}graph/{name}")


def _thing(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/thing/{name}")


LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
VALUE = ox.NamedNode(f"{BASE}def/lis#value")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def state(step: int) -> list[ox.Quad]:
    """The dataset of release ``step`` (from 0)."""
    quads = [
        # "moving": one value replaced in every release (a statement removed, one added)
        ox.Quad(_thing("a"), LABEL, ox.Literal("Thing A", language="en"), _graph("moving")),
        ox.Quad(_thing("a"), VALUE, ox.Literal(str(step), datatype=INTEGER), _graph("moving")),
        # "constant": unchanged since the first release, which is pruned
        ox.Quad(
            _thing("d"),
            LABEL,
            ox.Literal('tab\there, "quoted", CR\r and LF\n, astral \U0001f600'),
            _graph("constant"),
        ),
        ox.Quad(_thing("d"), VALUE, _thing("a"), _graph("constant")),
    ]
    # "growing": one statement added each release, the one three releases old removed
    quads += [
        ox.Quad(_thing("b"), VALUE, ox.Literal(f"b{n}"), _graph("growing"))
        for n in range(max(0, step - 3), step + 1)
    ]
    # "vanishing": gone from release 7 to 9, then made again with other statements
    if step < 6:
        quads.append(ox.Quad(_thing("c"), LABEL, ox.Literal("C, first life"), _graph("vanishing")))
    elif step >= 9:
        quads.append(ox.Quad(_thing("c"), LABEL, ox.Literal("C, second life"), _graph("vanishing")))
    # "dropped": gone from release 9 on
    if step < 8:
        quads.append(
            ox.Quad(_thing("f"), LABEL, ox.Literal("F", language="en-GB"), _graph("dropped"))
        )
    # "late": first made by release 6 (only added to, never removed from)
    quads += [
        ox.Quad(_thing("e"), VALUE, ox.Literal(f"e{n}"), _graph("late")) for n in range(5, step + 1)
    ]
    return quads


def _release(root: Path, step: int) -> str:
    with release_turn(root, DAY) as turn:
        store = ox.Store()
        store.extend(state(step))
        out = root.parent / f"build-{turn.version}"
        out.mkdir()
        previous = turn.previous.version if turn.previous else None
        version = OntologyVersion(turn.version, previous)
        write_build(store, BASE, f"step-{step}", out, version=version)
        return file_release(out, root, BASE, dt.datetime.now(dt.UTC), turn, keep=KEEP).version


def write_feed(top: Path) -> Path:
    """Make the releases under ``top``; returns the dist directory (a link to the last
    release's build), whose releases are beside it in ``dist-releases``."""
    dist, root = top / "dist", top / "dist-releases"
    for step in range(RELEASES):
        version = _release(root, step)
    dist.symlink_to(top / f"build-{version}")
    return dist


@dataclass(frozen=True)
class Member:
    """What a consumer keeps of a member: when, the graph it is a version of, whether it deletes
    that graph, and its payload (the quads of the named graph that is the member's IRI)."""

    created: str
    graph: str
    deleted: bool
    payload: tuple[ox.Quad, ...]


def _one(quads: Iterable[ox.Quad], subject: object, predicate: str) -> Any:
    found = [q.object for q in quads if q.subject == subject and q.predicate.value == predicate]
    assert len(found) == 1, (subject, predicate, found)
    return found[0]


@dataclass(frozen=True)
class Paths:
    """The stream's ``ldes:timestampPath``, ``ldes:versionOfPath`` and delete object."""

    timestamp: str
    version_of: str
    delete: str


def root_node(quads: list[ox.Quad], url: str) -> tuple[ox.NamedNode | ox.BlankNode, Paths]:
    """The stream the root node at ``url`` is the view of (``?s tree:view <url>``, exactly
    once) and the paths it names."""
    views = [q for q in quads if q.predicate.value == TREE + "view"]
    assert [q.object for q in views] == [ox.NamedNode(url)], views
    stream = views[0].subject
    assert not isinstance(stream, ox.Triple)
    paths = Paths(
        _one(quads, stream, LDES + "timestampPath").value,
        _one(quads, stream, LDES + "versionOfPath").value,
        _one(quads, stream, LDES + "versionDeleteObject").value,
    )
    return stream, paths


def member(quads: list[ox.Quad], node: ox.NamedNode, paths: Paths) -> Member:
    """The member ``node`` of a page: its description (in the default graph) and payload."""
    described = [q for q in quads if q.subject == node and q.graph_name == ox.DefaultGraph()]
    return Member(
        created=_one(described, node, paths.timestamp).value,
        graph=_one(described, node, paths.version_of).value,
        deleted=any(
            q.predicate.value == RDF_TYPE and q.object == ox.NamedNode(paths.delete)
            for q in described
        ),
        payload=tuple(q for q in quads if q.graph_name == node),
    )


def apply(members: Iterable[Member]) -> bytes:
    """The replica the members give, applied in time order: an update replaces the graph it is
    a version of, a delete drops it. Returns it as sorted N-Quads."""
    replica: dict[str, list[ox.Quad]] = {}
    for found in sorted(members, key=lambda m: dt.datetime.fromisoformat(m.created)):
        if found.deleted:
            replica.pop(found.graph, None)
        else:
            graph = ox.NamedNode(found.graph)
            replica[found.graph] = [
                ox.Quad(q.subject, q.predicate, q.object, graph) for q in found.payload
            ]
    everything = [quad for quads in replica.values() for quad in quads]
    return sorted_lines(ox.serialize(everything, format=ox.RdfFormat.N_QUADS) or b"")


def replay(
    get: Callable[[str, str], tuple[int, bytes]], entry: str, accept: str = NQUADS
) -> tuple[bytes, list[str]]:
    """Replicate the stream at ``entry`` as the LDES specification tells a client to: find the
    stream by ``tree:view``, follow every ``tree:relation`` to its node, extract each member,
    then :func:`apply` them. ``get(url, accept)`` answers the status and body of a GET. Returns
    the replica as sorted N-Quads and the pages fetched, in order."""
    members: dict[str, Member] = {}
    queue, seen, pages = [entry], {entry}, []
    paths: Paths | None = None
    stream: ox.NamedNode | ox.BlankNode | None = None
    while queue:
        url = queue.pop(0)
        status, body = get(url, accept)
        assert status == 200, (url, status, body[:500])
        pages.append(url)
        quads = list(ox.parse(body, format=FORMATS[accept], base_iri=url))
        if paths is None:
            stream, paths = root_node(quads, entry)
        here = ox.NamedNode(url)
        for q in quads:
            if q.subject == here and q.predicate.value == TREE + "relation":
                node = _one(quads, q.object, TREE + "node").value
                if node not in seen:
                    seen.add(node)
                    queue.append(node)
        for q in quads:
            if q.subject == stream and q.predicate.value == TREE + "member":
                assert isinstance(q.object, ox.NamedNode)
                found = member(quads, q.object, paths)
                # a member met twice is the same member
                assert members.setdefault(q.object.value, found) == found
    return apply(members.values()), pages


def in_process(http: InProcessHTTP) -> Callable[[str, str], tuple[int, bytes]]:
    """:func:`replay`'s GET, through the in-process app."""

    def get(url: str, accept: str) -> tuple[int, bytes]:
        response = http.get(url, headers={"Accept": accept})
        return response.status_code, response.content

    return get
