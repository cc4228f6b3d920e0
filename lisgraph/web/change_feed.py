"""``/changes/``: the releases as a change feed, a Linked Data Event Stream (LDES) whose pages
follow the TREE hypermedia specification (https://w3id.org/ldes/specification).

**Members.** One member per release and source graph the release changed: a *version* of that
named graph (``dcterms:isVersionOf``, the stream's ``ldes:versionOfPath``) at the release's time
(``dcterms:created``, its ``ldes:timestampPath``). An ``as:Update`` member carries the graph's
whole new state as its payload, in the named graph that is the member's IRI (where the LDES
specification lets a consumer find it); an ``as:Delete`` member says the graph is gone. A
consumer replicates the dataset by replacing each graph with its latest version; the diff the
release computed (``changes/added.nq.gz``, ``removed.nq.gz``) decides which graphs have a member.

Why versions of graphs rather than the added and removed quads: (1) LDES names how to read
versions (``ldes:versionOfPath``, ``ldes:versionDeleteObject``) and has no term for "remove
these quads", so a generic LDES client can materialise versions, not apply diffs; (2) applying a
version twice, or an older one after a newer, cannot corrupt a replica that keeps the latest by
time, where a diff applied twice or out of order does; (3) releases are pruned (the last 10 are
kept), and a stream of diffs cannot start at a kept release, whereas a stream of versions can
begin with every graph's version at the oldest kept release: the *snapshot*. The cost is that a
changed graph is sent whole; the largest source graph holds under 2,600 statements.

**Pages** (``tree:Node``s), all but the root immutable: ``/changes/{version}/{n}`` the members
of the graphs release ``version`` changed, ``/changes/{version}/snapshot/{n}`` every graph's
version at that release, up to :data:`PAGE_QUADS` statements a page. Each is made from the
release's own files (its N-Quads dump, change counts and provenance), which never change, so a
page is the same bytes for as long as its release is kept: ``Cache-Control: public,
max-age=31536000, immutable``, ``ldes:immutable true``, and the ETag every response gets
(:mod:`.http_cache`). The root,
``/changes/``, describes the stream (paths, version semantics, retention policy: nothing before
the oldest kept release but its snapshot) and links, with ``tree:GreaterThanOrEqualToRelation``
and ``tree:LessThanRelation`` on ``dcterms:created``, to the snapshot of the oldest kept release
and then to each later release's pages; it changes with each release (the configured max-age).
In N-Quads and TriG each member's quads follow its ``tree:member`` quad, members in time order,
as the TREE profile asks. Quad formats only (N-Quads, TriG, JSON-LD): the payloads are named
graphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from ..artifact import NQUADS, PROVENANCE_FILE, Release
from ..canonical import line_graph
from ..errors import ReleaseError
from ..vocab import ACTIVITY, DCTERMS, LDES, PROV, RDF, TREE, VOID, XSD, prefixes
from .dataset import current_snapshot
from .documents import not_acceptable
from .negotiation import Format, by_key, negotiate
from .urls import CHANGE_FEED_PATH, public_root

__all__ = ["PAGE_MEMBERS", "PAGE_QUADS", "bp", "change_feed_url", "stream_iri"]

bp = Blueprint("change_feed", __name__)

#: Statements on one page, past which the next member starts a new page (a member is never
#: split: one larger than this has a page of its own), and members on one page at most.
PAGE_QUADS = 5000
PAGE_MEMBERS = 100
#: The statements describing a member besides its payload (tree:member, type, version of,
#: created, derived from, size).
_DESCRIPTION = 6
#: Pages never change while their release is kept.
IMMUTABLE = "public, max-age=31536000, immutable"
_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_QUAD_KEYS = frozenset(_FORMATS)


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


_TYPE = _n(RDF.type)
_CREATED = _n(DCTERMS.created)
_VERSION_OF = _n(DCTERMS.isVersionOf)
_MEMBER = _n(TREE.member)
_DATETIME = _n(XSD.dateTime)


def change_feed_url() -> str:
    """Where this server answers the change feed's root node."""
    return public_root() + CHANGE_FEED_PATH


def stream_iri() -> str:
    """The event stream's IRI: under the base IRI, the same wherever the server runs."""
    return current_snapshot().base + "changes#stream"


@dataclass(frozen=True)
class _Version:
    """A member: source graph ``graph`` as release ``version`` left it (None: deleted)."""

    version: str
    graph: str
    quads: tuple[ox.Quad, ...] | None


@lru_cache(maxsize=32)
def _released_at(provenance: Path, stamp: int) -> str:
    """When a release was made: its build's ``prov:endedAtTime`` (a release's date alone does
    not order two releases of one day). Raises ReleaseError when the file does not say."""
    for quad in ox.parse(path=provenance, format=ox.RdfFormat.TURTLE):
        if quad.predicate.value == str(PROV.endedAtTime):
            return str(quad.object.value)
    raise ReleaseError(f"{provenance} states no prov:endedAtTime: the release is incomplete.")


def _time(release: Release) -> str:
    path = release.path / PROVENANCE_FILE
    return _released_at(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _graphs(dump: Path, stamp: int) -> dict[str, tuple[ox.Quad, ...]]:
    """A release's statements by named graph (read once per file; two releases are kept in
    memory, a consumer reads the stream one release at a time)."""
    found: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=dump, format=ox.RdfFormat.N_QUADS):
        found.setdefault(str(quad.graph_name.value), []).append(quad)
    return {name: tuple(quads) for name, quads in sorted(found.items())}


@lru_cache(maxsize=32)
def _graph_sizes(dump: Path, stamp: int) -> dict[str, int]:
    """How many statements each named graph of a release holds: what the pages are cut by.
    Read from the sorted N-Quads line by line (a quarter of the time parsing takes), and kept
    per release, so that the root lays out every release's pages without their statements."""
    sizes: dict[str, int] = {}
    with dump.open("rb") as lines:
        for line in lines:
            if line.strip():
                graph = line_graph(line)
                sizes[graph] = sizes.get(graph, 0) + 1
    return sizes


def _dump(release: Release) -> tuple[Path, int]:
    dump = release.path / NQUADS
    return dump, dump.stat().st_mtime_ns


def _pages(release: Release, snapshot: bool) -> list[list[str]]:
    """The graphs each of a release's pages has a member for: every graph in the release
    (``snapshot``), or those its diff touched (``changes/changes.json``), in order, a page
    taking members until the next would bring it past :data:`PAGE_QUADS` statements (or
    :data:`PAGE_MEMBERS` members). Always at least one page."""
    sizes = _graph_sizes(*_dump(release))
    names = sorted(sizes) if snapshot else sorted(release.changes().get("by_graph", {}))
    pages: list[list[str]] = [[]]
    filled = 0
    for name in names:
        size = sizes.get(name, 0) + _DESCRIPTION
        if pages[-1] and (filled + size > PAGE_QUADS or len(pages[-1]) >= PAGE_MEMBERS):
            pages.append([])
            filled = 0
        pages[-1].append(name)
        filled += size
    return pages


def _member_iri(base: str, version: _Version) -> str:
    tail = version.graph[len(base) :] if version.graph.startswith(base) else version.graph
    return f"{base}id/release/{version.version}/state/{quote(tail, safe='/')}"


def _page_url(version: str, snapshot: bool, number: int) -> str:
    return f"{change_feed_url()}{version}/{'snapshot/' if snapshot else ''}{number}"


def _release(version: str) -> Release:
    for release in current_snapshot().releases():
        if release.version == version:
            return release
    abort(404)


def _format() -> Format | Response:
    """The quad format asked for, or the 406 to answer."""
    requested = request.args.getlist("format")
    fmt = negotiate(
        request.headers.get("Accept", ""), requested, "rdf", "trig", html=False, only=_QUAD_KEYS
    )
    if fmt is None:
        offered = [f for f in (by_key(k) for k in _FORMATS) if f is not None]
        return not_acceptable("The change feed (its payloads are named graphs)", offered, requested)
    return fmt


def _answer(quads: Sequence[ox.Quad], fmt: Format, immutable: bool) -> Response:
    chosen = prefixes(current_snapshot().base)
    chosen.update({"ldes": str(LDES), "tree": str(TREE), "as": str(ACTIVITY)})
    body = ox.serialize(quads, format=_FORMATS[fmt.key], prefixes=chosen) or b""
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    if immutable:
        response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.route("/" + CHANGE_FEED_PATH)
def root() -> Response:
    fmt = _format()
    if isinstance(fmt, Response):
        return fmt
    releases = current_snapshot().releases()
    if not releases:
        return Response(
            "No release has been made, and the change feed starts with the first release "
            "('lisgraph release'); the dumps are at /downloads/.\n",
            status=404,
            mimetype="text/plain",
        )
    return _answer(_root_quads(releases), fmt, immutable=False)


def _root_quads(releases: list[Release]) -> list[ox.Quad]:
    base, here = current_snapshot().base, ox.NamedNode(change_feed_url())
    stream = ox.NamedNode(stream_iri())
    policy = ox.BlankNode("retention")
    oldest = _time(releases[0])
    quads = [
        ox.Quad(stream, _TYPE, _n(LDES.EventStream)),
        ox.Quad(stream, _n(TREE.view), here),
        ox.Quad(
            stream, _n(DCTERMS.title), ox.Literal("lisgraph: the releases' changes", language="en")
        ),
        ox.Quad(stream, _n(DCTERMS.source), ox.NamedNode(base + "catalog#dataset")),
        ox.Quad(stream, _n(LDES.timestampPath), _CREATED),
        ox.Quad(stream, _n(LDES.versionTimestampPath), _CREATED),
        ox.Quad(stream, _n(LDES.versionOfPath), _VERSION_OF),
        ox.Quad(stream, _n(LDES.versionUpdatePath), _TYPE),
        ox.Quad(stream, _n(LDES.versionUpdateObject), _n(ACTIVITY.Update)),
        ox.Quad(stream, _n(LDES.versionDeletePath), _TYPE),
        ox.Quad(stream, _n(LDES.versionDeleteObject), _n(ACTIVITY.Delete)),
        ox.Quad(here, _TYPE, _n(TREE.Node)),
        # Nothing before the oldest kept release but its snapshot, every graph's version then.
        ox.Quad(here, _n(LDES.retentionPolicy), policy),
        ox.Quad(policy, _TYPE, _n(LDES.RetentionPolicy)),
        ox.Quad(policy, _n(LDES.startingFrom), ox.Literal(oldest, datatype=_DATETIME)),
    ]
    times = [_time(release) for release in releases]
    for index, release in enumerate(releases):
        snapshot = index == 0
        count = len(_pages(release, snapshot))
        upper = times[index + 1] if index + 1 < len(times) else None
        for number in range(1, count + 1):
            node = ox.NamedNode(_page_url(release.version, snapshot, number))
            # Labels made from the page, so that the root is the same bytes (and ETag) until
            # the next release.
            label = f"{release.version}-{'snapshot-' if snapshot else ''}{number}"
            quads += _relation(
                here, node, "from-" + label, TREE.GreaterThanOrEqualToRelation, times[index]
            )
            if upper is not None:
                quads += _relation(here, node, "to-" + label, TREE.LessThanRelation, upper)
    return quads


def _relation(
    here: ox.NamedNode, node: ox.NamedNode, label: str, kind: object, when: str
) -> list[ox.Quad]:
    relation = ox.BlankNode(label.replace(".", "_"))
    return [
        ox.Quad(here, _n(TREE.relation), relation),
        ox.Quad(relation, _TYPE, _n(kind)),
        ox.Quad(relation, _n(TREE.node), node),
        ox.Quad(relation, _n(TREE.path), _CREATED),
        ox.Quad(relation, _n(TREE.value), ox.Literal(when, datatype=_DATETIME)),
    ]


@bp.route(f"/{CHANGE_FEED_PATH}<version>/<int:number>")
def changes_page(version: str, number: int) -> Response:
    return _page(version, False, number)


@bp.route(f"/{CHANGE_FEED_PATH}<version>/snapshot/<int:number>")
def snapshot_page(version: str, number: int) -> Response:
    return _page(version, True, number)


def _page(version: str, snapshot: bool, number: int) -> Response:
    fmt = _format()
    if isinstance(fmt, Response):
        return fmt
    release = _release(version)
    pages = _pages(release, snapshot)
    if not 1 <= number <= len(pages):
        abort(404)
    graphs = _graphs(*_dump(release))
    chosen = [_Version(version, name, graphs.get(name)) for name in pages[number - 1]]
    base, when = current_snapshot().base, _time(release)
    here = ox.NamedNode(_page_url(version, snapshot, number))
    stream = ox.NamedNode(stream_iri())
    quads = [
        ox.Quad(here, _TYPE, _n(TREE.Node)),
        ox.Quad(here, _n(LDES.immutable), ox.Literal("true", datatype=_n(XSD.boolean))),
        ox.Quad(here, _n(DCTERMS.isPartOf), stream),
    ]
    for member in chosen:
        quads += _member_quads(stream, ox.NamedNode(_member_iri(base, member)), member, when)
    return _answer(quads, fmt, immutable=True)


def _member_quads(
    stream: ox.NamedNode, node: ox.NamedNode, member: _Version, when: str
) -> list[ox.Quad]:
    """A member: its ``tree:member`` quad, its description, then its payload (the graph's
    statements, in the named graph ``node``)."""
    kind = ACTIVITY.Delete if member.quads is None else ACTIVITY.Update
    quads = [
        ox.Quad(stream, _MEMBER, node),
        ox.Quad(node, _TYPE, _n(kind)),
        ox.Quad(node, _VERSION_OF, ox.NamedNode(member.graph)),
        ox.Quad(node, _CREATED, ox.Literal(when, datatype=_DATETIME)),
        ox.Quad(
            node,
            _n(PROV.wasDerivedFrom),
            ox.NamedNode(f"{current_snapshot().base}id/release/{member.version}"),
        ),
    ]
    if member.quads is not None:
        count = ox.Literal(str(len(member.quads)), datatype=_n(XSD.integer))
        quads.append(ox.Quad(node, _n(VOID.triples), count))
        quads += [ox.Quad(q.subject, q.predicate, q.object, node) for q in member.quads]
    return quads
