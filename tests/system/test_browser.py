"""The web interface in a real browser: Debian's Chromium driven by Playwright, against the real
server on loopback. Every test fails on a JavaScript error or on any request to another host.
Screenshots of the main pages are saved in tests/output/screenshots/ for reviewers."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .browser import browser, page, pytestmark, screenshot

__all__ = ["browser", "page", "pytestmark"]  # the fixtures and the skip, used by the tests

LEP = "https://w3id.org/lisgraph/def/lis#LocalEnterprisePartnership"


def test_landing_page_to_a_lep(page: Any, server: str) -> None:
    page.goto(server)
    picture = page.get_by_role("img", name="The Local Industrial Strategy programme, LEP by LEP")
    assert picture.count() == 1
    assert page.locator("svg.programme g.row").count() == 38
    assert page.locator("svg.programme a.mark").count() >= 60
    screenshot(page, "landing")
    # nothing on the page covers a link: each link is the element at its own centre (but a
    # map's areas, whose box's centre may lie in the sea or in a neighbour: test_compare_map
    # checks that each has its link)
    covered = page.evaluate(
        """() => [...document.querySelectorAll('main a:not(svg.england a)')].filter(a => {
             // links not shown (in a closed text version) cannot be covered
             if (!a.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
             const box = a.getBoundingClientRect();
             if (!box.width || !box.height) return false;
             a.scrollIntoView({block: 'center'});
             const b = a.getClientRects()[0];  // a link wrapped on two lines: its first line
             const hit = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
             return !(hit && (hit === a || a.contains(hit)));
           }).map(a => a.textContent.trim() || a.getAttribute('href'))"""
    )
    assert covered == [], "links covered by something else"

    page.get_by_role("link", name="South East Midlands LEP", exact=True).first.click()
    page.wait_for_url(server + "doc/lep/E37000057")
    assert page.locator("h1").inner_text() == "South East Midlands LEP"
    for heading in (
        "The strategy's life",
        "Local Industrial Strategy",
        "Priorities by foundation of productivity",
        "Projects and funding",
        "Statistics",
        "Local authority districts (11)",
    ):
        assert page.get_by_role("heading", name=heading, exact=True).count() == 1, heading
    assert page.locator("#strategy-life li").count() >= 2
    screenshot(page, "lep")


def test_a_strategy_page_keeps_its_matrix(page: Any, server: str) -> None:
    page.goto(server + "id/strategy/south-east-midlands-lis")
    matrix = page.locator(".matrix table")
    assert matrix.locator("tbody tr").count() == 1
    assert "South East Midlands Local Industrial Strategy" in matrix.inner_text()


def test_money_and_dates_read_well(page: Any, server: str) -> None:
    page.goto(server + "id/investment/millbrook-vehicle-testing")
    assert page.get_by_text("£5 million", exact=True).count() == 1
    screenshot(page, "investment")


def test_example_query_runs_in_the_editor(page: Any, server: str) -> None:
    page.goto(server + "sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert not page.locator("form.fallback").is_visible()
    page.locator("a[data-example='0']").click()
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 30  # CQ1: every LEP in every wave
    screenshot(page, "sparql")

    with page.expect_download() as download:
        page.locator("#download-csv").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv.splitlines()[0] == "wave,announced,lep_code,lep"

    # A result IRI opens lisgraph's own page, not the canonical w3id.org address.
    page.goto(server + "sparql?query=" + quote(f"SELECT ?lep WHERE {{ ?lep a <{LEP}> }} LIMIT 3"))
    link = page.locator(f".yasr a[href^='{server}id/lep/']").first
    link.wait_for()
    link.click()
    page.wait_for_url(server + "doc/lep/*")
    assert page.locator("h1").inner_text()


def test_dump_download(page: Any, server: str) -> None:
    page.goto(server)
    with page.expect_download() as download:
        page.get_by_role("link", name="lisgraph.ttl.gz").click()
    turtle = gzip.decompress(Path(download.value.path()).read_bytes()).decode("utf-8")
    assert "@prefix lis: <https://w3id.org/lisgraph/def/lis#>" in turtle


def test_ontology_page_has_its_diagram(page: Any, server: str) -> None:
    page.goto(server + "def/lis")
    diagram = page.get_by_role("img", name="Diagram of the lisgraph ontology")
    assert diagram.count() == 1
    page.locator(".diagram a[href='#LocalEnterprisePartnership']").click()
    assert page.evaluate("location.hash") == "#LocalEnterprisePartnership"
    screenshot(page, "ontology")


def test_keyboard_and_phone(page: Any, server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "id/lep/E37000057")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, "the page scrolls sideways on a phone"
    screenshot(page, "lep-phone")
    page.goto(server)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    screenshot(page, "landing-phone")
