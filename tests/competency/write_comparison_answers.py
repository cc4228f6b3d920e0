"""Write the expected answers of CQ20-CQ29 from the source files, never from a build.

Inputs: the ONS lookups (data/reference/lad-to-lep-2020.csv, public-data/lad-to-region-2020.csv,
public-data/lad-to-cauth-2020.csv), the public-data pack's lep-funding.csv (and the editors'
lep-funding-found.csv beside it) and
sic2007-sections.csv, the public-sources pack (lis-publications.csv and priorities.csv with the
editors' documents.csv and their SIC coding of its sector rows, sectors.csv) and the latest
status of each LEP as worked out by hand from the pack's rows (tests/test_latest_status.py).
Run it from anywhere:
``python tests/competency/write_comparison_answers.py``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference"
BASE = "https://w3id.org/lisgraph/"
COMBINED = re.compile("combined authority|GLA|GMCA|WMCA", re.I)


def _rows(path: str) -> list[dict[str, str]]:
    with (REFERENCE / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(name: str, header: list[str], body: list[list[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    (ROOT / "tests" / "competency" / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.test_latest_status import EXPECTED  # the hand-worked latest status per LEP

    status = {code: expected[0] for code, expected in EXPECTED.items()}
    lookup = _rows("lad-to-lep-2020.csv")
    lep_of = {r["LAD20CD"]: r["LEP20CD"] for r in lookup}
    lep_name = {r["LEP20CD"]: r["LEP20NM"] + " LEP" for r in lookup}
    region = {r["LAD20CD"]: r["RGN20NM"] for r in _rows("public-data/lad-to-region-2020.csv")}
    regions: dict[str, set[str]] = {}
    for district, lep in lep_of.items():
        regions.setdefault(lep, set()).add(region[district])

    _write(
        "20-lep-areas-spanning-regions",
        ["lep", "lepName", "region"],
        sorted(
            ([f"{BASE}id/lep/{lep}", lep_name[lep], r] for lep, rs in regions.items()
             if len(rs) > 1 for r in rs),
            key=lambda row: (row[1], row[2]),
        ),
    )  # fmt: skip

    stages = Counter((r, status[lep]) for lep, rs in regions.items() for r in rs)
    _write(
        "21-leps-per-region-by-stage",
        ["region", "status", "leps"],
        [[r, s, n] for (r, s), n in sorted(stages.items())],
    )

    target = {r["name"]: r["target"] for r in _rows("public-sources/documents.csv")}
    led = {
        (f"{BASE}id/{target[r['strategy_name']]}", r["lead_body"])
        for r in _rows("public-sources/lis-publications.csv")
        if COMBINED.search(r["lead_body"]) and target[r["strategy_name"]].startswith("strategy/")
    }
    _write(
        "22-strategies-led-by-a-combined-authority",
        ["strategy", "leadBody"],
        [list(row) for row in sorted(led)],
    )

    funding: list[list[object]] = []
    found = _rows("public-data/lep-funding-found.csv")  # the editors' finds, same columns
    for r in _rows("public-data/lep-funding.csv") + found:
        if "(to the " in r["round_or_scope"]:  # money to an authority, not a LEP
            continue
        for lep in r["lep_gss_code"].split(";"):
            funding.append(
                [lep_name[lep], r["fund"], r["round_or_scope"], r["amount_gbp"], status[lep],
                 r["source_url"]]
            )  # fmt: skip
    _write(
        "23-funding-beside-stage",
        ["lepName", "fund", "round", "gbp", "status", "source"],
        sorted(funding, key=lambda row: [str(x) for x in row]),
    )

    _write(
        "24-never-published-by-region",
        ["region", "lepName", "status"],
        sorted(
            [r, lep_name[lep], status[lep]]
            for lep, rs in regions.items()
            for r in rs
            if status[lep] != "published"
        ),
    )

    overlaps = Counter(
        (r["CAUTH20NM"], lep_name[lep_of[r["LAD20CD"]]])
        for r in _rows("public-data/lad-to-cauth-2020.csv")
    )
    _write(
        "25-combined-authority-areas-and-leps",
        ["ca", "lepName", "districts"],
        [[ca, lep, n] for (ca, lep), n in sorted(overlaps.items())],
    )

    # CQ26, CQ27: the sectors strategies name (the pack's sector rows, split and coded by the
    # editors in sectors.csv), by SIC 2007 section
    priorities = _rows("public-sources/priorities.csv")
    sic_title = {
        r["section"]: r["title_as_published"] for r in _rows("public-data/sic2007-sections.csv")
    }
    chose: dict[str, set[str]] = {}
    manufacturing: set[tuple[str, str, str]] = set()
    for r in _rows("public-sources/sectors.csv"):
        row = priorities[int(r["row"]) - 2]
        strategy = target[row["strategy"]]
        if not strategy.startswith("strategy/"):
            continue
        for letter in r["sic2007_sections"].split(";"):
            chose.setdefault(letter, set()).add(strategy)
            if letter == "C":
                for lep in row["lep_gss_codes"].split(";"):
                    for reg in regions[lep]:
                        manufacturing.add((lep_name[lep], reg, row["priority_or_sector_text"]))
    _write(
        "26-sic-sections-strategies-chose",
        ["section", "title", "strategies"],
        sorted(
            ([s, sic_title[s], len(v)] for s, v in chose.items()),
            key=lambda row: (-int(str(row[2])), str(row[0])),
        ),
    )
    _write(
        "27-leps-choosing-manufacturing",
        ["lepName", "region", "words"],
        [list(row) for row in sorted(manufacturing)],
    )

    # CQ28: two LEPs side by side
    dated = {code: (expected[0], expected[1]) for code, expected in EXPECTED.items()}
    named: Counter[tuple[str, str]] = Counter()
    for r in _rows("public-sources/sectors.csv"):
        row = priorities[int(r["row"]) - 2]
        if target[row["strategy"]].startswith("strategy/"):
            for lep in row["lep_gss_codes"].split(";"):
                named[(lep, _slug(r["sector"]))] += 1
    funded = Counter(
        lep
        for r in _rows("public-data/lep-funding.csv")
        if "(to the " not in r["round_or_scope"]
        for lep in r["lep_gss_code"].split(";")
    )
    side = []
    for lep in ("E37000057", "E37000043"):
        sectors = len({s for (code, s) in named if code == lep})
        for reg in sorted(regions[lep]):
            side.append([lep_name[lep], reg, dated[lep][0], dated[lep][1], sectors, funded[lep]])
    _write(
        "28-two-leps-side-by-side",
        ["lepName", "region", "status", "date", "sectors", "allocations"],
        sorted(side, key=lambda row: (str(row[0]), str(row[1]))),
    )

    # CQ29: published strategies, when, and in which regions
    strategy_of: dict[str, set[str]] = {}
    for r in _rows("public-sources/lis-publications.csv"):
        t = target[r["strategy_name"]]
        if t.startswith("strategy/"):
            for lep in r["lep_gss_codes"].split(";"):
                strategy_of.setdefault(lep, set()).add(t)
    published = {
        (reg, f"{BASE}id/{t}", dated[lep][1])
        for lep, (status, _date) in dated.items()
        if status == "published"
        for t in strategy_of[lep]
        for reg in regions[lep]
    }
    _write(
        "29-published-strategies-by-region",
        ["region", "strategy", "date"],
        [list(row) for row in sorted(published, key=lambda row: (row[0], row[2], row[1]))],
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " and ")).strip("-")


if __name__ == "__main__":
    main()
