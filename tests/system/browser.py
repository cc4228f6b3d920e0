"""A real browser for the system tests: Debian's Chromium driven by Playwright against the real
server on loopback. A page fails its test on any JavaScript error or any request to another
host. Screenshots go to tests/output/screenshots/ for reviewers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'"
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).parents[1] / "output" / "screenshots"
# What the machine's closed network needs: no background calls to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: apt-get install chromium"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watch:
    """What a page did that it must not: script errors, requests to other hosts."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.errors: list[str] = []
        self.elsewhere: list[str] = []

    def request(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.root, "data:", "blob:")):
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    watch = Watch(server)
    context.route("**/*", watch.request)
    opened = context.new_page()
    opened.on("console", watch.console)
    opened.on("pageerror", lambda error: watch.errors.append(str(error)))
    yield opened
    context.close()
    assert watch.errors == [], "JavaScript errors"
    assert watch.elsewhere == [], "requests to hosts other than the server"


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
