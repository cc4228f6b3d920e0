"""What a browser downloads for each kind of HTML page (review E15, issue 25 "Weight"): the page
and every script, style sheet, icon and image it loads from this server, each asked for with
``Accept-Encoding: gzip`` as a browser asks, stays under 500 KB as sent; the browser files come
gzip-encoded from the copy made once, under content-hashed URLs cached as immutable."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lisgraph.web.static_files import STATIC_DIR, static_files

BUDGET = 500 * 1024
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Encoding": "gzip"}
BUNDLED = (STATIC_DIR / "vendor" / "yasgui.min.js").is_file()


class _Loads(HTMLParser):
    """The URLs a page makes a browser fetch as it loads: scripts, style sheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img") and a.get("src"):
            self.urls.append(a["src"] or "")
        rel = (a.get("rel") or "").split()
        if tag == "link" and a.get("href") and {"stylesheet", "icon", "preload"} & set(rel):
            self.urls.append(a["href"] or "")


def _same_origin_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _weight(client: FlaskClient, path: str) -> tuple[int, dict[str, int]]:
    """The page's bytes as sent and each same-origin file it loads, as sent."""
    page = client.get(path, headers=BROWSER, follow_redirects=True)  # /id/ answers 303
    assert page.status_code in (200, 404), path
    assert page.mimetype == "text/html", path
    body = page.get_data()
    html = gzip.decompress(body) if page.headers.get("Content-Encoding") == "gzip" else body
    parser = _Loads()
    parser.feed(html.decode("utf-8"))
    loads: dict[str, int] = {}
    for url in parser.urls:
        local = _same_origin_path(url)
        assert local is not None, f"{path} loads {url} from another host"
        response = client.get(local, headers={"Accept": "*/*", "Accept-Encoding": "gzip"})
        assert response.status_code == 200, (path, url)
        loads[local] = len(response.get_data())
    return len(body), loads


def _first_link(client: FlaskClient, listing: str, kind: str) -> str:
    html = client.get(listing, headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(rf'href="http://localhost/(?:id|doc)/{kind}/([^"/#?]+)"', html)
    assert found, f"{listing} links no {kind}"
    return f"/doc/{kind}/{found[1]}"


def _pages(client: FlaskClient) -> list[str]:
    return [
        "/",
        "/doc/lep/E37000007",
        _first_link(client, "/doc/strategy/", "strategy"),
        _first_link(client, "/doc/district/", "district"),
        "/doc/",
        "/doc/lep/",
        "/compare",
        "/compare/strategies",
        "/compare?lep=E37000007&lep=E37000001",
        "/map",
        "/sparql",
        "/search?q=cornwall",
        "/downloads/",
        "/catalog",
        "/.well-known/void",
        "/def/lis",
        "/def/shapes",
        "/graph/",
        "/releases/",
        "/id/lep/E99999999",  # the 404 page
    ]


def test_every_kind_of_page_weighs_under_500_kb_with_what_it_loads(client: FlaskClient) -> None:
    pages = _pages(client)
    heavy = {}
    for path in pages:
        page, loads = _weight(client, path)
        total = page + sum(loads.values())
        if total > BUDGET:
            heavy[path] = (page, loads)
    assert not heavy, f"over {BUDGET} bytes as sent: {heavy}"


@pytest.mark.skipif(not BUNDLED, reason="the package was built without npm: no query editor")
def test_the_query_page_weight_counts_the_editor_it_loads(client: FlaskClient) -> None:
    # The sum above is real: the query page loads the bundled YASGUI, compressed, and not
    # Chart.js or Cytoscape, which the views load when first drawn.
    page, loads = _weight(client, "/sparql")
    yasgui = re.compile(r"/vendor/yasgui\.min\.\w+\.js$")
    editor = next(size for path, size in loads.items() if yasgui.search(path))
    raw = (STATIC_DIR / "vendor" / "yasgui.min.js").stat().st_size
    assert raw / 5 < editor < raw / 2  # gzip-encoded, and all of it
    assert not [p for p in loads if "chart" in p or "cytoscape" in p]
    assert page + sum(loads.values()) > editor


def test_browser_files_are_sent_compressed_and_immutable_under_their_hashed_urls(
    client: FlaskClient,
) -> None:
    html = client.get("/", headers=BROWSER)
    hashed = r'href="(/static/style\.[0-9a-f]{12}\.css)"'
    style = re.search(hashed, gzip.decompress(html.data).decode())
    assert style, "the home page links its style sheet by a content-hashed URL"
    response = client.get(style[1], headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    control = response.cache_control
    assert control.public and control.max_age == 31536000 and control.immutable
    original = (STATIC_DIR / "style.css").read_bytes()
    assert gzip.decompress(response.data) == original
    plain = client.get(style[1])  # no Accept-Encoding: the bytes themselves
    assert plain.data == original and "Content-Encoding" not in plain.headers
    tag = response.headers["ETag"]
    again = client.get(style[1], headers={"If-None-Match": tag, "Accept-Encoding": "gzip"})
    assert again.status_code == 304


def test_a_plain_or_stale_name_is_revalidated_not_immutable(client: FlaskClient) -> None:
    for path in ("/static/style.css", "/static/style.000000000000.css"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.data == (STATIC_DIR / "style.css").read_bytes()
        assert response.cache_control.no_cache and not response.cache_control.immutable


def test_no_file_outside_the_static_folder_is_served(client: FlaskClient) -> None:
    assert Path(STATIC_DIR.parent / "assets.py").is_file()
    for path in ("/static/../assets.py", "/static/%2e%2e/assets.py", "/static/nothing.js"):
        assert client.get(path).status_code == 404, path


def test_the_gzip_copy_is_made_once(app: Flask) -> None:
    with app.app_context():
        files = static_files()
        assert files.get("style.css") is files.get("style.css")
