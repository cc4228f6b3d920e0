"""A researcher comparing strategies, in a real browser (Debian's Chromium driven by Playwright,
against the real server on loopback; any JavaScript error or request to another host fails the
test, as in test_browser): compare two LEPs and two strategies, step the map of England to a
day and open a LEP from it, complete a class name in the query editor. Each saves a screenshot
in tests/output/screenshots/."""

from __future__ import annotations

import csv
from typing import Any

from ..helpers import PROJECT_DIR
from .browser import browser, page, pytestmark, screenshot

__all__ = ["browser", "page", "pytestmark"]

CUMBRIA, BLACK_COUNTRY = "E37000007", "E37000001"


def _row(page: Any, label: str) -> list[str]:
    """The cells (one per LEP or strategy) of the comparison's row ``label``."""
    row = page.locator("table.compare tr", has=page.get_by_role("rowheader", name=label))
    return [cell.inner_text() for cell in row.first.locator("td").all()]


def test_compare_cumbria_and_the_black_country(page: Any, server: str) -> None:
    page.goto(server + "compare")
    page.locator(f"#pick-{CUMBRIA}").check()
    page.locator(f"#pick-{BLACK_COUNTRY}").check()
    page.get_by_role("button", name="Compare the ticked LEPs").first.click()
    page.wait_for_url("**/compare?lep=*")
    assert page.locator("h1").inner_text() == "Compare 2 LEPs"
    headers = page.locator("table.compare thead th a").all_inner_texts()
    assert headers == ["Black Country LEP", "Cumbria LEP"]
    black_country, cumbria = _row(page, "Latest stage, date and source")
    assert "published, 2019-05-16" in black_country
    assert "submitted to government, 2019-03-29" in cumbria
    assert _row(page, "Priorities (all)") == ["10", "not stated"]
    black_country, cumbria = _row(page, "Funding")
    assert "not stated" in black_country and cumbria.count("Local Growth Fund") == 3
    # the stages several sources date alike are one line, with its sources
    life = _row(page, "Every stage the sources record")[0]
    assert life.count("published, 2019-05-16") == 1
    screenshot(page, "compare-leps")
    # each panel opens its query in the editor, which runs it
    page.get_by_role("link", name="the query behind this panel").first.click()
    page.wait_for_selector(".yasqe .CodeMirror")
    assert CUMBRIA in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


def test_compare_two_strategies(page: Any, server: str) -> None:
    page.goto(server + "doc/strategy/greater-manchester-lis")
    card = page.locator(".summary-card")
    assert card.is_visible()
    assert card.bounding_box()["y"] < 400  # the key facts lead the page
    card.get_by_role("link", name="Compare with other strategies…").click()
    page.locator("#pick-west-midlands-lis").check()
    page.get_by_role("button", name="Compare the ticked strategies").first.click()
    page.wait_for_url("**/compare/strategies?strategy=*")
    assert page.locator("h1").inner_text() == "Compare 2 strategies"
    manchester, west_midlands = _row(page, "Priorities, in the source's order")
    assert "Clean Growth Mission" in manchester and "Future of Mobility" in west_midlands
    screenshot(page, "compare-strategies")


def test_step_the_map_to_31_july_2019_and_open_a_lep(page: Any, server: str) -> None:
    page.goto(server + "map")
    latest = page.locator("svg.england path.kind-published").count()
    page.get_by_role("link", name="2019-07-31").click()
    page.wait_for_url("**/map?date=2019-07-31")
    published = page.locator("svg.england path.kind-published")
    assert 5 < published.count() < latest
    names = [p.get_attribute("data-lep") for p in published.all()]
    assert any(name.endswith(BLACK_COUNTRY) for name in names)  # published 16 May 2019
    assert not any(name.endswith(CUMBRIA) for name in names)  # submitted, never published
    screenshot(page, "map-2019-07-31")
    # hovering names a LEP; choosing it opens its page
    area = page.locator(f"svg.england a[href$='/id/lep/{BLACK_COUNTRY}']")
    assert "Black Country LEP" in area.locator("title").text_content()
    area.hover()
    area.dispatch_event("click")
    page.wait_for_url(f"**/doc/lep/{BLACK_COUNTRY}")
    assert page.locator("h1").inner_text() == "Black Country LEP"
    assert page.locator(".summary-card").bounding_box()["y"] < 400
    screenshot(page, "lep-summary")


def test_the_editor_completes_a_class_from_the_data(page: Any, server: str) -> None:
    page.goto(server + "sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "document.querySelector('.CodeMirror').CodeMirror.setValue("
        "'PREFIX lis: <https://w3id.org/lisgraph/def/lis#>\\nSELECT * WHERE { ?s a ')"
    )
    page.evaluate(
        "(() => { const cm = document.querySelector('.CodeMirror').CodeMirror;"
        " cm.focus(); cm.setCursor(cm.lineCount(), 0); })()"
    )
    page.keyboard.type("lis:Loc", delay=60)
    hints = page.locator(".CodeMirror-hints li")
    hints.filter(has_text="lis:LocalIndustrialStrategy").first.wait_for()
    texts = hints.all_inner_texts()
    assert all(t.startswith("lis:Loc") for t in texts), texts  # only what was typed
    wanted = [t for t in texts if t.startswith("lis:LocalIndustrialStrategy ")]
    assert wanted and "37 in the data" in wanted[0], texts
    screenshot(page, "editor-completion")
    page.locator(".CodeMirror-hints li", has_text="lis:LocalIndustrialStrategy ").first.click()
    value = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert value.rstrip().endswith("?s a lis:LocalIndustrialStrategy")


def test_sources_of_a_result_of_a_hundred_and_more_rows(page: Any, server: str) -> None:
    """Review E3: the Sources view on CQ19 (every dated event, 136 rows then) asked one query
    of 224,651 characters and got a 400; it now sends as many as fit under the endpoint's
    limit. The rows expected are CQ19's answer, written from the sources."""
    answer = PROJECT_DIR / "tests" / "competency" / "19-programme-events.csv"
    with answer.open(encoding="utf-8", newline="") as rows_file:
        expected = sum(1 for _ in csv.DictReader(rows_file))
    assert expected > 100
    page.goto(server + "sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    example = page.locator("a[data-example]", has_text="The whole programme as dated events")
    example.click()
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=30_000)
    page.locator(".yasr button.select_Sources").click()
    status = page.locator(".yasr .sources-status")
    status.filter(has_text="rows are joined").wait_for(timeout=60_000)
    text = status.inner_text()
    joined = int(text.split(" of ", 1)[0])
    assert text.split(" of ", 1)[1].startswith(f"{expected} rows") and joined > 0, text
    queries = page.locator(".yasr .sources details summary").inner_text()
    assert queries.startswith("The ") and "queries that found them" in queries, queries
    screenshot(page, "sources-of-cq19")


MAP_QUERY = """#defaultView:Map
PREFIX lis: <https://w3id.org/lisgraph/def/lis#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?lep ?name ?wkt WHERE {
  ?lep a lis:LocalEnterprisePartnership ; skos:prefLabel ?name ;
    lis:area/geo:hasGeometry/geo:asWKT ?wkt
}"""


def test_a_query_returning_wkt_shows_a_map(page: Any, server: str) -> None:
    from urllib.parse import quote

    page.goto(server + "sparql?query=" + quote(MAP_QUERY))
    drawn = page.locator(".yasr svg.result-map")
    drawn.wait_for(timeout=30_000)
    links = drawn.locator("a")
    assert links.count() == 38  # one per LEP, each its own shapes
    assert drawn.locator("path").count() >= 38
    titles = drawn.locator("a path title").all_text_contents()
    assert "Cumbria LEP" in titles
    screenshot(page, "sparql-map")
    cumbria = drawn.locator(f"a[href='{server}id/lep/{CUMBRIA}']")
    cumbria.dispatch_event("click")
    page.wait_for_url(f"**/doc/lep/{CUMBRIA}")
    assert page.locator("h1").inner_text() == "Cumbria LEP"


def _chart(page: Any, server: str, example: str, view: str) -> dict[str, Any]:
    """Run an example query in the editor, choose ``view``, and read its chart's data."""
    page.goto(server + "sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator("a[data-example]", has_text=example).click()
    page.locator(".yasr table.dataTable tbody tr").first.wait_for(timeout=30_000)
    page.locator(f".yasr button.select_{view}").click()
    page.locator(".yasr .result-view canvas").wait_for(timeout=15_000)
    chart: dict[str, Any] = page.evaluate(
        """() => { const c = Chart.getChart(document.querySelector('.yasr .result-view canvas'));
                   return { labels: c.data.labels || [],
                            ticks: c.scales.y.ticks.map(t => String(t.label)),
                            datasets: c.data.datasets.map(d => d.label),
                            legend: c.options.plugins.legend.display }; }"""
    )
    return chart


def test_charts_name_rows_by_their_labels(page: Any, server: str) -> None:
    """Review E10: CQ17's bars were IRI slugs though ?title is there; CQ19's timeline rows GSS
    codes though ?lepName is there, every mark the same colour."""
    bars = _chart(page, server, "How many priorities", "BarChart")
    assert bars["labels"] and all(" " in label for label in bars["labels"]), bars["labels"]
    assert not any(label.endswith("-lis") for label in bars["labels"])
    screenshot(page, "sparql-bar-chart-labels")
    timeline = _chart(page, server, "The whole programme as dated events", "Timeline")
    assert "Cumbria LEP" in timeline["ticks"], timeline["ticks"][:5]
    assert not any(t.startswith("E37") for t in timeline["ticks"])
    assert timeline["legend"] and {"draft", "published"} <= set(timeline["datasets"])  # by kind
    screenshot(page, "sparql-timeline-labels")


def test_a_wide_result_table_does_not_widen_the_page(page: Any, server: str) -> None:
    """Review E10: CQ13's table made the page 1,859 px wide at a 1,280 px window; at 800 px
    too it stays in its box."""
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(server + "sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator("a[data-example]", has_text="growth deal").click()
    page.locator(".yasr table.dataTable tbody tr").first.wait_for(timeout=30_000)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow} px wider than the window"
