"""The page cache makes each page variant once, whatever a client varies (the reliability
review's F4): parameters no page reads, Accept headers that choose alike, and floods of one
page share one render."""

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
