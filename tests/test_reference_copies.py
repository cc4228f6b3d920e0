"""The repository's copies of the shared reference files are the files the project was given.

The reference (``shared/reference/`` beside a checkout, not part of the repository) is recorded
here as checksums, ``tests/data/shared-reference.sha256``; the copies the build and the tests
read are checked against them, so the check runs, and fails on an edited copy, in any clone.
Where the reference itself is at hand (CI), the record is checked against it with
``(cd ../shared/reference && sha256sum -c "$OLDPWD/tests/data/shared-reference.sha256")``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .helpers import DCAT_AP, PROJECT_DIR, TESTS_DIR

RECORD = TESTS_DIR / "data" / "shared-reference.sha256"
#: Where each folder of the shared reference is copied in the repository.
COPIES = {"dcat-ap-3.0.1": DCAT_AP, "": PROJECT_DIR / "data" / "reference"}


def _copy(shared_name: str) -> Path:
    top, _, rest = shared_name.partition("/")
    return COPIES[top] / rest if rest and top in COPIES else COPIES[""] / shared_name


def _record() -> dict[str, str]:
    lines = RECORD.read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines if line)}


def test_every_copy_is_the_reference_file_it_was_made_from() -> None:
    record = _record()
    assert len(record) == 13, "the record of the shared reference was not read"
    changed = [
        f"{_copy(name).relative_to(PROJECT_DIR)} (shared/reference/{name})"
        for name, digest in record.items()
        if hashlib.sha256(_copy(name).read_bytes()).hexdigest() != digest
    ]
    assert not changed, (
        "these copies differ from the reference they were made from; change the reference (and "
        f"then {RECORD.relative_to(PROJECT_DIR)}), not the copy: {changed}"
    )


def test_a_copy_is_found_for_each_folder_of_the_reference() -> None:
    assert _copy("lad-to-lep-2020.csv") == PROJECT_DIR / "data/reference/lad-to-lep-2020.csv"
    assert _copy("public-sources/priorities.csv") == (
        PROJECT_DIR / "data/reference/public-sources/priorities.csv"
    )
    assert _copy("dcat-ap-3.0.1/ranges.ttl") == DCAT_AP / "ranges.ttl"
