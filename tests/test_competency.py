"""The competency questions: each lisgraph/queries/NN-*.rq runs against the built graph and must
return exactly the rows of tests/competency/NN-*.csv, written from the sources by hand (08a's is
the ONS lookup itself). Rows are compared as a multiset; the header must match."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from lisgraph.queries import QUERY_DIR
from lisgraph.store.embedded import EmbeddedStore

from .helpers import COMPETENCY_DIR

QUERIES = sorted(QUERY_DIR.glob("*.rq"))


def _rows(text: str) -> tuple[list[str], Counter[tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, Counter(tuple(row) for row in reader if row)


def test_all_twenty_nine_questions_are_present() -> None:
    numbers = {q.name[:2] for q in QUERIES}
    assert numbers == {f"{n:02d}" for n in range(1, 30)}
    assert all((COMPETENCY_DIR / f"{q.stem}.csv").is_file() for q in QUERIES)


@pytest.mark.parametrize("query_file", QUERIES, ids=lambda p: p.stem)
def test_competency_question(store: EmbeddedStore, query_file: Path) -> None:
    result = store.query(query_file.read_text(encoding="utf-8"))
    got_header, got = _rows(result.serialize("csv").decode("utf-8"))
    want_header, want = _rows(
        (COMPETENCY_DIR / f"{query_file.stem}.csv").read_text(encoding="utf-8")
    )
    assert got_header == want_header
    assert want, "an expected answer must not be empty"
    missing, unexpected = want - got, got - want
    assert not missing and not unexpected, (
        f"missing: {sorted(missing)}\nunexpected: {sorted(unexpected)}"
    )
