"""The query page in Chromium (Debian's, driven by Playwright) against running servers, e.g. one
of main and one of a branch over the same build: what a first visit downloads (the bytes sent,
``Content-Length`` of every response), its DOMContentLoaded and load times, and the
DOMContentLoaded and requests for ``/static/`` files of a second visit in the same browser
context (warm cache). The servers are visited alternately, each visit in a new context.

    python bench/query_page_load.py before=http://127.0.0.1:5251/ \\
        after=http://127.0.0.1:5252/ [--rounds 5]

Loopback only: over it bytes cost next to nothing, so the times are what the browser spends
parsing and running, and the bytes are what a slower network would wait for.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from typing import Any

from playwright.sync_api import sync_playwright


def _navigation(page: Any) -> dict[str, float]:
    entry = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    timing: dict[str, float] = json.loads(entry)
    return timing


KEYS = (
    "first DCL ms",
    "first load ms",
    "first KB sent",
    "second DCL ms",
    "second /static/ requests",
)


def _visit(browser: Any, url: str) -> dict[str, float]:
    """One first visit to the query page in a new context, then a second in the same one."""
    context = browser.new_context()
    page = context.new_page()
    sent: list[int] = []
    page.on("response", lambda r: sent.append(int(r.header_value("content-length") or 0)))
    page.goto(url + "sparql", wait_until="load")
    first = _navigation(page)
    first_bytes = sum(sent)
    static: list[str] = []
    page.on("request", lambda r: static.append(r.url) if "/static/" in r.url else None)
    page.goto(url + "sparql", wait_until="load")
    second = _navigation(page)
    context.close()
    return {
        "first DCL ms": first["domContentLoadedEventEnd"],
        "first load ms": first["loadEventEnd"],
        "first KB sent": first_bytes / 1024,
        "second DCL ms": second["domContentLoadedEventEnd"],
        "second /static/ requests": len(static),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("servers", nargs="+", help="NAME=URL (the URL ends with '/')")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    servers = dict(arg.split("=", 1) for arg in args.servers)
    found: dict[str, dict[str, list[float]]] = {n: {k: [] for k in KEYS} for n in servers}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(args.rounds):
            for name, url in servers.items():
                for key, value in _visit(browser, url).items():
                    found[name][key].append(value)
        browser.close()
    print("| server | " + " | ".join(KEYS) + " |")
    print("|---|" + "---:|" * len(KEYS))
    for name, row in found.items():
        print(f"| {name} | " + " | ".join(f"{statistics.median(row[k]):.0f}" for k in KEYS) + " |")


if __name__ == "__main__":
    main()
