"""Reading the CSV files the build turns into RDF: one checked reader for each way a file's
header is held to its columns, with errors that name the file and the line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ..errors import DataLoadError

__all__ = ["read_columns", "read_rows"]


def read_rows(path: Path, expected: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file whose header is exactly ``expected``, as dicts of stripped
    fields, each with its line number. Raises DataLoadError (file and line) when the file cannot
    be read, the header differs or a row has another number of fields."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise DataLoadError(f"Cannot read {path}: {exc.strerror}.", str(path)) from exc
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != expected:
            raise DataLoadError(
                f"{path}:1: expected the columns {','.join(expected)}, found {header}.",
                str(path),
                1,
            )
        for row in reader:
            line = reader.line_num
            if len(row) != len(expected):
                raise DataLoadError(
                    f"{path}:{line}: expected {len(expected)} fields, found {len(row)}.",
                    str(path),
                    line,
                )
            yield line, dict(zip(expected, (field.strip() for field in row), strict=True))


def read_columns(path: Path, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The ``columns`` of a CSV file whose header includes them (others are ignored), as dicts
    of stripped fields, each with its line number. Raises DataLoadError (file and line) when
    the file cannot be read or a column is missing."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise DataLoadError(f"Cannot read {path}: {exc.strerror}.", str(path)) from exc
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not set(columns) <= set(reader.fieldnames):
            raise DataLoadError(
                f"{path}:1: expected the columns {','.join(columns)}, found {reader.fieldnames}.",
                str(path),
                1,
            )
        for line_no, row in enumerate(reader, start=2):
            yield line_no, {k: (row[k] or "").strip() for k in columns}
