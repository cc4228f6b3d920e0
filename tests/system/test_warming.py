"""Pages made before anyone asks (``lisgraph.web.warming``): a worker's warmer fills the build's
page cache in the background, and the in-process app warms nothing by itself."""

from __future__ import annotations

from lisgraph import BuildResult
from lisgraph.web import create_app
from lisgraph.web.dataset import EXTENSION_KEY
from lisgraph.web.warming import HUBS, WARMER_KEY, WHOLE_BUILD

from ..helpers import LOCAL, PROJECT_DIR


def test_the_warmer_makes_the_whole_build_pages_and_one_page_of_each_kind(
    built: BuildResult,
) -> None:
    app = create_app({"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(built.out_dir)})
    snapshot = app.extensions[EXTENSION_KEY].snapshot()
    client = app.test_client()
    assert client.get("/health").status_code == 200
    assert len(snapshot.pages) == 0  # nothing warmed unless a worker starts it

    warmer = app.extensions[WARMER_KEY]
    warmer.rest = 0  # nothing else runs here: no need to leave the worker time
    warmer.start([LOCAL])
    warmer.join(120)
    kept = snapshot.pages.paths()
    assert {path for path, _ in WHOLE_BUILD} <= kept
    assert {"/id/lep/", "/id/strategy/"} <= kept, sorted(kept)
    # One page of each kind, and the pages of the things most linked to.
    kinds = {path for path in kept if path.startswith("/id/") and path.count("/") == 3}
    docs = {path for path in kept if path.startswith("/doc/") and path != "/doc/"}
    assert len(docs) >= len(kinds) + HUBS // 2, sorted(docs)
    # A visitor at that root gets the kept page (the same bytes a fresh render gives).
    fresh = create_app({"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(built.out_dir)})
    for path in ("/", "/sitemap.xml"):
        warm = client.get(path, headers={"Accept": "*/*"})
        cold = fresh.test_client().get(path, headers={"Accept": "*/*"})
        assert warm.status_code == cold.status_code == 200
        assert warm.data == cold.data


def test_a_root_first_seen_in_a_request_gets_its_pages_too(built: BuildResult) -> None:
    app = create_app(
        {
            "PROJECT_DIR": str(PROJECT_DIR),
            "DIST_DIR": str(built.out_dir),
            "ALLOWED_HOSTS": "localhost, data.example.org",
        }
    )
    snapshot = app.extensions[EXTENSION_KEY].snapshot()
    warmer = app.extensions[WARMER_KEY]
    warmer.rest = 0  # nothing else runs here: no need to leave the worker time
    warmer.start([LOCAL])
    warmer.join(120)
    kept = len(snapshot.pages)
    # A host the operator does not accept is refused before it reaches the warmer.
    refused = app.test_client().get("/health", base_url="http://evil.example/")
    assert refused.status_code == 400
    assert "http://evil.example/" not in warmer.roots
    # A visitor through a proxy that names another accepted host: its pages are made as well.
    app.test_client().get("/health", base_url="http://data.example.org/")
    assert "http://data.example.org/" in warmer.roots
    warmer.join(120)
    # (the cache keeps at most 256 pages: the first root's oldest make room)
    assert len(snapshot.pages) >= min(2 * kept, snapshot.pages.entries)
