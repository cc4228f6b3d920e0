"""Dereferencing, pages and downloads, over HTTP, in-process (Flask test client)."""

from __future__ import annotations

import gzip
import hashlib
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pyoxigraph as ox
import pytest
import rdflib.parser
import rdflib.plugin
from markupsafe import escape
from rdflib import RDF, RDFS, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from lisgraph import BuildResult
from lisgraph.artifact import DUMP_FORMATS, DumpFormat
from lisgraph.store.embedded import EmbeddedStore

from .helpers import InProcessHTTP

LIS = "https://w3id.org/lisgraph/def/lis#"
SEMLEP = "https://w3id.org/lisgraph/id/lep/E37000057"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.alternates: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates.append((values.get("type") or "", values.get("href") or ""))


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_thing_iri_redirects_303_to_its_document(http: InProcessHTTP, server: str) -> None:
    response = http.get(server + "id/lep/E37000057", allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert response.headers["Location"] == server + "doc/lep/E37000057"


@pytest.mark.parametrize(("accept", "rdflib_format"), sorted(RDF_TYPES.items()))
def test_document_negotiates_rdf(
    http: InProcessHTTP, server: str, accept: str, rdflib_format: str
) -> None:
    response = http.get(server + "id/lep/E37000057", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200 and response.history[0].status_code == 303
    assert response.headers["Content-Type"].split(";")[0] == accept
    assert response.headers["Content-Location"].startswith(server + "doc/lep/E37000057.")
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef(SEMLEP), RDF.type, URIRef(LIS + "LocalEnterprisePartnership")) in graph
    # Both directions: the strategy that names SEMLEP as its author.
    assert (
        URIRef("https://w3id.org/lisgraph/id/strategy/south-east-midlands-lis"),
        None,
        URIRef(SEMLEP),
    ) in graph


@pytest.mark.parametrize("fmt", DUMP_FORMATS[:4], ids=lambda f: f.filename)
def test_explicit_document_urls(http: InProcessHTTP, server: str, fmt: DumpFormat) -> None:
    ext = {
        "text/turtle": "ttl",
        "application/ld+json": "jsonld",
        "application/rdf+xml": "rdf",
        "application/n-triples": "nt",
    }[fmt.media_type]
    response = http.get(server + f"doc/lep/E37000057.{ext}", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
    assert len(Graph().parse(data=response.content, format=RDF_TYPES[fmt.media_type])) > 10


def test_html_page_of_a_resource(http: InProcessHTTP, server: str) -> None:
    response = http.get(server + "id/lep/E37000057", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert "<h1>South East Midlands LEP</h1>" in page
    assert "Local Enterprise Partnership" in page  # its type, by label
    assert "also known as" in page and "SEMLEP" in page  # a property with a readable label
    assert "Linked from" in page and "South East Midlands Local Industrial Strategy" in page
    assert "Sources" in page and "Local Industrial Strategies (LEP Network activity page)" in page
    alternates = dict(_links(page).alternates)
    assert set(RDF_TYPES) <= set(alternates)
    for media_type, href in alternates.items():
        assert http.get(href, timeout=30).headers["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    ("accept", "content_type", "words"),
    [
        ("text/turtle", "text/turtle", "404 Not Found"),
        ("text/html", "text/html", "Not found"),
        ("application/ld+json", "application/ld+json", "error"),
    ],
)
def test_unknown_iri_is_404_in_the_negotiated_format(
    http: InProcessHTTP, server: str, accept: str, content_type: str, words: str
) -> None:
    for path in ("id/lep/E37999999", "doc/lep/E37999999", "def/nothing"):
        response = http.get(server + path, headers={"Accept": accept}, timeout=30)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"].split(";")[0] == content_type
        assert words in response.text


def test_ontology_documentation_lists_every_term(
    http: InProcessHTTP, server: str, store: EmbeddedStore
) -> None:
    page = http.get(server + "def/lis", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    terms = store.query(
        f"SELECT ?t ?l WHERE {{ ?t <{RDFS}isDefinedBy> ?m ; <{RDFS}label> ?l "
        f'FILTER(STRSTARTS(STR(?t), "{LIS}")) }}'
    ).rows()
    assert len(terms) > 100
    for row in terms:
        local = row["t"].value.rsplit("#", 1)[1]
        assert f'id="{local}"' in page.text and row["l"].value in page.text
    turtle = http.get(server + "def/lis", headers={"Accept": "text/turtle"}, timeout=30)
    graph = Graph().parse(data=turtle.content, format="turtle")
    assert (URIRef(LIS + "LocalIndustrialStrategy"), RDFS.label, None) in graph
    module = http.get(server + "def/lis/projects", headers={"Accept": "text/html"}, timeout=30)
    assert (
        module.status_code == 200
        and 'id="Investment"' in module.text
        and 'id="Wave"' not in module.text
    )


def test_named_graph_of_a_source_file(http: InProcessHTTP, server: str) -> None:
    response = http.get(
        server + "graph/seed-001-sem-highlights", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert (
        None,
        URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
        URIRef("https://w3id.org/lisgraph/id/source/sem-highlights"),
    ) in graph


def test_landing_page(http: InProcessHTTP, server: str) -> None:
    page = http.get(server, timeout=30).text
    assert "Open Government Licence v3.0" in page
    hrefs = _links(page).hrefs
    assert server + "sparql" in hrefs
    assert all(server + f"downloads/{fmt.filename}" in hrefs for fmt in DUMP_FORMATS)
    assert server + "id/lep/E37000057" in hrefs


@pytest.mark.parametrize("start", ["", "id/lep/E37000057", "def/lis", "sparql"])
def test_every_local_link_works(http: InProcessHTTP, server: str, start: str) -> None:
    page = http.get(server + start, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    targets = sorted({urljoin(page.url, h).split("#")[0] for h in _links(page.text).hrefs})
    local = [t for t in targets if t.startswith(server)]
    assert local
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for url in local:
        response = http.get(url, headers=browser, timeout=30)
        assert response.status_code == 200, url
    # Nothing points at the canonical base, which does not resolve on this machine.
    assert not [t for t in targets if urlparse(t).netloc == "w3id.org"]


@pytest.mark.parametrize(
    "name", [f.filename for f in DUMP_FORMATS] + [f.filename + ".gz" for f in DUMP_FORMATS]
)
def test_dump_download_headers_and_content(
    http: InProcessHTTP,
    server: str,
    built: BuildResult,
    dump_graphs: dict[str, Graph],
    name: str,
) -> None:
    url = server + f"downloads/{name}"
    response = http.get(url, timeout=60)
    assert response.status_code == 200
    local = (built.out_dir / name).read_bytes()
    assert response.content == local
    assert int(response.headers["Content-Length"]) == len(local)
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert f"filename={name}" in response.headers["Content-Disposition"]
    assert "attachment" in response.headers["Content-Disposition"]
    expected = (
        "application/gzip"
        if name.endswith(".gz")
        else next(f.media_type for f in DUMP_FORMATS if f.filename == name)
    )
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert (
        http.get(url, headers={"If-None-Match": response.headers["ETag"]}, timeout=30).status_code
        == 304
    )
    assert (
        http.get(
            url, headers={"If-Modified-Since": response.headers["Last-Modified"]}, timeout=30
        ).status_code
        == 304
    )
    plain = name.removesuffix(".gz")
    if plain in dump_graphs:  # the triple dumps rdflib reads (not N-Quads)
        data = gzip.decompress(response.content) if name.endswith(".gz") else response.content
        assert data == (built.out_dir / plain).read_bytes()
        # so rdflib reads from it what it reads from that file (parsed once per session)
        assert len(dump_graphs[plain]) == built.triples


def test_unknown_download_and_path_tricks_are_404(http: InProcessHTTP, server: str) -> None:
    for path in (
        "downloads/nothing.ttl",
        "downloads/..%2Fbuild.json",
        "downloads/build.json",
        "doc/..%2F..%2Fetc%2Fpasswd",
        "id/lep/%00",
        "doc/lep/E37000057%2F..%2F..",
    ):
        response = http.get(server + path, timeout=30)
        assert response.status_code == 404, path
        assert "root:" not in response.text


# --- which dump for which client (ecosystem review E12, E13) --------------------------------

WAVES = "SELECT ?n WHERE { ?w <https://w3id.org/lisgraph/def/lis#waveNumber> ?n }"


def _default_graph_rows(path: Path) -> int:
    """Rows a query without GRAPH finds in ``path`` loaded as is: Oxigraph's default graph is
    the unnamed one, as Comunica's and rdflib's Dataset's are."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return len(list(store.query(WAVES)))  # type: ignore[arg-type]


def test_the_union_dump_has_a_default_graph_clients_can_query(built: BuildResult) -> None:
    """E12: lisgraph-union.nq holds the merge in the default graph (each triple once) and every
    named graph; lisgraph.nq's default graph stays empty (its use is provenance)."""
    union, named = built.out_dir / "lisgraph-union.nq", built.out_dir / "lisgraph.nq"
    assert _default_graph_rows(union) == 3  # the three waves, no duplicate
    assert _default_graph_rows(named) == 0
    quads = list(ox.parse(path=str(union), format=ox.RdfFormat.N_QUADS))
    default = [q for q in quads if q.graph_name == ox.DefaultGraph()]
    assert len(default) == built.triples and len(quads) - len(default) == built.quads
    # rdflib's Dataset reads it the same way (rdflib 7.6's own parse warns of its internals)
    dataset = Dataset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(union, format="nquads")
        assert len(list(dataset.query(WAVES))) == 3
    assert len(dataset.graph(DATASET_DEFAULT_GRAPH_ID)) == built.triples


#: What Comunica 4.x sends for a file source (it decodes Content-Encoding itself).
COMUNICA = {
    "Accept": "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,*/*;q=0.1",
    "Accept-Encoding": "gzip, deflate, br",
}


@pytest.mark.parametrize("dump", DUMP_FORMATS, ids=lambda d: d.filename)
def test_a_gz_url_given_to_a_parser_is_readable(
    http: InProcessHTTP, server: str, built: BuildResult, dump: DumpFormat
) -> None:
    """E13: a client that parses a URL and names RDF types (rdflib's parse(url) without a
    format sends every parser's type and no Accept-Encoding; Comunica accepts gzip) gets the
    dump from a .gz URL; a client that saves a file (*/*: curl, wget, requests, browsers)
    gets the gzip file whose bytes SHA256SUMS names."""
    url = server + f"downloads/{dump.filename}.gz"
    plain = (built.out_dir / dump.filename).read_bytes()
    rdflib_accept = ", ".join(
        p.name for p in rdflib.plugin.plugins(kind=rdflib.parser.Parser) if "/" in p.name
    )
    as_rdflib = http.get(url, headers={"Accept": rdflib_accept})
    assert as_rdflib.status_code == 200
    assert as_rdflib.headers["Content-Type"].split(";")[0] == dump.media_type
    assert "Content-Encoding" not in as_rdflib.headers and as_rdflib.content == plain
    assert "Accept" in as_rdflib.headers["Vary"]
    as_comunica = http.get(url, headers=COMUNICA)
    assert as_comunica.headers["Content-Type"].split(";")[0] == dump.media_type
    assert as_comunica.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_comunica.content) == plain
    lines = (built.out_dir / "SHA256SUMS").read_text().splitlines()
    sums = {name: digest for digest, name in (line.split("  ") for line in lines)}
    for saving in ({}, {"Accept": "*/*"}, {"Accept": BROWSER}, {"Accept": "application/gzip"}):
        saved = http.get(url, headers=saving)
        assert saved.headers["Content-Type"] == "application/gzip", saving
        assert "Content-Encoding" not in saved.headers
        assert hashlib.sha256(saved.content).hexdigest() == sums[dump.filename + ".gz"]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_the_downloads_page_says_which_file_to_use(http: InProcessHTTP, server: str) -> None:
    """E12, E13: the page tells a default graph from none, and .gz (to save) from plain URLs
    (to give a client), with a line for every dump."""
    page = http.get(server + "downloads/", headers={"Accept": "text/html"}).text
    assert "Which file to use" in page
    for dump in DUMP_FORMATS:
        assert f"<code>{dump.filename}</code>" in page and dump.use and escape(dump.use) in page
    assert "for saving to disk" in page and "GRAPH ?g" in page
    assert f'href="{server}downloads/lisgraph-union.nq"' in page
