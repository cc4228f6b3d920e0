"""Finding your way in a real browser (Chromium, Playwright): search from the start page, codes,
a statement's source, and resource names completed in the query editor. No JavaScript error and
no request to another host on any page (the ``page`` fixture checks)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote
from urllib.request import Request, urlopen

from .browser import browser, page, pytestmark, screenshot

__all__ = ["browser", "page", "pytestmark"]


def test_search_cornwall_from_the_start_page_reaches_the_lep(page: Any, server: str) -> None:
    page.goto(server)
    page.get_by_label("Search by name, code or IRI").fill("cornwall")
    page.get_by_label("Search by name, code or IRI").press("Enter")
    page.wait_for_url(server + "search?q=cornwall")
    results = page.locator("main table tbody tr")
    assert results.count() >= 2
    screenshot(page, "search-cornwall")
    page.get_by_role("link", name="Cornwall and Isles of Scilly LEP").first.click()
    page.wait_for_url(server + "doc/lep/E37000005")
    assert "Cornwall" in page.locator("h1").inner_text()


def test_a_code_prefix_lists_districts(page: Any, server: str) -> None:
    page.goto(server + "search?q=E060000")
    facets = page.get_by_role("navigation", name="Results by class")
    assert "local authority district" in facets.inner_text()
    assert page.locator("main table tbody tr").count() >= 20
    screenshot(page, "search-code")


def test_a_statement_names_its_source_and_the_link_leads_there(page: Any, server: str) -> None:
    page.goto(server + "id/lep/E37000057")
    ref = page.locator("dl.properties sup.ref a").first  # a statement's, not the summary card's
    target = ref.get_attribute("href")
    assert target is not None and target.startswith("#source-")
    ref.click()
    assert page.evaluate("location.hash") == target
    source = page.locator(f"li{target} > a").first
    assert source.is_visible()
    name = source.inner_text()
    source.click()
    page.wait_for_url(lambda url: url != server + "doc/lep/E37000057" and "#" not in url)
    assert page.locator("h1").inner_text() == name
    screenshot(page, "source")


def test_the_editor_completes_a_resource_name(page: Any, server: str) -> None:
    page.goto(server + "sparql")
    editor = page.locator(".yasqe .CodeMirror")
    editor.wait_for()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT * WHERE { Cornw")
    hints = page.locator(".CodeMirror-hints")
    hints.wait_for(timeout=10_000)
    assert "lep/E37000005" in hints.inner_text()
    screenshot(page, "editor-completion")


def _type_in_a_new_query(page: Any, server: str, start: str, typed: str) -> Any:
    """Open the editor, set its text to ``start``, type ``typed`` at the end; the hints."""
    page.goto(server + "sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "text => { const cm = document.querySelector('.CodeMirror').CodeMirror;"
        " cm.setValue(text); cm.focus(); cm.setCursor(cm.lineCount(), 0); }",
        start,
    )
    page.keyboard.type(typed, delay=60)
    return page.locator(".CodeMirror-hints li")


def _editor_text(page: Any) -> str:
    return str(page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()"))


def test_part_of_a_leps_name_completes_to_its_iri(page: Any, server: str) -> None:
    # a label fragment: the LEP, its area and its strategy are offered by name; picking the
    # LEP writes its IRI (no prefix the query declares covers it)
    hints = _type_in_a_new_query(page, server, "SELECT * WHERE {\n  ", "Cumbria")
    lep = hints.filter(has_text="Cumbria LEP (Local Enterprise Partnership)")
    lep.first.wait_for(timeout=10_000)
    texts = hints.all_inner_texts()
    assert any("Cumbria Local Industrial Strategy" in t for t in texts), texts
    screenshot(page, "editor-completes-a-name")
    lep.first.click()
    assert _editor_text(page).rstrip().endswith("<https://w3id.org/lisgraph/id/lep/E37000007>")


def test_a_prefixed_name_completes_under_its_namespace(page: Any, server: str) -> None:
    start = "PREFIX lep: <https://w3id.org/lisgraph/id/lep/>\nSELECT * WHERE {\n  "
    hints = _type_in_a_new_query(page, server, start, "lep:E3700000")
    cumbria = hints.filter(has_text="Cumbria LEP")
    cumbria.first.wait_for(timeout=10_000)
    texts = hints.all_inner_texts()
    assert texts and all("lep:E3700000" in t for t in texts), texts  # LEPs only, by prefix
    screenshot(page, "editor-completes-a-prefixed-name")
    cumbria.first.click()
    assert _editor_text(page).rstrip().endswith("  lep:E37000007")


LIS = "PREFIX lis: <https://w3id.org/lisgraph/def/lis#>\n"
BAR = (
    "#defaultView:BarChart\n" + LIS + "SELECT ?lep (COUNT(?d) AS ?districts) WHERE { "
    "?lep lis:area ?a . ?d lis:inLEPArea ?a } GROUP BY ?lep ORDER BY DESC(?districts) LIMIT 10"
)
TIMELINE = (
    "#defaultView:Timeline\n" + LIS + "SELECT ?wave ?announced WHERE { "
    "?w lis:waveNumber ?wave ; lis:announced ?announced }"
)
NETWORK = (
    "#defaultView:Graph\n" + LIS + "CONSTRUCT { ?lep lis:area ?a } WHERE { ?lep lis:area ?a } "
    "LIMIT 20"
)


def _view(page: Any, server: str, query: str, name: str) -> Any:
    page.goto(server + "sparql?query=" + quote(query))
    view = page.locator(".yasr .result-view").first
    view.wait_for(timeout=15_000)
    screenshot(page, name)
    return view


def test_results_show_as_a_bar_chart_with_a_text_version(page: Any, server: str) -> None:
    view = _view(page, server, BAR, "view-bar-chart")
    assert view.locator("canvas[role='img']").get_attribute("aria-label") == (
        "Bar chart of districts by lep"
    )
    page.locator(".yasr details.text-version summary").click()
    rows = page.locator(".yasr details.text-version tbody tr")
    assert rows.count() == 10
    # the table view is still one click away, and the chart another
    page.locator(".yasr button.select_table").click()
    page.locator(".yasr table.dataTable").wait_for()
    page.locator(".yasr button.select_BarChart").click()
    page.locator(".yasr .result-view canvas").wait_for()


def test_results_with_dates_show_as_a_timeline(page: Any, server: str) -> None:
    _view(page, server, TIMELINE, "view-timeline")
    page.locator(".yasr details.text-version summary").click()
    dates = page.locator(".yasr details.text-version tbody tr td:nth-child(2)").all_inner_texts()
    assert dates and dates == sorted(dates)  # the text version is in date order


def test_construct_results_show_as_a_network(page: Any, server: str) -> None:
    view = _view(page, server, NETWORK, "view-network")
    assert view.get_attribute("aria-label") == "Network of 20 statements"
    view.locator("canvas").first.wait_for()  # Cytoscape drew into the box (after the labels)


def _drawn_nodes(page: Any) -> list[list[str]]:
    """The network's nodes as Cytoscape holds them: [IRI or "", label]."""
    page.locator(".yasr .result-view.network canvas").first.wait_for(timeout=15_000)
    nodes: list[list[str]] = page.evaluate(
        "() => document.querySelector('.result-view.network')._cyreg.cy.nodes()"
        ".map(n => [n.data('iri'), n.data('label')])"
    )
    return nodes


def _label(server: str, iri: str) -> str:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f"SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l }}"
    )
    request = Request(
        server + "sparql?query=" + quote(query),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urlopen(request, timeout=30) as answer:
        return str(json.load(answer)["results"]["bindings"][0]["l"]["value"])


def test_a_network_names_its_nodes_by_their_labels(page: Any, server: str) -> None:
    lep = "https://w3id.org/lisgraph/id/lep/E37000007"
    _view(page, server, f"#defaultView:Graph\nDESCRIBE <{lep}>", "view-network-labels")
    nodes = dict((iri, label) for iri, label in _drawn_nodes(page) if iri)
    assert nodes[lep] == _label(server, lep)  # "Cumbria LEP", not "E37000007"
    named = [iri for iri, label in nodes.items() if label != iri.rsplit("/", 1)[-1]]
    assert len(named) * 2 > len(nodes), nodes  # most IRIs by a label, not their last segment
    assert not page.locator(".yasr .view-note").count()  # within the limit: no note
    screenshot(page, "view-network-labels")


def test_a_network_past_its_node_limit_says_so(page: Any, server: str) -> None:
    query = (
        "#defaultView:Graph\n" + LIS + "CONSTRUCT { ?d lis:inLEPArea ?a } "
        "WHERE { ?d lis:inLEPArea ?a }"
    )
    _view(page, server, query, "view-network-limit")
    nodes = _drawn_nodes(page)
    note = page.locator(".yasr .view-note")
    assert note.is_visible()
    shown, total = map(int, re.findall(r"Showing (\d+) of (\d+) nodes", note.inner_text())[0])
    assert shown == len(nodes) <= 40 < total
    screenshot(page, "view-network-limit")


def test_a_class_page_sorts_and_filters(page: Any, server: str) -> None:
    page.goto(server + "id/lep/")
    assert page.locator("table.listing tbody tr").count() == 38
    page.get_by_role("link", name="Districts").click()
    page.wait_for_url(server + "id/lep/?sort=districts")
    counts = [int(n) for n in page.locator("table.listing td.number").all_inner_texts()]
    assert counts == sorted(counts)
    page.get_by_role("navigation", name="Filter local enterprise partnerships").get_by_role(
        "link", name="Wave 1"
    ).click()
    assert page.locator("table.listing tbody tr").count() == 8
    screenshot(page, "class-page")


NAMES = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + LIS + "SELECT ?lep ?name WHERE { "
    "?lep a lis:LocalEnterprisePartnership ; skos:prefLabel ?name } ORDER BY ?name LIMIT 5"
)


def _sources_of_name(server: str, lep: str) -> set[str]:
    """The sources of a LEP's name, by the documented GRAPH pattern, asked directly."""
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
        f"SELECT ?source WHERE {{ GRAPH ?g {{ <{lep}> skos:prefLabel ?name }} "
        "?g prov:wasDerivedFrom ?source }"
    )
    request = Request(
        server + "sparql?query=" + quote(query),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urlopen(request, timeout=30) as answer:
        rows = json.load(answer)["results"]["bindings"]
    return {r["source"]["value"] for r in rows}


def test_one_click_shows_the_source_of_each_rows_facts(page: Any, server: str) -> None:
    page.goto(server + "sparql?query=" + quote(NAMES))
    page.locator(".yasr table.dataTable").wait_for(timeout=15_000)
    page.locator(".yasr button.select_Sources").click()
    table = page.locator(".yasr table.sources-table")
    table.wait_for(timeout=15_000)
    status = page.locator(".yasr .sources-status").inner_text()
    assert status.startswith("5 of 5 rows are joined by statements")
    screenshot(page, "view-sources")
    # row 1's name statement names the same sources as the GRAPH pattern asked directly
    first = table.locator("tbody tr").filter(has_text="prefLabel")
    lep = first.first.locator("td").first.locator("a").first.get_attribute("href")
    assert lep is not None and lep.startswith(server + "id/lep/")
    iri = "https://w3id.org/lisgraph/" + lep[len(server) :]
    shown = set()
    for row in table.locator("tbody tr").all():
        cells = row.locator("td")
        if cells.first.locator("a").first.get_attribute("href") != lep:
            continue
        if "prefLabel" not in cells.first.inner_text():
            continue
        links = cells.nth(1).locator("a").all()
        shown |= {a.get_attribute("href") for a in links[:1]}
    expected = _sources_of_name(server, iri)
    assert expected and shown == {server + s[len("https://w3id.org/lisgraph/") :] for s in expected}
    # and a source's link leads to its page
    source = table.locator("td.stated-by a[href*='/id/source/']").first
    title = source.inner_text()
    source.click()
    page.wait_for_url(lambda url: "/sparql" not in url)
    assert page.locator("h1").inner_text() == title


def test_computed_values_have_no_source(page: Any, server: str) -> None:
    page.goto(server + "sparql?query=" + quote(BAR.replace("#defaultView:BarChart", "")))
    page.locator(".yasr table.dataTable").wait_for(timeout=15_000)
    page.locator(".yasr button.select_Sources").click()
    status = page.locator(".yasr .sources-status")
    status.filter(has_text="rows are joined").wait_for(timeout=15_000)
    assert status.inner_text().startswith("0 of 10 rows are joined")
