"""A worker sends at most ``DOWNLOAD_STREAMS`` files at once (``lisgraph.web.downloads``): each
holds a thread while its reader reads, so past the bound the answer is 503 with Retry-After,
and a file the server has finished with (or never began) gives its place back."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import cast

from lisgraph import BuildResult
from lisgraph.web import create_app
from lisgraph.web.dataset import EXTENSION_KEY

from .helpers import PROJECT_DIR


def test_files_sent_at_once_are_bounded_and_places_come_back(built: BuildResult) -> None:
    app = create_app(
        {"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(built.out_dir), "DOWNLOAD_STREAMS": 2}
    )
    client = app.test_client()
    # Two readers who have not finished: their files are still open on the server.
    held = [client.get("/downloads/lisgraph.nq", buffered=False) for _ in range(2)]
    assert [r.status_code for r in held] == [200, 200]
    refused = client.get("/downloads/lisgraph.nt")
    refused.close()
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    assert "2 files at once" in refused.get_data(as_text=True)
    # Pages are not held back.
    assert client.get("/health").status_code == 200
    # A reader that finishes (or goes away) gives its place back.
    body = b"".join(cast(Iterable[bytes], held[0].response))
    held[0].close()
    assert len(body) == (built.out_dir / "lisgraph.nq").stat().st_size
    again = client.get("/downloads/lisgraph.nt")
    assert again.status_code == 200 and again.data
    again.close()
    held[1].close()
    # A HEAD, a 304 and a missing file take no lasting place (once the server closes them).
    etag = {"If-None-Match": again.headers["ETag"]}
    for _ in range(3):
        for response, status in (
            (client.head("/downloads/lisgraph.nq"), 200),
            (client.get("/downloads/lisgraph.nt", headers=etag), 304),
            (client.get("/downloads/nothing.nq"), 404),
        ):
            assert response.status_code == status
            response.close()
    both = [client.get("/downloads/lisgraph.nq", buffered=False) for _ in range(2)]
    assert [r.status_code for r in both] == [200, 200]
    for response in both:
        response.close()


def test_places_come_back_with_gunicorns_file_wrapper(tmp_path: Path) -> None:
    """gunicorn's FileWrapper sets ``close`` on each instance: the count must still see it."""
    from gunicorn.http.wsgi import FileWrapper

    from lisgraph.web.downloads import Streams

    path = tmp_path / "file"
    path.write_bytes(b"x" * 10)
    counted = Streams(1).wrapper(FileWrapper)
    for _ in range(3):  # one place, taken and given back each time
        wrapper = counted(path.open("rb"))
        assert b"".join(wrapper) == b"x" * 10
        wrapper.close()
        assert wrapper.filelike.closed


def test_every_surface_that_sends_a_file_shares_the_bound(
    built: BuildResult, tmp_path: Path
) -> None:
    """The Graph Store's dataset and default graph, and spooled SPARQL answers, are files too
    (the reliability review's F2: 80 slow readers of /data held every thread)."""
    app = create_app(
        {
            "PROJECT_DIR": str(PROJECT_DIR),
            "DIST_DIR": str(built.out_dir),
            "DOWNLOAD_STREAMS": 3,
            "RESULT_MEMORY_BYTES": 10_000,  # answers past this are spooled to a file
            "RESULT_SPOOL_DIR": str(tmp_path),
        }
    )
    client = app.test_client()
    nquads = {"Accept": "application/n-quads"}
    held = [
        client.get("/data", headers=nquads, buffered=False),
        client.get("/data?default", headers={"Accept": "application/n-triples"}, buffered=False),
        client.get(
            "/sparql",
            query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
            headers={"Accept": "text/csv"},
            buffered=False,
        ),
    ]
    assert [r.status_code for r in held] == [200, 200, 200]
    assert all(r.direct_passthrough or r.is_streamed for r in held)
    for path, headers in (("/data", nquads), ("/downloads/lisgraph.nq", {})):
        refused = client.get(path, headers=headers)
        assert refused.status_code == 503, path
        assert "3 files at once" in refused.get_data(as_text=True)
        refused.close()
    assert client.get("/health").status_code == 200  # pages are not held back
    for response in held:
        response.close()
    again = client.get("/data", headers=nquads, buffered=False)
    assert again.status_code == 200
    again.close()
    app.extensions[EXTENSION_KEY].close()
