"""The ONS lookup: every district and LEP is in the graph; a malformed CSV is reported by line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lisgraph.builder.ons_lookup import lookup_graph
from lisgraph.errors import DataLoadError
from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE, PROJECT_DIR

REPO_CSV = PROJECT_DIR / "data" / "reference" / "lad-to-lep-2020.csv"
HEADER = "LAD20CD,LAD20NM,LEP20CD,LEP20NM\n"
DUDLEY = "E08000027,Dudley,E37000001,Black Country\n"


def test_all_314_districts_and_38_leps(store: EmbeddedStore) -> None:
    with REPO_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 314
    lis = "https://w3id.org/lisgraph/def/lis#"
    for cls, expected in (("LocalAuthorityDistrict", 314), ("LEPArea", 38)):
        result = store.query(f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a <{lis}{cls}> }}")
        assert result.table()[1] == [[str(expected)]]
    areas = store.query(
        f"PREFIX lis: <{lis}> "
        "SELECT ?code ?ons WHERE { ?a a lis:LEPArea ; lis:gssCode ?code ; "
        "lis:statisticalGeography ?ons }"
    ).table()[1]
    assert {code for code, _ in areas} == {row["LEP20CD"] for row in rows}
    assert all(
        ons == f"http://statistics.data.gov.uk/id/statistical-geography/{code}"
        for code, ons in areas
    )


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("LAD,NAME\n", 1, "expected the columns"),
        (
            HEADER + DUDLEY + "X1,Bad,E37000001,Black Country\n",
            3,
            "not a district GSS code",
        ),
        (
            "LAD20CD,LAD20NM,LEP20CD,LEP20NM\nE08000027,Dudley,E3700001,Black Country\n",
            2,
            "not a LEP GSS code",
        ),
        (
            HEADER + DUDLEY + "E08000028,Sandwell,E37000001,Blak Country\n",
            3,
            "named",
        ),
    ],
)
def test_malformed_lookup_names_file_and_line(
    tmp_path: Path, content: str, line: int, words: str
) -> None:
    path = tmp_path / "lookup.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataLoadError) as caught:
        lookup_graph(path, BASE)
    assert caught.value.line == line
    assert f"{path}:{line}" in str(caught.value) and words in str(caught.value)
