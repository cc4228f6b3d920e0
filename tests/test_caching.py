"""Validators, 304s and the per-build query cache, over HTTP against the real server."""

from __future__ import annotations

import time

import pytest
import requests

QUERY = "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("doc/lep/E37000057", "text/turtle"),
        ("doc/lep/E37000057", "text/html"),
        ("def/lis", "text/html"),
        ("catalog", "text/turtle"),
        (".well-known/void", "text/turtle"),
        ("", "text/html"),
    ],
)
def test_pages_have_validators_and_answer_304(server: str, path: str, accept: str) -> None:
    first = requests.get(server + path, headers={"Accept": accept}, timeout=30)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert (
        "max-age=300" in first.headers["Cache-Control"]
        and "public" in first.headers["Cache-Control"]
    )
    again = requests.get(
        server + path, headers={"Accept": accept, "If-None-Match": etag}, timeout=30
    )
    assert again.status_code == 304 and again.content == b""
    changed = requests.get(
        server + path, headers={"Accept": accept, "If-None-Match": '"other"'}, timeout=30
    )
    assert changed.status_code == 200 and changed.content == first.content


def test_repeated_query_is_answered_from_the_cache(server: str) -> None:
    unique = f"{QUERY} # {time.time()}"  # a query no earlier test has sent
    params = {"query": unique}
    headers = {"Accept": "application/sparql-results+json"}
    # Two workers each keep their own cache: ask until both have answered once.
    states = []
    bodies = set()
    for _ in range(8):
        response = requests.get(server + "sparql", params=params, headers=headers, timeout=30)
        states.append(response.headers["X-Lisgraph-Cache"])
        bodies.add(response.content)
    assert states[0] == "miss" and "hit" in states
    assert states.count("miss") <= 2, states  # at most one miss per worker
    assert len(bodies) == 1, "cached and uncached answers differ"
    # Another format is another entry, not the JSON answer.
    csv = requests.get(server + "sparql", params=params, headers={"Accept": "text/csv"}, timeout=30)
    assert csv.headers["Content-Type"].startswith("text/csv")


def test_post_results_are_not_marked_cacheable(server: str) -> None:
    response = requests.post(server + "sparql", data={"query": QUERY}, timeout=30)
    assert response.status_code == 200 and "ETag" not in response.headers
