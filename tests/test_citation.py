"""Every statement's source on its page, and citations of a resource, its sources and the
dataset."""

from __future__ import annotations

import json
import re

from lisgraph.store import Term
from lisgraph.store.embedded import EmbeddedStore
from lisgraph.views.citation import cite_sources, dataset_citation
from lisgraph.views.resource import resource_view

from .helpers import BASE, InProcessHTTP

SEMLEP = BASE + "id/lep/E37000057"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def test_each_statement_names_the_sources_whose_graphs_hold_it(store: EmbeddedStore) -> None:
    view = resource_view(store, SEMLEP)
    # a graph's source, or the graph itself where it names none (the build's derivations)
    rows = store.query(
        f"SELECT ?p ?o ?source WHERE {{ GRAPH ?g {{ <{SEMLEP}> ?p ?o }} "
        f"OPTIONAL {{ ?g <{PROV_DERIVED}> ?derived }} BIND(COALESCE(?derived, ?g) AS ?source) }}"
    ).rows()
    assert rows, "the LEP has sourced statements"
    expected: dict[tuple[str, Term], set[str]] = {}
    for row in rows:
        expected.setdefault((row["p"].value, row["o"]), set()).add(row["source"].value)
    assert len(view.sources) == len({s for v in expected.values() for s in v})
    for (predicate, value), sources in expected.items():
        named = {view.sources[n - 1] for n in view.refs(predicate, value)}
        assert named == sources, (predicate, value)


def test_the_page_links_each_value_to_its_source_at_the_foot(
    http: InProcessHTTP, server: str
) -> None:
    page = http.get(server + "id/lep/E37000057", headers={"Accept": "text/html"}).text
    refs = set(re.findall(r'<sup class="ref"><a href="#source-(\d+)"', page))
    notes = set(re.findall(r'<li id="source-(\d+)">', page))
    assert refs and refs == notes
    ons = re.search(r'<li id="source-(\d+)"><a href="([^"]+)">([^<]+)</a>', page)
    assert ons is not None
    # the source's own page exists
    assert http.get(ons.group(2), headers={"Accept": "text/html"}).status_code == 200


def test_cite_this_offers_text_bibtex_and_csl_json(http: InProcessHTTP, server: str) -> None:
    page = http.get(server + "id/lep/E37000057", headers={"Accept": "text/html"}).text
    cite = page[page.index('id="cite"') :]
    assert "South East Midlands" in cite and SEMLEP in cite
    assert "@misc{lep-E37000057," in cite
    csl = re.search(r"<summary>CSL-JSON</summary><pre>(.*?)</pre>", cite, re.S)
    assert csl is not None
    item = json.loads(csl.group(1).replace("&#34;", '"').replace("&#39;", "'"))
    assert item["URL"] == SEMLEP and item["type"] == "dataset"


def test_sources_are_cited_from_what_the_graph_says(store: EmbeddedStore) -> None:
    (ons,) = cite_sources(store, BASE, [BASE + "id/source/ons-lad-lep-2020"])
    assert ons.publisher == "Office for National Statistics"
    assert "Lookup" in ons.title and ons.text().startswith("Office for National Statistics")
    dataset = dataset_citation(BASE, "http://localhost/", "0123456789abcdef")
    assert "Build 0123456789ab" in dataset.text() and dataset.bibtex().startswith("@misc{")
