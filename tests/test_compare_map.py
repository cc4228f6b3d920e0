"""``/compare`` and ``/map``, in process: what they show is what the graph holds (asked of the
``store`` fixture by SPARQL, never hard-coded counts), the CSV is the same table, the map is SVG
with one linked path per LEP area, and the links resolve."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from lisgraph.store.embedded import EmbeddedStore
from lisgraph.views.england_map import parse_wkt

from .helpers import BASE

PREFIXES = (
    "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX geo: <http://www.opengis.net/ont/geosparql#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
CUMBRIA = "E37000007"
BLACK_COUNTRY = "E37000001"
SVG = "{http://www.w3.org/2000/svg}"


def _select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return [
        {k: v.value for k, v in row.items() if v is not None}
        for row in store.query(PREFIXES + query).rows()
    ]


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.content_type.startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True))))


def _hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def _local(href: str) -> str | None:
    """The path and query of a link to this server (None for another host)."""
    parts = urlsplit(href)
    if parts.netloc not in ("", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _lep_codes(store: EmbeddedStore) -> set[str]:
    rows = _select(
        store,
        "SELECT ?code WHERE { ?lep a lis:LocalEnterprisePartnership ; lis:area/lis:gssCode ?code }",
    )
    return {r["code"] for r in rows}


def test_every_lep_in_one_table(client: FlaskClient, store: EmbeddedStore) -> None:
    codes = _lep_codes(store)
    assert len(codes) == 38
    html = client.get("/compare").get_data(as_text=True)
    picked = re.findall(r'<input type="checkbox" name="lep" value="(E37\d{6})"', html)
    assert sorted(picked) == sorted(codes)
    rows = _csv(client, "/compare?format=csv")
    assert len(rows) == 1 + 38
    assert {row[rows[0].index("Code")] for row in rows[1:]} == codes


def test_the_table_sorts_by_a_column(client: FlaskClient, store: EmbeddedStore) -> None:
    rows = _csv(client, "/compare?format=csv&sort=districts&order=desc")
    at = rows[0].index("Districts")
    counts = [int(row[at]) for row in rows[1:]]
    assert counts == sorted(counts, reverse=True)
    html = client.get("/compare?sort=districts&order=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in html


def test_two_leps_side_by_side_show_what_the_graph_holds(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    rows = _csv(client, f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}&format=csv")
    header, fields = rows[0], {row[0]: row[1:] for row in rows[1:]}
    # columns in name order: Black Country, then Cumbria
    assert [h.rsplit("(", 1)[1].rstrip(")") for h in header[1:]] == [BLACK_COUNTRY, CUMBRIA]
    for column, code in enumerate((BLACK_COUNTRY, CUMBRIA)):
        lep = f"<{BASE}id/lep/{code}>"
        districts = _select(
            store,
            "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { "
            f"{lep} lis:area ?a . ?d lis:inLEPArea ?a }}",
        )
        assert fields["Districts (April 2020)"][column] == districts[0]["n"]
        regions = _select(
            store,
            f"SELECT ?name WHERE {{ {lep} lis:area/lis:inRegion/skos:prefLabel ?name }}",
        )
        assert set(fields["Region(s)"][column].split("; ")) == {r["name"] for r in regions}
        stages = _select(
            store,
            "SELECT ?label ?date WHERE { ?s a lis:LocalIndustrialStrategy ; "
            f"dcterms:creator {lep} ; lis:latestStatus/skos:prefLabel ?label "
            "OPTIONAL { ?s lis:latestStatusDate ?date } }",
        )
        assert stages, code
        shown = fields["Latest stage, date and source"][column]
        for stage in stages:
            assert stage["label"] in shown and stage.get("date", "") in shown
        waves = _select(
            store, f"SELECT ?name WHERE {{ ?w lis:waveMember {lep} ; skos:prefLabel ?name }}"
        )
        assert set(fields["Wave"][column].split("; ")) == {w["name"] for w in waves}
        funding = _select(
            store,
            "SELECT DISTINCT ?a WHERE { ?a a lis:FundingAllocation ; "
            f"lis:recipient {lep} ; lis:amount ?x }}",
        )
        listed = fields["Funding"][column]
        assert (len(listed.split("; ")) if listed else 0) == len(funding)
        priorities = _select(
            store,
            f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?x dcterms:creator {lep} ; "
            "lis:priority ?p }",
        )
        # no priority listed is "not stated": a count of 0 would be a claim no source makes
        expected = priorities[0]["n"] if priorities[0]["n"] != "0" else "not stated"
        assert fields["Priorities (all)"][column] == expected
    assert fields["Districts (April 2020)"] != ["0", "0"]
    assert any(fields["Funding"])  # Cumbria's Growth Deal rounds


def test_each_panel_shows_the_query_that_gives_its_numbers(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    html = client.get(f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}").get_data(as_text=True)
    panel_links = [h for h in _hrefs(html) if "/sparql?query=" in h]
    assert len(panel_links) == 5
    for href in panel_links:
        query = parse_qs(urlsplit(href).query)["query"][0]
        assert CUMBRIA in query and BLACK_COUNTRY in query
        answer = client.get(_local(href), headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, query
    # the priorities panel: its query's counts are the page's
    priorities = next(
        parse_qs(urlsplit(h).query)["query"][0]
        for h in panel_links
        if "servesFoundation" in parse_qs(urlsplit(h).query)["query"][0]
    )
    counts: dict[tuple[str, str], int] = {}
    for row in store.query(priorities).rows():
        key = (row["code"].value, row["c_label"].value)
        counts[key] = counts.get(key, 0) + int(row["n"].value)
    table = _csv(client, f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}&format=csv")
    for line in table[1:]:
        if line[0].startswith(("Foundation: ", "Grand Challenge: ")):
            label = line[0].split(": ", 1)[1]
            assert line[1:] == [
                str(counts.get((code, label), "not stated")) for code in (BLACK_COUNTRY, CUMBRIA)
            ], line[0]


def test_priorities_no_source_lists_are_not_stated(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    listed = {
        r["code"]: int(r["n"])
        for r in _select(
            store,
            "SELECT ?code (COUNT(DISTINCT ?p) AS ?n) WHERE { "
            "?lep a lis:LocalEnterprisePartnership ; lis:area/lis:gssCode ?code "
            "OPTIONAL { ?x dcterms:creator ?lep ; lis:priority ?p } } GROUP BY ?code",
        )
    }
    assert 0 in listed.values() and any(listed.values())
    rows = _csv(client, "/compare?format=csv")
    code, shown = rows[0].index("Code"), rows[0].index("Priorities")
    assert {row[code]: row[shown] for row in rows[1:]} == {
        c: str(n) if n else "" for c, n in listed.items()
    }
    html = client.get("/compare").get_data(as_text=True)
    none = next(c for c, n in listed.items() if not n)
    row = html[html.index(f'id="pick-{none}"') :].split("</tr>", 1)[0]
    assert "not stated" in row and ">0<" not in row


def test_a_stage_several_sources_date_alike_is_one_line(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    events = _select(
        store,
        "SELECT DISTINCT ?label ?date ?source WHERE { ?s a lis:LocalIndustrialStrategy ; "
        f"dcterms:creator <{BASE}id/lep/{BLACK_COUNTRY}> ; lis:statusRecord ?e . "
        "?e lis:status/skos:prefLabel ?label ; dcterms:source ?source "
        "OPTIONAL { ?e dcterms:date ?date } }",
    )
    by_stage: dict[tuple[str, str], set[str]] = {}
    for e in events:
        by_stage.setdefault((e["label"], e.get("date", "undated")), set()).add(e["source"])
    stage, sources = max(by_stage.items(), key=lambda item: len(item[1]))
    assert len(sources) > 1
    rows = _csv(client, f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}&format=csv")
    life = next(row[1] for row in rows if row[0] == "Every stage the sources record")
    assert life.split("; ").count(", ".join(stage)) == 1
    html = client.get(f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}").get_data(as_text=True)
    life_row = html[html.index("Every stage the sources record") :].split("</tr>", 1)[0]
    item = life_row[life_row.index(f">{', '.join(stage)}</a>") :].split("</li>", 1)[0]
    assert f"{len(sources)} sources:" in item
    assert {unescape(h) for h in re.findall(r'href="([^"]+)"', item)} == {
        s.replace(BASE, "http://localhost/") for s in sources
    }
    # the LEP page's life of the strategy: that stage once, naming each of its sources
    page = client.get(f"/doc/lep/{BLACK_COUNTRY}.html").get_data(as_text=True)
    life_html = page[page.index('id="strategy-life"') :].split("</section>", 1)[0]
    items = [i for i in life_html.split("<li>")[1:] if f">{stage[0]}</a>" in i]
    dated = [i for i in items if f'datetime="{stage[1]}"' in i]
    assert len(dated) == 1
    assert len(re.findall(r"/id/source/", dated[0])) == len(sources)


def test_rows_that_differ_are_marked(client: FlaskClient) -> None:
    html = client.get(f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}").get_data(as_text=True)
    rows = re.findall(r'<tr class="(differs|same)"><th scope="row">([^<]+)<', html)
    marks = dict((label.strip(), mark) for mark, label in rows)
    assert marks["Districts (April 2020)"] == "differs"  # 4 and 6
    assert marks["Region(s)"] == "differs"
    assert "same" in marks.values()  # e.g. a foundation neither links to


def test_every_link_of_a_comparison_resolves(client: FlaskClient) -> None:
    html = client.get(f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}").get_data(as_text=True)
    paths = {p for p in map(_local, _hrefs(html)) if p and "/sparql" not in p}
    assert len(paths) > 20
    for path in sorted(paths):
        response = client.get(path, follow_redirects=True)  # /id/... answers 303 to /doc/...
        response.close()  # static files are streamed from an open file
        assert response.status_code == 200, path


def test_a_lep_page_leads_to_its_comparison(client: FlaskClient) -> None:
    html = client.get(f"/doc/lep/{CUMBRIA}.html").get_data(as_text=True)
    link = next(h for h in _hrefs(html) if "/compare?lep=" in h)
    page = client.get(_local(link))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'value="{CUMBRIA}" id="pick-{CUMBRIA}" checked' in text


def test_the_page_cache_keeps_each_comparison_apart(client: FlaskClient) -> None:
    every = client.get("/compare").get_data(as_text=True)
    two = client.get(f"/compare?lep={CUMBRIA}&lep={BLACK_COUNTRY}").get_data(as_text=True)
    assert every != two and "Compare 2 LEPs" in two


@pytest.mark.parametrize("bad", ["E99", "<x>", "E37000001 } ; DROP"])
def test_a_bad_lep_is_a_400(client: FlaskClient, bad: str) -> None:
    assert client.get("/compare", query_string={"lep": [bad, CUMBRIA]}).status_code == 400


def _map_svg(html: str) -> ET.Element:
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    return ET.fromstring(svg)


def test_the_map_has_one_linked_path_per_lep_area(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    shaped = _select(
        store,
        "SELECT DISTINCT ?lep WHERE { ?lep a lis:LocalEnterprisePartnership ; lis:area ?a . "
        "?a geo:hasGeometry/geo:asWKT ?w }",
    )
    assert len(shaped) == 38
    answer = client.get("/map")
    assert answer.status_code == 200
    svg = _map_svg(answer.get_data(as_text=True))
    assert svg.tag == f"{SVG}svg"
    links = svg.findall(f"{SVG}a")
    assert len(links) == len(shaped)
    hrefs = []
    for link in links:
        paths = link.findall(f"{SVG}path")
        assert len(paths) == 1 and paths[0].get("d", "").startswith("M")
        assert paths[0].find(f"{SVG}title") is not None
        hrefs.append(link.get("href", ""))
    expected = {f"http://localhost/id/lep/{r['lep'].rsplit('/', 1)[1]}" for r in shaped}
    assert set(hrefs) == expected
    for href in sorted(hrefs)[:3]:
        assert client.get(_local(href), follow_redirects=True).status_code == 200


def test_the_home_page_carries_the_map(client: FlaskClient) -> None:
    svg = _map_svg(client.get("/").get_data(as_text=True).split('id="map"', 1)[1])
    assert len(svg.findall(f"{SVG}a")) == 38


def test_wkt_polygons_and_multipolygons() -> None:
    square = "0 0, 1 0, 1 1, 0 1, 0 0"
    hole = "0.2 0.2, 0.4 0.2, 0.4 0.4, 0.2 0.2"
    assert parse_wkt(f"POLYGON (({square}), ({hole}))") == [
        [
            [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)],
            [(0.2, 0.2), (0.4, 0.2), (0.4, 0.4), (0.2, 0.2)],
        ]
    ]
    multi = parse_wkt(
        f"<http://www.opengis.net/def/crs/OGC/1.3/CRS84> MULTIPOLYGON ((({square})), (({hole})))"
    )
    assert len(multi) == 2 and len(multi[0]) == len(multi[1]) == 1
    with pytest.raises(ValueError, match="POINT"):
        parse_wkt("POINT (1 2)")


def test_sorting_by_stage_follows_the_programme(client: FlaskClient, store: EmbeddedStore) -> None:
    rank = {
        r["label"]: int(r["n"])
        for r in _select(
            store,
            "SELECT ?label ?n WHERE { ?s lis:latestStatus ?st . "
            "?st skos:prefLabel ?label ; skos:notation ?n }",
        )
    }
    rows = _csv(client, "/compare?format=csv&sort=stage&order=desc")
    at = rows[0].index("Latest stage")
    ranks = [rank[row[at]] for row in rows[1:] if row[at]]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) > 3


def test_the_map_steps_to_a_day(client: FlaskClient, store: EmbeddedStore) -> None:
    published = _select(
        store,
        "SELECT DISTINCT ?lep WHERE { ?lep a lis:LocalEnterprisePartnership . "
        "?s a lis:LocalIndustrialStrategy ; dcterms:creator ?lep ; "
        f"lis:statusRecord ?r . ?r lis:status <{BASE}id/status/published> ; lis:dateTo ?to "
        'FILTER(STR(?to) <= "2019-07-31") }',
    )
    assert len(published) > 5
    svg = _map_svg(client.get("/map?date=2019-07-31").get_data(as_text=True))
    coloured = {
        link.get("href", "").rsplit("/", 1)[1]
        for link in svg.findall(f"{SVG}a")
        if link.findall(f"{SVG}path")[0].get("class") == "kind-published"
    }
    assert coloured == {r["lep"].rsplit("/", 1)[1] for r in published}
    latest = _map_svg(client.get("/map").get_data(as_text=True))
    assert ET.tostring(latest) != ET.tostring(svg)
    assert client.get("/map?date=31/07/2019").status_code == 400


def test_a_lep_page_has_a_locator_map(client: FlaskClient) -> None:
    html = client.get(f"/doc/lep/{CUMBRIA}.html").get_data(as_text=True)
    svg = _map_svg(html[html.index('class="locator"') :])
    here = [
        link.get("href", "")
        for link in svg.findall(f"{SVG}a")
        if link.findall(f"{SVG}path")[0].get("class") == "here"
    ]
    assert here == [f"http://localhost/id/lep/{CUMBRIA}"]


# --- strategies side by side ---------------------------------------------------------------------

GREATER_MANCHESTER = "greater-manchester-lis"
WEST_MIDLANDS = "west-midlands-lis"


def _strategies(store: EmbeddedStore) -> set[str]:
    rows = _select(store, "SELECT ?s WHERE { ?s a lis:LocalIndustrialStrategy }")
    return {r["s"].rsplit("/", 1)[1] for r in rows}


def test_every_strategy_in_one_table(client: FlaskClient, store: EmbeddedStore) -> None:
    slugs = _strategies(store)
    assert len(slugs) > 30
    html = client.get("/compare/strategies").get_data(as_text=True)
    picked = re.findall(r'<input type="checkbox" name="strategy" value="([a-z0-9-]+)"', html)
    assert sorted(picked) == sorted(slugs)
    rows = _csv(client, "/compare/strategies?format=csv&sort=priorities&order=desc")
    assert len(rows) == 1 + len(slugs)
    at = rows[0].index("Priorities")
    counts = [int(row[at]) for row in rows[1:] if row[at]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1
    assert all(not row[at] for row in rows[1 + len(counts) :])  # not stated: last, and empty


def test_two_strategies_side_by_side_show_what_the_graph_holds(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    url = f"/compare/strategies?strategy={WEST_MIDLANDS}&strategy={GREATER_MANCHESTER}"
    rows = _csv(client, url + "&format=csv")
    header, fields = rows[0], {row[0]: row[1:] for row in rows[1:]}
    assert [h.rsplit("(", 1)[1].rstrip(")") for h in header[1:]] == [
        GREATER_MANCHESTER,
        WEST_MIDLANDS,
    ]
    for column, slug in enumerate((GREATER_MANCHESTER, WEST_MIDLANDS)):
        s = f"<{BASE}id/strategy/{slug}>"
        authors = _select(
            store, f"SELECT ?name WHERE {{ {s} dcterms:creator/skos:prefLabel ?name }}"
        )
        assert set(fields["Author(s)"][column].split("; ")) == {a["name"] for a in authors}
        priorities = _select(
            store,
            f"SELECT DISTINCT ?p ?label WHERE {{ {s} lis:priority ?p . ?p rdfs:label ?label }}",
        )
        assert priorities, slug
        listed = fields["Priorities, in the source's order"][column]
        assert all(p["label"] in listed for p in priorities)
        assert fields["Priorities (all)"][column] == str(len(priorities))
        stage = _select(
            store,
            f"SELECT ?label ?date WHERE {{ {s} lis:latestStatus/skos:prefLabel ?label ; "
            "lis:latestStatusDate ?date }",
        )
        assert fields["Latest stage, date and source"][column] == ", ".join(
            [stage[0]["label"], stage[0]["date"]]
        )
    html = client.get(url).get_data(as_text=True)
    assert "Compare 2 strategies" in html
    panel_links = [h for h in _hrefs(html) if "/sparql?query=" in h]
    assert len(panel_links) == 4
    for href in panel_links:
        query = parse_qs(urlsplit(href).query)["query"][0]
        assert WEST_MIDLANDS in query and GREATER_MANCHESTER in query
        answer = client.get(_local(href), headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, query


def test_a_strategy_comparison_is_its_own_page_in_the_cache(client: FlaskClient) -> None:
    one = client.get(f"/compare/strategies?strategy={WEST_MIDLANDS}&strategy={GREATER_MANCHESTER}")
    other = client.get("/compare/strategies?strategy=cumbria-lis&strategy=oxfordshire-lis")
    assert "Cumbria Local Industrial Strategy" in other.get_data(as_text=True)
    assert one.get_data() != other.get_data()


@pytest.mark.parametrize("bad", ["Cumbria LIS", "<x>", "a } ; DROP"])
def test_a_bad_strategy_is_a_400(client: FlaskClient, bad: str) -> None:
    answer = client.get("/compare/strategies", query_string={"strategy": [bad, "cumbria-lis"]})
    assert answer.status_code == 400


# --- the summary card at the top of LEP and strategy pages ----------------------------------------


def _card(html: str) -> dict[str, str]:
    """The summary card's facts: its terms and their values as text (tags stripped, a date by
    its machine-readable ``<time datetime>``, which must be the one the store holds)."""
    start = html.index('class="summary-card"')
    card = html[start : html.index("</section>", start)]
    # nothing of the page's details comes before it
    assert "<h2>About</h2>" not in html[:start] and "<h2>Facts</h2>" not in html[:start]
    card = re.sub(r'<time datetime="([^"]+)">[^<]*</time>', r"\1", card)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", card, re.S)
    return {
        term: unescape(re.sub(r"<sup.*?</sup>|<[^>]+>", "", value)).strip() for term, value in pairs
    }


@pytest.mark.parametrize("code", [CUMBRIA, BLACK_COUNTRY])
def test_a_lep_page_leads_with_its_key_facts(
    client: FlaskClient, store: EmbeddedStore, code: str
) -> None:
    lep = f"<{BASE}id/lep/{code}>"
    html = client.get(f"/doc/lep/{code}.html").get_data(as_text=True)
    card = _card(html)
    stage = _select(
        store,
        "SELECT ?label ?date WHERE { ?s a lis:LocalIndustrialStrategy ; "
        f"dcterms:creator {lep} ; lis:latestStatus/skos:prefLabel ?label ; "
        "lis:latestStatusDate ?date }",
    )
    assert card["Latest stage"] == f"{stage[0]['label']}, {stage[0]['date']}"
    wave = _select(
        store, f"SELECT ?name WHERE {{ ?w lis:waveMember {lep} ; skos:prefLabel ?name }}"
    )
    assert card["Wave"] == wave[0]["name"]
    region = _select(store, f"SELECT ?n WHERE {{ {lep} lis:area/lis:inRegion/skos:prefLabel ?n }}")
    assert card["Region"] == "; ".join(sorted(r["n"] for r in region))
    n = _select(
        store,
        f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?x dcterms:creator {lep} ; lis:priority ?p }}",
    )[0]["n"]
    assert card["Priorities"].split(" ")[0] == (n if n != "0" else "not")
    districts = _select(
        store,
        f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {lep} lis:area ?a . ?d lis:inLEPArea ?a }}",
    )
    assert card["Districts"] == f"{districts[0]['n']} (April 2020)"
    funding = _select(
        store,
        "SELECT DISTINCT ?a WHERE { ?a a lis:FundingAllocation ; "
        f"lis:recipient {lep} ; lis:amount ?x }}",
    )
    if funding:
        assert len(card["Funding"].split("; ")) == len(funding)
    else:
        assert card["Funding"] == "not stated"
    # and it leads on: to the comparison of the LEP and of its strategy
    links = [h for h in _hrefs(html) if "/compare" in h]
    assert any(f"lep={code}" in h for h in links)
    assert any("/compare/strategies?strategy=" in h for h in links)
    for link in links:
        assert client.get(_local(link)).status_code == 200


def test_a_strategy_page_leads_with_its_key_facts(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    s = f"<{BASE}id/strategy/{GREATER_MANCHESTER}>"
    html = client.get(f"/doc/strategy/{GREATER_MANCHESTER}.html").get_data(as_text=True)
    card = _card(html)
    authors = _select(store, f"SELECT ?n WHERE {{ {s} dcterms:creator/skos:prefLabel ?n }}")
    assert set(card["Author(s)"].split("; ")) == {a["n"] for a in authors}
    n = _select(store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {s} lis:priority ?p }}")
    assert card["Priorities"] == n[0]["n"]
    issued = _select(store, f"SELECT ?d WHERE {{ {s} dcterms:issued ?d }}")
    assert card["Published"] == issued[0]["d"]
    sections = _select(
        store,
        f"SELECT DISTINCT ?n WHERE {{ {s} lis:sectorSpecialism/lis:sicSection/skos:notation ?n }}",
    )
    assert {v.split(" ", 1)[0] for v in card["Sectors"].split("; ")} == {x["n"] for x in sections}
    link = next(h for h in _hrefs(html) if "/compare/strategies?strategy=" in h)
    picked = client.get(_local(link)).get_data(as_text=True)
    assert f'value="{GREATER_MANCHESTER}" id="pick-{GREATER_MANCHESTER}" checked' in picked
    # the locator marks its authors' areas
    svg = _map_svg(html[html.index('class="locator"') :])
    here = {
        link.get("href", "").rsplit("/", 1)[1]
        for link in svg.findall(f"{SVG}a")
        if link.findall(f"{SVG}path")[0].get("class") == "here"
    }
    author_codes = _select(
        store, f"SELECT ?c WHERE {{ {s} dcterms:creator/lis:area/lis:gssCode ?c }}"
    )
    assert here == {a["c"] for a in author_codes} and here


def test_the_counts_follow_the_programme_matrix(store: EmbeddedStore) -> None:
    """/compare counts each LEP's priorities by column as its page's matrix does."""
    from lisgraph.views.compare import compare_leps
    from lisgraph.views.programme import authored, programme_matrix

    matrix = programme_matrix(store, BASE)
    comparison = compare_leps(store, BASE)
    assert len(comparison.records) == 38 and comparison.columns == matrix.columns
    linked = 0
    for record in comparison.records:
        rows = [record.iri, *authored(store, BASE, record.iri)]
        expected = {
            c.iri: sum(matrix.cell(row, c.iri) for row in rows)
            for c in matrix.columns
            if any(matrix.cell(row, c.iri) for row in rows)
        }
        assert record.by_column == expected, record.name
        linked += bool(expected)
    assert linked > 5


def _classes(html: str) -> dict[str, str]:
    svg = _map_svg(html)
    return {
        link.get("href", "").rsplit("/", 1)[1]: link.findall(f"{SVG}path")[0].get("class", "")
        for link in svg.findall(f"{SVG}a")
    }


def test_the_map_colours_by_wave(client: FlaskClient, store: EmbeddedStore) -> None:
    waves = {
        r["code"]: r["n"]
        for r in _select(
            store,
            "SELECT ?code ?n WHERE { ?w lis:waveMember ?lep ; lis:waveNumber ?n . "
            "?lep lis:area/lis:gssCode ?code }",
        )
    }
    assert len(set(waves.values())) == 3
    shown = _classes(client.get("/map?colour=wave").get_data(as_text=True))
    assert shown == {
        code: f"kind-wave-{waves[code]}" if code in waves else "kind-none" for code in shown
    }
    assert len(shown) == 38


def test_the_map_colours_by_a_sector(client: FlaskClient, store: EmbeddedStore) -> None:
    naming = {
        r["code"]
        for r in _select(
            store,
            "SELECT DISTINCT ?code WHERE { ?lep a lis:LocalEnterprisePartnership ; "
            "lis:area/lis:gssCode ?code . { ?x dcterms:creator ?lep } UNION { "
            "?lep a lis:LocalEnterprisePartnership BIND(?lep AS ?x) } "
            "?x lis:sectorSpecialism/lis:sicSection"
            '/skos:notation "C" }',
        )
    }
    assert 3 < len(naming) < 38
    shown = _classes(client.get("/map?colour=sector:C").get_data(as_text=True))
    assert {code for code, cls in shown.items() if cls == "kind-sector-yes"} == naming
    assert client.get("/map?colour=sector:Z").status_code == 400
    assert client.get("/map?colour=wave&date=2019-07-31").status_code == 400
    # each colouring is its own page in the cache
    assert shown != _classes(client.get("/map").get_data(as_text=True))
