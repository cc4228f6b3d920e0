"""What pages compute for people: readable values, the programme's pictures, a LEP's profile."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from lisgraph.store import Term
from lisgraph.store.embedded import EmbeddedStore
from lisgraph.views.lep import lep_profile
from lisgraph.views.ontology import ontology_diagram
from lisgraph.views.programme import (
    ProgrammeEvent,
    ProgrammeRow,
    programme_marks,
    programme_matrix,
    programme_picture,
)
from lisgraph.web.formatting import dated, human_date, human_number, money, readable

from .helpers import BASE

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        ("5000000", "GBP", "£5 million"),
        ("28000000", "GBP", "£28 million"),
        ("1500000", "GBP", "£1.5 million"),
        ("35000000000", "GBP", "£35 billion"),
        ("35000", "GBP", "£35,000"),
        ("600000000", "EUR", "€600 million"),
        ("2000000", "XYZ", "2 million XYZ"),
        ("not a number", "GBP", "not a number"),
    ],
)
def test_money(value: str, currency: str, shown: str) -> None:
    assert money(value, currency) == shown


@pytest.mark.parametrize(
    ("value", "datatype", "shown"),
    [
        ("2019-07-19", f"{XSD}date", "19 July 2019"),
        ("2017-11", f"{XSD}gYearMonth", "November 2017"),
        ("2019", f"{XSD}gYear", "2019"),
        ("2019-13-40", f"{XSD}date", "2019-13-40"),
    ],
)
def test_dates(value: str, datatype: str, shown: str) -> None:
    assert human_date(value, datatype) == shown
    assert readable(Term("literal", value, datatype)) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("published, 2019-07-19", 'published, <time datetime="2019-07-19">19 July 2019</time>'),
        ("£5 million, 2020-08", '£5 million, <time datetime="2020-08">August 2020</time>'),
        ("draft, 2019-02-30", "draft, 2019-02-30"),  # no such day: left as written
        ("E37000007", "E37000007"),
        ("2019-07-19T10:00", "2019-07-19T10:00"),  # part of a longer value
        ("<b> 2019", "&lt;b&gt; 2019"),  # escaped; a year alone is not marked
    ],
)
def test_iso_dates_in_text_as_time_elements(text: str, shown: str) -> None:
    assert str(dated(text)) == shown


def test_the_summary_card_gives_its_dates_as_time_elements(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    rows = store.query(
        f"PREFIX lis: <{BASE}def/lis#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?lep ?date WHERE { ?s a lis:LocalIndustrialStrategy ; dcterms:creator ?lep ; "
        "lis:latestStatusDate ?date . ?lep a lis:LocalEnterprisePartnership "
        f"FILTER(datatype(?date) = <{XSD}date>) }} ORDER BY ?lep LIMIT 1"
    ).rows()
    assert rows, "no LEP's strategy has a dated latest stage"
    lep, day = rows[0]["lep"].value, rows[0]["date"].value
    page = client.get(lep.replace(BASE, "/").replace("/id/", "/doc/") + ".html")
    card = page.get_data(as_text=True).split('class="summary-card"', 1)[1].split("</section>")[0]
    assert f'<time datetime="{day}">{human_date(day)}</time>' in card


def test_numbers_and_text() -> None:
    assert human_number("93690") == "93,690"
    assert human_number("0.25") == "0.25"
    assert readable(Term("literal", "16450", f"{XSD}integer")) == "16,450"
    assert readable(Term("literal", "5000000", f"{XSD}decimal"), "GBP", is_amount=True) == (
        "£5 million"
    )
    assert readable(Term("literal", "2019", f"{XSD}string")) == "2019"


def test_matrix_counts_priorities_by_foundation_and_challenge(store: EmbeddedStore) -> None:
    matrix = programme_matrix(store, BASE)
    # seed 003's numbering, the foundations' skos:notation
    assert [c.label for c in matrix.columns[:5]] == [
        "Ideas", "People", "Places", "Infrastructure", "Business Environment",
    ]  # fmt: skip
    assert {c.group for c in matrix.columns[5:]} == {"challenge"} and len(matrix.columns) == 9
    sem = BASE + "id/strategy/south-east-midlands-lis"
    ideas = BASE + "id/foundation/ideas"
    # CQ4's answer lists 8 priorities under Ideas for the South East Midlands strategy.
    assert matrix.cell(sem, ideas) == 8
    strategies = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{BASE}def/lis#LocalIndustrialStrategy> }}"
    ).rows()
    assert len(matrix.rows) >= int(strategies[0]["n"].value)


def test_the_programme_has_every_lep_and_every_dated_event(store: EmbeddedStore) -> None:
    picture = programme_picture(store, BASE)
    leps = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?l a <{BASE}def/lis#LocalEnterprisePartnership> }}"
    ).rows()
    assert len(picture.rows) == int(leps[0]["n"].value) == 38
    records = store.query(
        f"PREFIX lis: <{BASE}def/lis#> SELECT DISTINCT ?r WHERE {{ "
        "?s a lis:LocalIndustrialStrategy . "
        "{ ?s <http://purl.org/dc/terms/creator> ?lep ; lis:statusRecord ?r } UNION "
        "{ ?draft lis:informs ?s ; <http://purl.org/dc/terms/creator> ?lep ; lis:statusRecord ?r "
        "FILTER NOT EXISTS { ?draft a lis:LocalIndustrialStrategy } } "
        "?lep a lis:LocalEnterprisePartnership . "
        "?r <http://purl.org/dc/terms/date> ?d }"
    ).rows()
    drawn = {e.iri for row, _ in picture.rows for e in row.events if "/wave/" not in e.iri}
    # every dated record of a LEP's strategy, and of a draft of it that is a document of its own
    assert drawn == {r["r"].value for r in records}
    assert all(e.source for row, _ in picture.rows for e in row.events + row.undated)
    for row, _ in picture.rows:
        dates = [(e.date_from, e.date_to) for e in row.events]
        assert dates == sorted(dates), row.label


def test_no_mark_covers_another(store: EmbeddedStore) -> None:
    picture = programme_picture(store, BASE)
    for row, marks in picture.rows:
        lanes: dict[int, list[tuple[float, float]]] = {}
        for mark in marks:
            lanes.setdefault(mark.lane, []).append((mark.start, mark.end))
        for spans in lanes.values():
            spans.sort()
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                assert start >= end, row.label
        assert sum(len(m.events) for m in marks) == len(row.events)


def test_programme_marks_stack_events_that_would_touch() -> None:
    def event(kind: str, day: str, source: str) -> ProgrammeEvent:
        return ProgrammeEvent(
            f"urn:{kind}:{day}:{source}", kind, kind, day, day, day, source, source, ""
        )

    row = ProgrammeRow("urn:lep", "A LEP")
    row.events = [
        event("draft", "2019-01-10", "a"),
        event("draft", "2019-01-10", "b"),  # the same event, another source: one mark
        event("published", "2019-01-12", "a"),  # two days later: would touch, so lane 1
        event("published", "2019-09-01", "a"),  # far apart: back on lane 0
    ]
    marks = programme_marks(row)
    assert [(m.kind, m.lane, len(m.events)) for m in marks] == [
        ("draft", 0, 2),
        ("published", 1, 1),
        ("published", 0, 1),
    ]


def test_ontology_diagram_covers_every_class(store: EmbeddedStore) -> None:
    diagram = ontology_diagram(store, BASE)
    drawn = {iri for _, members in diagram.modules for iri, _ in members}
    classes = store.query(
        "SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> "
        f'FILTER(STRSTARTS(STR(?c), "{BASE}def/lis#")) }}'
    ).rows()
    assert drawn == {r["c"].value for r in classes}
    assert all(d in drawn and r in drawn for d, r, _, _ in diagram.edges)


def test_lep_profile(store: EmbeddedStore) -> None:
    profile = lep_profile(store, BASE, BASE + "id/lep/E37000057")
    assert profile is not None
    assert len(profile.districts) == 11
    assert [label for _, label, _ in profile.strategies] == [
        "South East Midlands Local Industrial Strategy"
    ]
    assert list(profile.priorities)[-1] == "Not tied to one foundation"
    assert len(profile.priorities["Ideas"]) == 8
    assert any("Millbrook" in label for _, label, _ in profile.projects)
    assert any(s["unit"] == "businesses" for s in profile.statistics)
    assert lep_profile(store, BASE, BASE + "id/district/E06000042") is None


def test_a_lep_pages_matrix_shows_its_strategys_row(client) -> None:  # type: ignore[no-untyped-def]
    """Review E1: priorities belong to the strategy, so the LEP page shows the strategy's row,
    and its cells are the strategy page's."""
    lep = client.get("/doc/lep/E37000057.html").get_data(as_text=True)
    strategy = client.get("/doc/strategy/south-east-midlands-lis.html").get_data(as_text=True)

    def matrix(page: str) -> str:
        start = page.index('<figure class="matrix">')
        return page[start : page.index("</figure>", start)]

    row = 'strategy/south-east-midlands-lis">'
    assert row in matrix(lep)
    strategy_row = matrix(strategy).split(row, 1)[1].split("</tr>", 1)[0]
    assert strategy_row in matrix(lep)
