"""The derived latest status (rule ontology/rules/20-latest-status.rq), one test per LEP.

The expectations are worked out by hand from the rows of the public-sources pack
(`data/reference/public-sources/lis-publications.csv`, row numbers as a spreadsheet shows them,
header = row 1) by the documented rule, never read off the build: the furthest stage any source
records (1 announced, 2 in development, 3 consultation, 4 evidence base, 5 prospectus, 6 document
whose stage is not stated, 7 draft, 8 submitted, 9 locally approved, 10 published); at that stage
a dated record beats an undated one, a later date beats an earlier one whose span it does not
overlap, a more precise date beats a coarser one that contains it; then a primary source beats a
secondary one; records still equal are all given. A date that only bounds the event (a
consultation's deadline, an article reporting a consultation still open: rows 9, 72, 97) dates
nothing (lis:notLaterThan). Hansard's statement of 22 July 2019 dates no
launch (rows 19-27: the statement's own date, data/README.md). The seed documents' records
(LEP Network page, seed 000, seed 001, the Buckinghamshire report) never reach a LEP's furthest
stage, so only pack rows appear below.
"""

from __future__ import annotations

import pytest

from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE

HANSARD = "https://hansard.parliament.uk/Commons/2019-07-22/debates/19072238000018/LocalIndustrialStrategies"
FENEWS = (
    "https://www.fenews.co.uk/press-releases/"
    "32637-five-new-regional-economic-blueprints-launched-in-boost-to-jobs-and-growth"
)

#: LEP code -> (status label, date or "", the addresses of the latest records' sources, why)
EXPECTED: dict[str, tuple[str, str, frozenset[str], str]] = {
    "E37000001": (
        "published",
        "2019-05-16",
        frozenset({HANSARD}),
        "rows 2-5 say published 16 May 2019 (row 6 only May, row 7 no date); of them only Hansard "
        "(row 2) is a primary source",
    ),
    "E37000003": (
        "document, status not stated",
        "",
        frozenset({"https://cwlep.win.office.6bdigital.com/what-we-do/analysis-and-plans/"}),
        "row 53 (a strategy document, stage unstated, undated) is further than the evidence base "
        "(row 51, 2019-03) and 'in development' (row 52, 2019-06)",
    ),
    "E37000005": (
        "submitted to government",
        "2020-03",
        frozenset({"https://www.cioslep.com/vision/local-industrial-strategy"}),
        "row 65",
    ),
    "E37000006": ("published", "2019-05-16", frozenset({HANSARD}), "as E37000001 (one strategy)"),
    "E37000007": (
        "submitted to government",
        "2019-03-29",
        frozenset({"https://www.thecumbrialep.co.uk/local-industrial-strategy/"}),
        "row 68; the September 2019 evidence base (row 70) is later but not further",
    ),
    "E37000009": (
        "draft",
        "",
        frozenset(
            {
                "https://www.dorsetbiznews.co.uk/have-your-say-as-initial-ideas-for-countys-industrial-"
                "strategy-outline-key-targets-to-2030/"
            }
        ),
        "row 72: its date is the article's, with the survey still open, so the draft held by "
        "then (lis:notLaterThan) but is not dated by it (D9)",
    ),
    "E37000011": (
        "draft",
        "2019-09-19",
        frozenset(
            {
                "https://www.gloucestershirenature.org.uk/post/draft-local-industrial-strategy-open-for-"
                "consultation"
            }
        ),
        "row 73 is more precise than row 74's '2019' and dated, unlike row 75",
    ),
    "E37000012": ("published", "2019-05-16", frozenset({HANSARD}), "as E37000001 (one strategy)"),
    "E37000014": (
        "draft",
        "2019-10-29",
        frozenset(
            {
                "https://docslib.org/doc/5812832/lep-directors-board-29th-october-2019-the-showroom-tritton-"
                "road-lincoln-ln5-7qy-paper-0-extraordinary-board-greater-lincolnshire-lep-board-agenda"
            }
        ),
        "row 76 (a named draft) is further than row 77's document of unstated stage",
    ),
    "E37000015": (
        "published",
        "2019-06-13",
        frozenset(
            {
                "https://www.gov.uk/government/publications/greater-manchester-local-industrial-strategy",
                HANSARD,
            }
        ),
        "rows 12 and 13, both primary, both 13 June 2019",
    ),
    "E37000016": (
        "published",
        "2020-11",
        frozenset({"https://heartofswlep.co.uk/understanding-our-economy/lep-covid-response/"}),
        "row 54 (the year is the editors'), dated, unlike row 55",
    ),
    "E37000019": (
        "in development",
        "",
        frozenset(
            {
                "https://www.clitheroeadvertiser.co.uk/business/businesses-urged-to-have-their-say-on-"
                "future-economic-growth-plans-for-lancashire-1-9791628",
                "http://council.lancashire.gov.uk/mgAi.aspx?ID=68184",
            }
        ),
        "rows 79 and 80: both undated, both primary",
    ),
    "E37000021": (
        "submitted to government",
        "",
        frozenset({"https://democracy.leics.gov.uk/mgAi.aspx?ID=60800"}),
        "row 59, undated, is further than rows 57 and 58",
    ),
    "E37000022": (
        "draft",
        "",
        frozenset(
            {"https://docslib.org/doc/9317935/liverpool-city-region-local-industrial-strategy"}
        ),
        "row 82, undated, is further than row 81's 'in development'",
    ),
    "E37000025": (
        "in development",
        "2018-12-14",
        frozenset(
            {
                "https://www.lepnetwork.net/news-and-events/2018/december/how-the-north-east-local-"
                "industrial-strategy-will-focus-on-better-productivity-and-living-standards/"
            }
        ),
        "row 61",
    ),
    "E37000032": (
        "draft",
        "2020-01-10",
        frozenset(
            {
                "https://www.sustainabilitywestmidlands.org.uk/news/local-industrial-strategy-"
                "consultation-draft/"
            }
        ),
        "row 83 is more precise than row 84's '2020'",
    ),
    "E37000033": (
        "document, status not stated",
        "2020-03-31",
        frozenset(
            {
                "https://docslib.org/doc/9715362/swindon-and-wiltshire-local-industrial-strategy-2020-2036"
            }
        ),
        "row 86",
    ),
    "E37000034": (
        "draft",
        "2019-07",
        frozenset({"https://docslib.org/doc/9816572/tees-valley-economic-assessment-2019"}),
        "row 62, dated, unlike row 63",
    ),
    "E37000035": (
        "locally approved",
        "2019-10-24",
        frozenset(
            {
                "https://vdocuments.mx/document/berkshire-local-industrial-strategy-slough-citizen-space.html"
            }
        ),
        "row 88",
    ),
    "E37000036": (
        "in development",
        "2019-10-22",
        frozenset(
            {
                "https://www.shropshirestar.com/news/business/2019/10/22/marches-lep-highlights-year-of-"
                "action-in-new-annual-report/"
            }
        ),
        "row 91 is the latest of rows 90-92",
    ),
    "E37000037": (
        "published",
        "2019-07-19",
        frozenset(
            {
                "https://www.hanhamandlongwellgreenvoice.co.uk/september-2019-news-from-the-metro-mayor"
            }
        ),
        "rows 26 and 46 (FE News, WiredGov: secondary) and 47 (primary; the year is the "
        "editors') say 19 July 2019",
    ),
    "E37000038": (
        "prospectus",
        "",
        frozenset(
            {
                "https://www.ledburyreporter.co.uk/news/business/17916484.wlep-column-lis-prospectus---time-say/"
            }
        ),
        "rows 93 and 94 are undated: the prospectus is the further stage",
    ),
    "E37000043": (
        "published",
        "2019-07-19",
        frozenset({"https://www.buckstvlep.co.uk/our-strategies/local-industrial-strategy/"}),
        "rows 18 and 29 (FE News, secondary) and 28 (the LEP, primary) say 19 July 2019",
    ),
    "E37000044": (
        "in development",
        "2019-02-27",
        frozenset(
            {
                "https://coast2capital.org.uk/media-centre/press-releases/coast-to-capital-leads-debate-"
                "on-the-future-of-our-towns-and-cities.html"
            }
        ),
        "row 96 is later than row 95",
    ),
    "E37000045": (
        "evidence base",
        "",
        frozenset({"http://www.d2n2lep.org/LIS-Evidence-Base"}),
        "row 97 is further than row 98's later 'in development'; its date is the consultation's "
        "deadline, not the evidence base's (lis:notLaterThan; D9)",
    ),
    "E37000046": (
        "in development",
        "2020-10-16",
        frozenset({"https://enterprisem3.org.uk/local-industrial-strategy"}),
        "row 99, dated, unlike row 100",
    ),
    "E37000047": (
        "published",
        "2019-07-19",
        frozenset({FENEWS}),
        "row 20 is the only record dated to the day (row 32 says 2019-07, rows 33-34 no date)",
    ),
    "E37000048": (
        "draft",
        "2019-09-10",
        frozenset(
            {
                "https://www.hertsgrowthhub.com/post/2019-09-10/lep-publishes-local-industrial-strategy-"
                "for-consultation"
            }
        ),
        "row 101, dated, unlike row 102",
    ),
    "E37000049": (
        "prospectus",
        "2019-06",
        frozenset(
            {"https://docslib.org/doc/5787283/humber-industrial-strategy-prospectus-june-2019"}
        ),
        "row 103 is further than row 104",
    ),
    "E37000050": (
        "draft",
        "2019-10",
        frozenset(
            {
                "https://www.slideshare.net/slideshow/leeds-city-region-lis-draft-priorities/185235895"
            }
        ),
        "row 105",
    ),
    "E37000051": (
        "evidence base",
        "2020-02",
        frozenset(
            {
                "https://lep.london/evidence-base-londons-local-industrial-strategy%E2%80%93final-report"
            }
        ),
        "row 107, dated, unlike row 108",
    ),
    "E37000052": (
        "submitted to government",
        "2019",
        frozenset({"https://newanglia.co.uk/local-industrial-strategy/"}),
        "row 109 is further than row 111's July 2019 'in development'",
    ),
    "E37000053": (
        "published",
        "2019-07-19",
        frozenset(
            {
                FENEWS,
                "https://www.fenews.co.uk/skills/new-economic-plan-to-make-oxfordshire-global-innovation-centre/",
                "https://pbctoday.co.uk/news/?p=60379",
            }
        ),
        "rows 22, 36 and 37 say 19 July 2019, all three secondary (row 38 only July)",
    ),
    "E37000054": (
        "in development",
        "",
        frozenset({"https://sheffieldcityregion.org.uk/explore/our-strategic-economic-plan/"}),
        "row 113 (row 112 is the 2017 precursor, another document)",
    ),
    "E37000055": (
        "prospectus",
        "2019-03-12",
        frozenset(
            {
                "https://solentlep.org.uk/what-we-do/news/were-working-on-a-local-industrial-strategy-"
                "for-a-prosperous-2050"
            }
        ),
        "row 115 is further than row 114",
    ),
    "E37000056": (
        "in development",
        "2018",
        frozenset({"https://www.southeastlep.com/our-strategy/local-industrial-strategy/"}),
        "row 117 ('in late 2018'); row 116's prospectus is Smarter, Faster, Together, a document "
        "of its own that informs the strategy ('An economic strategy statement, not a LIS'; D9)",
    ),
    "E37000057": (
        "published",
        "2019-07-19",
        frozenset(
            {
                FENEWS,
                "https://www.fenews.co.uk/skills/innovation-and-commercialisation-at-heart-of-new-economic-"
                "plan-for-south-east-midlands/",
            }
        ),
        "rows 24 and 42 (FE News, both secondary) say 19 July 2019; seed 000's '2019' is coarser",
    ),
    "E37000058": (
        "draft",
        "2020-01",
        frozenset(
            {
                "https://www.businessinspiredgrowth.com/news/do-you-believe-in-a-better-yorkshire-help-"
                "build-one/"
            }
        ),
        "row 119 is further than row 118",
    ),
}


def test_every_lep_has_an_expectation() -> None:
    assert len(EXPECTED) == 38


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_latest_status_follows_the_rule(store: EmbeddedStore, code: str) -> None:
    status, date, addresses, why = EXPECTED[code]
    rows = store.query(
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?status ?date ?address WHERE { "
        f"?strategy dcterms:creator <{BASE}id/lep/{code}> ; a lis:LocalIndustrialStrategy ; "
        "lis:latestStatus/skos:prefLabel ?status ; lis:latestStatusRecord/dcterms:source ?source . "
        "?source lis:address ?address OPTIONAL { ?strategy lis:latestStatusDate ?date } }"
    ).rows()
    assert {r["status"].value for r in rows} == {status}, why
    assert {r["date"].value if r.get("date") else "" for r in rows} == {date}, why
    assert {r["address"].value for r in rows} == addresses, why


def test_no_strategy_is_published_without_a_date(store: EmbeddedStore) -> None:
    """Review E5: every published strategy has a dated published record, so the listings never
    show 'published —'."""
    rows = store.query(
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "SELECT ?s WHERE { ?s lis:latestStatus <" + BASE + "id/status/published> "
        "FILTER NOT EXISTS { ?s lis:latestStatusDate ?d } }"
    ).rows()
    assert rows == []
