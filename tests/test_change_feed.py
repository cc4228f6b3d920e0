"""The change feed (``/changes/``, a Linked Data Event Stream): a consumer that replicates it from
its root, following the TREE relations, ends with the current release's quads, byte for byte as
sorted N-Quads; its pages are immutable and cached as such; the catalogue and VoID link it.

The releases are those of :mod:`tests.event_stream` (13 of a small dataset changing in every way
a release can, 10 kept). The replay with the whole project's data, ontology graphs included, is
in tests/test_releases.py (``test_the_change_feed_replays_to_the_release``); the replay by the
LDES reference client in tests/system/test_ldes_client.py.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from lisgraph.artifact import list_releases
from lisgraph.web import change_feed, create_app

from .event_stream import AS, KEEP, LDES, NQUADS, TREE, in_process, replay, write_feed
from .helpers import BASE, LOCAL, InProcessHTTP


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dist directory with 13 releases beside it, 10 kept (:mod:`tests.event_stream`)."""
    return write_feed(tmp_path_factory.mktemp("feed"))


@pytest.fixture()
def http(feed: Path) -> Iterator[InProcessHTTP]:
    app = create_app({"DIST_DIR": str(feed)})
    yield InProcessHTTP(app.test_client())


def _current(feed: Path) -> bytes:
    return (feed / "lisgraph.nq").read_bytes()


def test_a_consumer_replaying_the_feed_ends_with_the_current_release(
    feed: Path, http: InProcessHTTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases = list_releases(feed.parent / "dist-releases")
    assert len(releases) == KEEP and releases[0].version == "2026.12.04.4"  # 3 pruned
    current = _current(feed)
    assert current == (releases[-1].path / "lisgraph.nq").read_bytes()
    assert b"C, second life" in current and b"\\r" in current  # what the replay must carry
    assert b"graph/dropped" not in current and b"graph/constant" in current
    # pages of 8 statements at most (a member's description is 6), so that the snapshot and
    # the releases' changes span several pages
    monkeypatch.setattr(change_feed, "PAGE_QUADS", 8)
    for accept in (NQUADS, "application/trig", "application/ld+json"):
        replica, pages = replay(in_process(http), LOCAL + "changes/", accept)
        assert replica == current, accept
        assert LOCAL + "changes/2026.12.04.4/snapshot/2" in pages  # 4 graphs then, 2 a page
        assert LOCAL + "changes/2026.12.04.4/1" not in pages  # the snapshot stands for it
        assert LOCAL + "changes/2026.12.04.13/1" in pages


def test_the_members_are_the_releases_changes(feed: Path, http: InProcessHTTP) -> None:
    """Each release's pages hold a member for each graph its diff touched, and none other; the
    graph deleted in the 7th release has an as:Delete member there."""
    for release in list_releases(feed.parent / "dist-releases")[1:]:
        page = http.get(LOCAL + f"changes/{release.version}/1", headers={"Accept": NQUADS})
        quads = list(ox.parse(page.content, format=ox.RdfFormat.N_QUADS))
        versions = {q.object.value for q in quads if q.predicate.value == str(DCTERMS.isVersionOf)}
        added = gzip.decompress((release.path / "changes" / "added.nq.gz").read_bytes())
        removed = gzip.decompress((release.path / "changes" / "removed.nq.gz").read_bytes())
        touched = {
            line.rsplit(b" ", 2)[-2].decode()[1:-1] for line in (added + removed).splitlines()
        }
        assert versions == touched, release.version
        deleted = {
            value.object.value
            for q in quads
            if q.object.value == AS + "Delete"
            for value in quads
            if value.subject == q.subject and value.predicate.value == str(DCTERMS.isVersionOf)
        }
        expected = {"2026.12.04.7": "vanishing", "2026.12.04.9": "dropped"}.get(release.version)
        assert deleted == ({f"{BASE}graph/{expected}"} if expected else set()), release.version
    assert f"{BASE}graph/constant" not in versions  # unchanged since the first release


def test_pages_are_immutable_and_answer_304(http: InProcessHTTP) -> None:
    page = http.get(LOCAL + "changes/2026.12.04.13/1", headers={"Accept": NQUADS})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith(NQUADS)
    assert page.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = page.headers["ETag"]
    assert etag.startswith('"')  # strong
    again = http.get(
        LOCAL + "changes/2026.12.04.13/1", headers={"Accept": NQUADS, "If-None-Match": etag}
    )
    assert again.status_code == 304
    assert b"<https://w3id.org/ldes#immutable>" in page.content
    root = http.get(LOCAL + "changes/", headers={"Accept": NQUADS})
    assert "immutable" not in root.headers["Cache-Control"]
    # the root changes only with a release: asked again, it is the same, and a 304
    assert http.get(LOCAL + "changes/", headers={"Accept": NQUADS}).content == root.content
    cached = {"Accept": NQUADS, "If-None-Match": root.headers["ETag"]}
    assert http.get(LOCAL + "changes/", headers=cached).status_code == 304
    assert "max-age=300" in root.headers["Cache-Control"] and root.headers["ETag"]
    other = http.get(LOCAL + "changes/", headers={"Accept": "application/trig"})
    assert other.headers["Content-Type"].startswith("application/trig")
    assert "Accept" in root.headers["Vary"]


def test_unknown_pages_and_formats_are_refused(http: InProcessHTTP) -> None:
    for path in (
        "changes/2026.12.04.1/1",  # pruned
        "changes/2020.01.01/1",
        "changes/2026.12.04.13/2",  # past the last page
        "changes/2026.12.04.13/0",
        "changes/2026.12.04.13/snapshot/9",
        "changes/nothing/1",
    ):
        assert http.get(LOCAL + path).status_code == 404, path
    turtle = http.get(LOCAL + "changes/", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 406 and "application/n-quads" in turtle.text
    # a client that takes Turtle first and TriG after gets TriG
    both = http.get(LOCAL + "changes/", headers={"Accept": "text/turtle, application/trig;q=0.5"})
    assert both.headers["Content-Type"].startswith("application/trig")


def test_no_release_no_feed(client: FlaskClient) -> None:
    answer = client.get("/changes/")
    assert answer.status_code == 404 and b"lisgraph release" in answer.data


def test_the_catalogue_and_void_link_the_feed(http: InProcessHTTP) -> None:
    catalog = Graph().parse(
        data=http.get(LOCAL + "catalog", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    spec = URIRef("https://w3id.org/ldes/specification")
    services = list(catalog.subjects(DCTERMS.conformsTo, spec))
    assert len(services) == 1 and (services[0], RDF.type, DCAT.DataService) in catalog
    url = catalog.value(services[0], DCAT.endpointURL)
    assert url == URIRef(LOCAL + "changes/")
    root = http.get(str(url), headers={"Accept": NQUADS})
    assert root.status_code == 200 and f"<{TREE}view> <{url}>".encode() in root.content
    void = Graph().parse(
        data=http.get(LOCAL + ".well-known/void", headers={"Accept": "text/turtle"}).text,
        format="turtle",
    )
    stream = URIRef(BASE + "changes#stream")
    assert (stream, RDF.type, URIRef(LDES + "EventStream")) in void
    view = void.value(stream, URIRef(TREE + "view"))
    assert view == url and http.get(str(view), headers={"Accept": NQUADS}).status_code == 200
