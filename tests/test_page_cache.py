"""The page cache makes each page variant once, whatever a client varies (the reliability
review's F4): parameters no page reads, Accept headers that choose alike, and floods of one
page share one render; and what depends only on the build (every LEP's and strategy's
comparison, the programme matrix, the map's outlines) is asked of the store once per build
(``Snapshot.once``), not once per render."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from lisgraph import BuildResult
from lisgraph.web import create_app
from lisgraph.web.dataset import EXTENSION_KEY
from lisgraph.web.page_cache import PageCache

from .helpers import PROJECT_DIR

PAGE = "/doc/lep/E37000057"


@pytest.fixture
def fresh(built: BuildResult) -> Iterator[tuple[Flask, PageCache, list[object]]]:
    """An app of its own (an empty page cache), and every key it keeps, in order."""
    app = create_app({"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(built.out_dir)})
    pages = app.extensions[EXTENSION_KEY].snapshot().pages
    kept: list[object] = []
    put = pages.put

    def counting(key: object, body: bytes, headers: list[tuple[str, str]]) -> None:
        kept.append(key)
        put(key, body, headers)

    pages.put = counting
    yield app, pages, kept
    app.extensions[EXTENSION_KEY].close()


def test_parameters_no_page_reads_are_one_variant(
    fresh: tuple[Flask, PageCache, list[object]],
) -> None:
    app, _, kept = fresh
    client = app.test_client()
    bodies = {client.get(f"{PAGE}?x={n}", headers={"Accept": "text/html"}).data for n in range(5)}
    assert len(bodies) == 1 and len(kept) == 1
    # A parameter a page reads is another variant.
    assert client.get(f"{PAGE}?format=ttl").status_code == 200
    assert len(kept) == 2


def test_accept_headers_that_choose_alike_are_one_variant(
    fresh: tuple[Flask, PageCache, list[object]],
) -> None:
    app, _, kept = fresh
    client = app.test_client()
    for accept in ("text/turtle", "text/turtle;q=0.9, x/unknown", "text/turtle, a/b;q=0.1"):
        answer = client.get(PAGE, headers={"Accept": accept})
        assert answer.status_code == 200 and answer.mimetype == "text/turtle"
    assert len(kept) == 1
    assert client.get(PAGE, headers={"Accept": "application/ld+json"}).mimetype == (
        "application/ld+json"
    )
    assert len(kept) == 2


def test_a_flood_of_one_page_is_one_render(fresh: tuple[Flask, PageCache, list[object]]) -> None:
    app, _, kept = fresh
    statuses: list[int] = []
    start = threading.Barrier(12)

    def ask(n: int) -> None:
        client = app.test_client()
        start.wait(10)
        statuses.append(
            client.get(f"{PAGE}?cachebuster={n}", headers={"Accept": "text/html"}).status_code
        )

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 12
    assert len(kept) == 1  # the others waited for it, then found it kept


@pytest.fixture
def uncached(built: BuildResult) -> Iterator[tuple[Flask, list[str]]]:
    """An app of its own whose page cache keeps nothing (every GET renders), and every query
    its pages ask the store, in order."""
    app = create_app({"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(built.out_dir)})
    snapshot = app.extensions[EXTENSION_KEY].snapshot()
    snapshot.pages = PageCache(entries=0, max_bytes=0)
    asked: list[str] = []
    query = snapshot.store.query

    def counting(text: str, *args: object, **kwargs: object) -> object:
        asked.append(text)
        return query(text, *args, **kwargs)

    snapshot.store.query = counting
    yield app, asked
    app.extensions[EXTENSION_KEY].close()


def _renders(app: Flask, asked: list[str], *paths: str) -> list[list[str]]:
    """The queries each path's render asked, in turn."""
    client = app.test_client()
    each = []
    for path in paths:
        before = len(asked)
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path
        each.append(asked[before:])
    return each


def test_what_depends_only_on_the_build_is_asked_once(uncached: tuple[Flask, list[str]]) -> None:
    # every strategy's table, every LEP's, and the map's outlines: made once per build (issue
    # 25's speed goal), whatever day or colouring the map is asked for
    app, asked = uncached
    first, again = _renders(app, asked, "/compare/strategies", "/compare/strategies")
    assert first and again == []
    first, again = _renders(app, asked, "/compare", "/compare?sort=wave&order=desc")
    assert first and again == []
    day, other, colour = _renders(
        app, asked, "/map?date=2019-07-31", "/map?date=2020-01-01", "/map?colour=wave"
    )
    assert [q for q in day if "asWKT" in q]
    assert not [q for q in other + colour if "asWKT" in q]


def test_a_lep_page_asks_for_the_programme_matrix_and_its_locator_once(
    uncached: tuple[Flask, list[str]],
) -> None:
    app, asked = uncached
    first, second = _renders(app, asked, PAGE, "/doc/lep/E37000007")
    matrix = [q for q in first if "GROUP BY ?x ?x_label ?c" in q]
    outlines = [q for q in first if "SELECT ?lep ?name ?area ?wkt" in q]
    assert len(matrix) == len(outlines) == 1
    assert not [q for q in second if q in matrix + outlines]
