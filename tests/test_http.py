"""HTTP as caches, crawlers and browsers expect it: gzip with Vary, Last-Modified, HEAD and
OPTIONS, dumps loadable from their URL with gzip transfer and Range, robots.txt, a favicon, index
pages for /def/ and /downloads/, and the ontology's version IRI."""

from __future__ import annotations

import gzip

import pytest
from rdflib import Graph

from lisgraph import BuildResult

from .helpers import InProcessHTTP

DOC = "http://localhost/doc/lep/E37000057"


@pytest.mark.parametrize(
    ("url", "accept"),
    [
        (DOC, "text/turtle"),
        (DOC, "text/html"),
        ("http://localhost/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%2050", "*/*"),
        ("http://localhost/catalog", "application/ld+json"),
        ("http://localhost/", "text/html"),
    ],
)
def test_text_responses_are_gzipped_with_vary(http: InProcessHTTP, url: str, accept: str) -> None:
    plain = http.get(url, headers={"Accept": accept})
    zipped = http.get(url, headers={"Accept": accept, "Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    vary = {v.strip() for v in zipped.headers["Vary"].split(",")}
    assert "Accept-Encoding" in vary
    assert plain.headers["ETag"] != zipped.headers["ETag"]  # two representations, two validators
    again = http.get(
        url,
        headers={
            "Accept": accept,
            "Accept-Encoding": "gzip",
            "If-None-Match": zipped.headers["ETag"],
        },
    )
    assert again.status_code == 304


def test_documents_have_last_modified(http: InProcessHTTP) -> None:
    answer = http.get(DOC, headers={"Accept": "text/turtle"})
    assert answer.headers["Last-Modified"]
    again = http.get(
        DOC,
        headers={"Accept": "text/turtle", "If-Modified-Since": answer.headers["Last-Modified"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path", ["", "sparql", "id/", "doc/lep/E37000057", "def/lis", "graph/", "data?default",
             "downloads/", "catalog", ".well-known/void", "robots.txt"],
)  # fmt: skip
def test_head_and_options_everywhere(http: InProcessHTTP, path: str) -> None:
    get = http.get("http://localhost/" + path)
    head = http.head("http://localhost/" + path)
    assert get.status_code == head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    options = http.request("OPTIONS", "http://localhost/" + path)
    assert options.status_code == 200 and "GET" in options.headers["Allow"]


def test_dump_loadable_from_its_url_with_gzip_and_range(
    http: InProcessHTTP, built: BuildResult
) -> None:
    plain = http.get("http://localhost/downloads/lisgraph.nt")
    zipped = http.get("http://localhost/downloads/lisgraph.nt", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Type"] == "application/n-triples"
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(Graph().parse(data=gzip.decompress(zipped.content), format="nt")) == built.triples
    part = http.get(
        "http://localhost/downloads/lisgraph.nt",
        headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"},
    )
    assert part.status_code == 206 and part.content == zipped.content[:100]
    turtle = http.get("http://localhost/downloads/lisgraph.ttl")
    assert turtle.headers["Content-Type"] == "text/turtle; charset=utf-8"  # one charset
    copy = http.get(
        "http://localhost/downloads/lisgraph.nt.gz", headers={"Accept-Encoding": "gzip"}
    )
    assert copy.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in copy.headers  # a file to save, not to decode


def test_robots_txt_points_at_the_sitemap(http: InProcessHTTP) -> None:
    robots = http.get("http://localhost/robots.txt")
    assert "Sitemap: http://localhost/sitemap.xml" in robots.text.splitlines()
    assert http.get("http://localhost/sitemap.xml").status_code == 200


def test_favicon(http: InProcessHTTP) -> None:
    icon = http.get("http://localhost/favicon.ico")
    assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in icon.content


@pytest.mark.parametrize(
    ("path", "words"),
    [("def/", "lisgraph ontology: geography module"), ("downloads/", "lisgraph.nq.gz")],
)
def test_more_index_pages(http: InProcessHTTP, path: str, words: str) -> None:
    page = http.get("http://localhost/" + path)
    assert page.status_code == 200 and words in page.text


def test_ontology_version_iri_resolves(http: InProcessHTTP) -> None:
    current = http.get("http://localhost/def/lis", headers={"Accept": "text/turtle"})
    version = http.get("http://localhost/def/lis/0.1.0", headers={"Accept": "text/turtle"})
    assert version.status_code == 200
    assert len(Graph().parse(data=version.content, format="turtle")) == len(
        Graph().parse(data=current.content, format="turtle")
    )


@pytest.mark.parametrize("path", ["nothing/here", "downloads/lisgraph.zip", "id/lep/E37000057/x/"])
def test_every_404_is_the_site_s_in_the_negotiated_format(http: InProcessHTTP, path: str) -> None:
    page = http.get("http://localhost/" + path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and 'href="http://localhost/id/"' in page.text
    turtle = http.get("http://localhost/" + path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and turtle.headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.content, format="turtle")) == 0


def test_sitemap_lists_index_pages_graphs_and_the_catalogue(http: InProcessHTTP) -> None:
    sitemap = http.get("http://localhost/sitemap.xml").text
    for path in ("catalog", "graph/", "graph/seed-000-semlep-lis-page", "id/"):
        assert f"<loc>http://localhost/{path}</loc>" in sitemap


def test_cors_exposes_link_headers(http: InProcessHTTP) -> None:
    answer = http.get(DOC, headers={"Accept": "text/turtle", "Origin": "https://example.org"})
    assert "Link" in answer.headers["Access-Control-Expose-Headers"]
