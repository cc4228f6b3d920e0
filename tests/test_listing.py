"""Class pages: every LEP, district and strategy with its key facts, sortable, filtered by
facets and paged."""

from __future__ import annotations

import re

from lisgraph.store.embedded import EmbeddedStore
from lisgraph.views.listing import list_kind

from .helpers import BASE, InProcessHTTP


def test_every_lep_with_its_facts(store: EmbeddedStore) -> None:
    listing = list_kind(store, BASE, "lep", size=100)
    assert listing is not None and listing.total == 38
    by_iri = {row["item"]: row for row in listing.rows}
    semlep = by_iri[BASE + "id/lep/E37000057"]
    assert (semlep["code"], semlep["districts"], semlep["wave"]) == ("E37000057", "11", "Wave 1")
    districts = store.query(
        f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d <{BASE}def/lis#inLEPArea> ?a }}"
    ).rows()
    assert sum(int(r["districts"]) for r in listing.rows) == int(districts[0]["n"].value)


def test_sorting_filters_and_facet_counts(store: EmbeddedStore) -> None:
    listing = list_kind(store, BASE, "lep", sort="districts", descending=True, size=100)
    assert listing is not None
    counts = [int(row["districts"]) for row in listing.rows]
    assert counts == sorted(counts, reverse=True)
    waves = dict(listing.facets["wave"])
    assert sum(waves.values()) == 38
    wave_one = list_kind(store, BASE, "lep", chosen={"wave": "Wave 1"}, size=100)
    assert wave_one is not None and wave_one.total == waves["Wave 1"]
    assert all("Wave 1" in row["wave"] for row in wave_one.rows)
    # the other facet is counted within the chosen wave
    assert sum(n for _, n in wave_one.facets["status"]) >= wave_one.total


def test_paging(store: EmbeddedStore) -> None:
    first = list_kind(store, BASE, "district", page=1, size=50)
    last = list_kind(store, BASE, "district", page=99, size=50)
    assert first is not None and last is not None
    assert (first.total, first.pages, last.page) == (314, 7, 7)
    assert len(first.rows) == 50 and len(last.rows) == 314 - 6 * 50
    names = [row["label"].lower() for row in first.rows]
    assert names == sorted(names)
    assert list_kind(store, BASE, "no-such-kind") is None


def test_the_class_page_is_sortable_by_its_headings(http: InProcessHTTP, server: str) -> None:
    page = http.get(server + "id/lep/?sort=districts&order=desc", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'aria-sort="descending"' in page.text
    assert f'href="{server}id/lep/?sort=districts"' in page.text  # the heading sorts back up
    numbers = [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', page.text)]
    assert len(numbers) == 38 and numbers == sorted(numbers, reverse=True)
    strategies = http.get(server + "id/strategy/?status=published", headers={"Accept": "text/html"})
    assert "published</strong>" in strategies.text and "show all" in strategies.text
