"""Pages made before anyone asks: a worker fills its build's page cache in the background.

A page that depends only on the build is made once per build and kept (:mod:`.page_cache`),
but its first request in a worker pays for it: at 100,000 triples ``/`` or the sitemap take
0.2 s and VoID 3 to 4 s (1 s on the project's 5,000 triples), and the first page of a kind
about 0.1 s more than the next one while the templates compile; under a query flood, more.
So when a gunicorn worker starts, and whenever it moves to a new build, a background thread
asks the app itself (its test client, nothing on the network) for the whole-build pages
(``/``, the sitemap, VoID, the catalogue, the index pages, the ontology, the first page of each
kind), one page of each kind of thing and the pages of the things most linked to (the
costliest to make), under each URL root the worker has been reached at
(its bind address to start with; a root first seen in a request gets its own pass) and the
usual ``Accept`` headers. The thread asks each page
once, rests as long as each page took before the next (so it takes at most half the
worker's time), stops when a newer build replaces the one it warms, and never runs twice at
once in a worker. (It keeps the worker's CPU priority: a lower one would stall the worker's other
threads whenever it held the interpreter's lock while the query processes took the cores.)

In-process (Flask's test client, ``serve --debug``) nothing is warmed: only gunicorn's worker
hook starts it (:mod:`.gunicorn_app`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable

from flask import Flask, request

from .. import sparql_text
from .dataset import EXTENSION_KEY, Snapshot, SnapshotHolder

__all__ = ["PageWarmer", "init_app"]

log = logging.getLogger(__name__)

WARMER_KEY = "lisgraph.warmer"
#: Pages that depend only on the build, with the Accept headers each is warmed for (the page
#: cache counts a request without one as "*/*").
WHOLE_BUILD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("/", ("text/html", "*/*")),
    ("/robots.txt", ("*/*",)),
    ("/context.jsonld", ("*/*",)),
    ("/catalog", ("text/html", "*/*")),
    ("/sitemap.xml", ("*/*",)),
    ("/id/", ("text/html", "*/*")),
    ("/doc/", ("text/html", "*/*")),
    ("/graph/", ("text/html", "*/*")),
    ("/def/lis", ("text/html", "*/*")),
    ("/map", ("text/html",)),
    ("/compare", ("text/html",)),
    ("/.well-known/void", ("*/*", "text/turtle")),
)
#: How many of the things most linked to have their pages made (the page cache keeps 256).
HUBS = 48
#: URL roots remembered per worker (the first ones seen).
MAX_ROOTS = 4
AGENT = "lisgraph-page-warmer"


class PageWarmer:
    """Warms the current build's pages in a background thread; see the module."""

    def __init__(self, app: Flask, holder: SnapshotHolder) -> None:
        self.app = app
        self.holder = holder
        self.roots: list[str] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pending = False
        self.enabled = False
        self.warmed = 0  # pages made, in all passes
        #: After each page, rest this many times as long as it took (1: at most half the
        #: worker's time goes to warming; 0: no rest, for a machine with nothing else to do).
        self.rest = 1.0

    def add_roots(self, roots: Iterable[str]) -> None:
        with self._lock:
            for root in roots:
                if root not in self.roots and len(self.roots) < MAX_ROOTS:
                    self.roots.append(root)

    def start(self, roots: Iterable[str] = ()) -> None:
        """Warm the current build now (in the background), and every build switched to later."""
        self.add_roots(roots)
        with self._lock:
            self.enabled = True
            if self._thread is not None and self._thread.is_alive():
                self._pending = True  # one more pass when this one ends
                return
            self._thread = threading.Thread(target=self._run, name="lisgraph-warm", daemon=True)
            self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the pass under way, if any (tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def switched(self, _snapshot: Snapshot) -> None:
        if self.enabled:
            self.start()

    def _run(self) -> None:
        while True:
            snapshot = self.holder.snapshot()
            try:
                self._warm(snapshot)
            except Exception:  # a bug in a page: logged; visitors will see it too
                log.exception("Warming the page cache failed")
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
                self._pending = False

    def _warm(self, snapshot: Snapshot) -> None:
        client = self.app.test_client()
        with self._lock:
            roots = list(self.roots)
        started = time.monotonic()
        made = 0
        for path, accepts in self._pages(snapshot):
            for root in roots:
                for accept in accepts:
                    if self.holder.snapshot() is not snapshot:
                        return  # a newer build: its own pass follows
                    headers = {"User-Agent": AGENT, "Accept": accept}
                    began = time.monotonic()
                    client.get(path, base_url=root, headers=headers).close()
                    made += 1
                    # Rest as long as the page took: at most half the worker's time (and its
                    # interpreter lock) goes to pages nobody has asked for yet.
                    time.sleep(self.rest * (time.monotonic() - began))
        self.warmed += made
        log.info(
            "Made %d pages of build %s in %.1f s (pid %d)",
            made,
            snapshot.build_info.get("inputs_digest"),
            time.monotonic() - started,
            os.getpid(),
        )

    def _pages(self, snapshot: Snapshot) -> list[tuple[str, tuple[str, ...]]]:
        """What to make, the likeliest to be asked first and the cheapest first: the landing
        page, the pages of the things most linked to, one page of each kind, then the other
        whole-build pages (VoID, the costliest, last)."""
        prefix = snapshot.base + "id/"
        # The things most linked to: their pages cost the most to make (a LEP's at 100,000
        # triples 0.37 s, a leaf's 0.03 s), and visitors reach them most.
        hubs = snapshot.store.query(
            "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "
            f"{sparql_text.string(prefix)})) }} GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT {HUBS}"
        ).rows()
        pages: list[tuple[str, tuple[str, ...]]] = [WHOLE_BUILD[0]]
        pages += [("/doc/" + row["o"].value[len(prefix) :], ("text/html",)) for row in hubs]
        rows = snapshot.store.query(
            "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
            f"{sparql_text.string(prefix)})) }}"
        ).rows()
        first: dict[str, str] = {}
        for row in rows:
            iri = row["s"].value
            first.setdefault(iri[len(prefix) :].split("/", 1)[0], iri)
        for segment, iri in sorted(first.items()):
            pages.append((f"/id/{segment}/", ("text/html",)))
            page = ("/doc/" + iri[len(prefix) :], ("text/html",))
            if page not in pages:
                pages.append(page)
        pages += WHOLE_BUILD[1:]
        return pages


def init_app(app: Flask) -> None:
    """Attach a (not yet started) warmer that follows build switches and the roots asked at."""
    holder: SnapshotHolder = app.extensions[EXTENSION_KEY]
    warmer = PageWarmer(app, holder)
    app.extensions[WARMER_KEY] = warmer
    holder.listeners.append(warmer.switched)

    @app.before_request
    def _remember_root() -> None:
        roots = warmer.roots
        if warmer.enabled and len(roots) < MAX_ROOTS and request.url_root not in roots:
            # A root not seen before (a proxy's Host): make the pages under it too.
            warmer.start([request.url_root])
