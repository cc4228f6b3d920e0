"""Finding resources by name: the index (normalisation, ranking, codes, IRIs, classes) and
``/search`` (JSON and HTML, from every page's search box)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lisgraph.search_index import CANDIDATES, Entry, normalise, search, write_index

from .helpers import BASE, InProcessHTTP

LEP = "http://example.org/def#LEP"
DISTRICT = "http://example.org/def#District"


@pytest.fixture()
def index(tmp_path: Path) -> Path:
    path = tmp_path / "search.sqlite"
    entries = [
        Entry(
            "http://example.org/lep/5",
            "Cornwall & Isles of Scilly LEP",
            LEP,
            "LEP",
            ("Cornwall & Isles of Scilly LEP", "Cornwall and Isles of Scilly", "E37000005"),
        ),
        Entry(
            "http://example.org/district/52",
            "Cornwall",
            DISTRICT,
            "District",
            ("Cornwall", "E06000052"),
        ),
        Entry(
            "http://example.org/district/9",
            "North Cornwall Coast",
            DISTRICT,
            "District",
            ("North Cornwall Coast",),
        ),
        Entry(
            "http://example.org/district/1",
            "Bournemouth",
            DISTRICT,
            "District",
            ("Bournemouth", "E06000058"),
        ),
    ]
    assert write_index(entries, path) == 4
    return path


def test_names_are_compared_without_case_accents_or_punctuation() -> None:
    assert normalise("  Brontë-Country_LEP ") == "bronte country lep"
    assert normalise("Cornwall & Isles") == normalise("cornwall AND isles")


def test_exact_then_prefix_then_word(index: Path) -> None:
    hits = search(index, "cornwall").hits
    assert [(h.label, h.rank) for h in hits] == [
        ("Cornwall", 0),
        ("Cornwall & Isles of Scilly LEP", 1),
        ("North Cornwall Coast", 2),
    ]


def test_prefix_as_you_type_and_codes(index: Path) -> None:
    assert {h.label for h in search(index, "Cornw").hits} == {
        "Cornwall",
        "Cornwall & Isles of Scilly LEP",
        "North Cornwall Coast",
    }
    districts = search(index, "E060000")
    assert {h.label for h in districts.hits} == {"Cornwall", "Bournemouth"}
    assert districts.by_class == [(DISTRICT, "District", 2)]
    assert search(index, "e37000005").hits[0].matched == "E37000005"


def test_an_iri_finds_its_resource_and_classes_filter(index: Path) -> None:
    assert [h.label for h in search(index, "http://example.org/district/1").hits] == ["Bournemouth"]
    only = search(index, "cornwall", class_iri=LEP)
    assert [h.label for h in only.hits] == ["Cornwall & Isles of Scilly LEP"]


def test_nothing_matches_nonsense_or_empty_text(index: Path) -> None:
    assert search(index, "zzzz").total == 0
    assert search(index, "").total == 0
    assert search(index, '"*%').total == 0  # FTS syntax and LIKE wildcards are only text


def test_a_short_query_looks_at_a_bounded_number_of_names(tmp_path: Path) -> None:
    path = tmp_path / "broad.sqlite"
    many = 3 * CANDIDATES
    entries = [  # "C" exactly; many names starting with c; many with a word starting with c
        Entry("http://example.org/c", "C", LEP, "LEP", ("C",)),
        *(
            Entry(f"http://example.org/p/{i}", f"Cz {i:04}", DISTRICT, "District", (f"Cz {i:04}",))
            for i in range(many)
        ),
        *(
            Entry(
                f"http://example.org/w/{i}", f"W {i:04} c", DISTRICT, "District", (f"W {i:04} c",)
            )
            for i in range(many)
        ),
    ]
    write_index(entries, path)
    short = search(path, "c")
    assert short.capped  # more matched than were looked at: the counts are lower bounds
    assert CANDIDATES < short.total <= 2 * (CANDIDATES + 1) + 1 < 2 * many
    # still best first among those looked at: the exact name, then names starting with it
    assert [h.rank for h in short.hits[:3]] == [0, 1, 1] and short.hits[0].label == "C"
    # a longer query is never cut: every match is counted and ranked
    longer = search(path, "cz 0")
    assert not longer.capped and longer.total == many
    assert [h.label for h in longer.hits[:2]] == ["Cz 0000", "Cz 0001"]


def test_search_json_finds_a_lep_by_name_and_code(http: InProcessHTTP, server: str) -> None:
    answer = http.get(server + "search?q=cornw", headers={"Accept": "application/json"}).json()
    assert answer["total"] >= 2
    iris = [r["iri"] for r in answer["results"]]
    assert BASE + "id/lep/E37000005" in iris
    assert {c["label"] for c in answer["classes"]} >= {"Local Enterprise Partnership"}
    by_code = http.get(server + "search?q=E37000005&format=json").json()
    assert by_code["results"][0]["iri"] in (
        BASE + "id/lep/E37000005",
        BASE + "id/lep-area/E37000005",
    )
    assert by_code["results"][0]["match"] == "exact"


def test_a_cut_short_search_says_its_counts_are_lower_bounds(
    http: InProcessHTTP, server: str
) -> None:
    broad = http.get(server + "search?q=e&format=json").json()
    assert broad["capped"] is True and broad["total"] > CANDIDATES
    page = http.get(server + "search?q=e", headers={"Accept": "text/html"}).text
    assert f"More than {broad['total']} results" in page
    assert f"({broad['classes'][0]['count']}+)" in page
    narrow = http.get(server + "search?q=cornwall&format=json").json()
    assert narrow["capped"] is False
    assert "More than" not in http.get(server + "search?q=cornwall").text


def test_search_html_lists_hits_linking_to_their_pages(http: InProcessHTTP, server: str) -> None:
    page = http.get(server + "search?q=E060000", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f'href="{server}id/district/E06000052"' in page.text  # Cornwall
    assert "local authority district" in page.text


def test_every_page_has_a_labelled_search_box(http: InProcessHTTP, server: str) -> None:
    for path in ("", "id/lep/E37000057", "sparql", "def/lis"):
        page = http.get(server + path, headers={"Accept": "text/html"}).text
        assert 'role="search"' in page and 'for="site-search-q"' in page, path


def test_overlong_search_text_is_a_400(http: InProcessHTTP, server: str) -> None:
    assert http.get(server + "search?q=" + "a" * 201).status_code == 400
