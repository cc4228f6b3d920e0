"""Finding your way in a real browser (Chromium, Playwright): search from the start page, codes,
a statement's source, and resource names completed in the query editor. No JavaScript error and
no request to another host on any page (the ``page`` fixture checks)."""

from __future__ import annotations

from typing import Any

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
    ref = page.locator("sup.ref a").first
    target = ref.get_attribute("href")
    assert target is not None and target.startswith("#source-")
    ref.click()
    assert page.evaluate("location.hash") == target
    source = page.locator(f"li{target} > a").first
    assert source.is_visible()
    name = source.inner_text()
    source.click()
    page.wait_for_url(server + "doc/source/*")
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
