"""Finding resources by name: a small full-text index made by the build and shipped with it.

The build writes ``search.sqlite`` (SQLite FTS5, from the standard library) into the build
directory: one row per named resource with its labels, alternative names, codes (GSS codes,
notations) and the last segment of its IRI, all normalised the same way as a query is (case,
accents and punctuation folded). A search is then an index lookup, not a SPARQL scan.

Matches are ranked as people expect: a name equal to the query first, then names starting with
it, then names containing its words anywhere (shorter names first within each rank); results
come grouped by class with counts. A query of one or two letters (the first keystrokes of
typing) looks at no more than :data:`CANDIDATES` names equal to or starting with it and as many
containing it, so its cost is bounded whatever the size of the dataset; its counts are then
lower bounds (:attr:`Results.capped`), as search engines show "1,000+".
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CANDIDATES",
    "Entry",
    "Hit",
    "Results",
    "near_iri",
    "normalise",
    "search",
    "write_index",
]

#: How many names starting with the query, and how many containing its words, a search looks
#: at, at most.
CANDIDATES = 250
#: Queries with fewer letters than this are "short": they look at CANDIDATES names at most.
SHORT = 3

_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """``text`` as the index compares it: accents dropped, case folded, punctuation a space."""
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain.casefold()).replace("_", " ").split())


@dataclass(frozen=True)
class Entry:
    """One resource as the index holds it."""

    iri: str
    label: str
    class_iri: str
    class_label: str
    names: tuple[str, ...]  # every name, code and IRI segment it can be found by


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    class_iri: str
    class_label: str
    matched: str  # the name that matched
    rank: int  # 0 exact, 1 prefix, 2 word


@dataclass
class Results:
    """The hits for a query, best first, and their count per class."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    by_class: list[tuple[str, str, int]] = field(default_factory=list)  # iri, label, count
    #: A short query matched more names than were looked at (:data:`CANDIDATES` of each kind):
    #: the counts are then lower bounds ("250+"), and the hits the best of those looked at.
    capped: bool = False


_SCHEMA = """
CREATE TABLE entity (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, label TEXT NOT NULL,
                     class_iri TEXT NOT NULL, class_label TEXT NOT NULL);
CREATE TABLE name (entity INTEGER NOT NULL REFERENCES entity(id), text TEXT NOT NULL,
                   plain TEXT NOT NULL);
CREATE INDEX name_plain ON name(plain);
CREATE INDEX entity_iri ON entity(iri);
CREATE VIRTUAL TABLE name_fts USING fts5(plain, content='name', content_rowid='rowid',
                                         tokenize='unicode61 remove_diacritics 2',
                                         prefix='1 2 3 4 5 6 7 8 9 10');
"""


def write_index(entries: Iterable[Entry], path: Path) -> int:
    """Write the index of ``entries`` to ``path`` (replaced). Returns the number of entries.

    Entries are written in IRI order, so the same entries give the same file.
    """
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA)
        count = 0
        for number, entry in enumerate(sorted(entries, key=lambda e: (e.iri, e.class_iri))):
            connection.execute(
                "INSERT INTO entity VALUES (?, ?, ?, ?, ?)",
                (number, entry.iri, entry.label, entry.class_iri, entry.class_label),
            )
            for text in sorted(set(entry.names)):
                plain = normalise(text)
                if plain:
                    connection.execute("INSERT INTO name VALUES (?, ?, ?)", (number, text, plain))
            count += 1
        connection.execute("INSERT INTO name_fts(name_fts) VALUES ('rebuild')")
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    return count


def _fts_query(plain: str) -> str:
    """Every word of the query must start a word of the name (prefix search as you type)."""
    return " ".join(f'"{word}"*' for word in plain.split())


# One row per matching resource, its best name first: exact, then prefix, then word, shorter
# names before longer (SQLite returns the bare column of the MIN row). The first ``limit`` of
# them (of ``class_iri`` if given), then the count per class.
_MATCHES = """
WITH matched AS (
  SELECT name.entity AS entity, name.text AS text,
         (CASE WHEN name.plain = :plain THEN 0
               WHEN name.plain LIKE :prefix THEN 1 ELSE 2 END) * 100000
         + length(name.plain) AS key
  FROM name_fts JOIN name ON name.rowid = name_fts.rowid
  WHERE name_fts MATCH :fts
  UNION ALL
  SELECT id, iri, -1 FROM entity WHERE iri = :raw
)"""
# A short query: the names equal to it, and at most :cap + 1 starting with it and as many
# containing it (each kind its own tier, to tell whether it was cut).
_SHORT_MATCHES = """
WITH matched AS MATERIALIZED (
  SELECT 0 AS tier, entity, text, length(plain) AS key FROM name WHERE plain = :plain
  UNION ALL
  SELECT * FROM (
    SELECT 1, entity, text, 100000 + length(plain) FROM name
    WHERE plain > :plain AND plain < :plain || char(1114111) LIMIT :cap + 1)
  UNION ALL
  SELECT * FROM (
    SELECT 2, name.entity, name.text, 200000 + length(name.plain)
    FROM name_fts JOIN name ON name.rowid = name_fts.rowid
    WHERE name_fts MATCH :fts LIMIT :cap + 1)
  UNION ALL
  SELECT -1, id, iri, -1 FROM entity WHERE iri = :raw
)"""
_RANKED = """, ranked AS MATERIALIZED (
  SELECT e.iri, e.label, e.class_iri, e.class_label, best.text, best.key
  FROM (SELECT entity, text, MIN(key) AS key FROM matched GROUP BY entity) AS best
  JOIN entity e ON e.id = best.entity
)
SELECT * FROM (
  SELECT 'hit', iri, label, class_iri, class_label, text, MAX(key, 0) / 100000
  FROM ranked WHERE :class IS NULL OR class_iri = :class
  ORDER BY key, label, iri LIMIT :limit
)
UNION ALL
SELECT 'class', class_iri, class_label, NULL, NULL, NULL, COUNT(*)
FROM ranked GROUP BY class_iri, class_label
"""
_CAPPED = """UNION ALL
SELECT 'capped', NULL, NULL, NULL, NULL, NULL, COUNT(*) FROM matched
GROUP BY tier HAVING tier > 0 AND COUNT(*) > :cap
"""


_readers = threading.local()


def _reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to the index file at ``path``, kept by this thread for the next
    lookup (opening one costs more than most lookups); one for the file there now (a new file
    at the same path gets a new connection), the last two files a thread read. Raises
    FileNotFoundError when there is no index."""
    try:
        stat = os.stat(path)
    except OSError:
        raise FileNotFoundError(path) from None
    key = (os.fspath(path), stat.st_dev, stat.st_ino, stat.st_mtime_ns)
    kept: dict[tuple[str, int, int, int], sqlite3.Connection] = _readers.__dict__.setdefault(
        "connections", {}
    )
    connection = kept.get(key)
    if connection is None:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        while len(kept) >= 2:
            kept.pop(next(iter(kept))).close()
        kept[key] = connection
    return connection


def search(path: Path, text: str, limit: int = 50, class_iri: str | None = None) -> Results:
    """Resources whose names match ``text`` (or whose IRI is ``text``), best first.

    ``class_iri`` keeps only resources of that class. Raises FileNotFoundError when the build
    has no index.
    """
    results = Results(query=text)
    plain = normalise(text)
    if not plain and not text.strip():
        return results
    connection = _reader(path)
    short = 0 < len(plain.replace(" ", "")) < SHORT
    rows = connection.execute(
        (_SHORT_MATCHES if short else _MATCHES) + _RANKED + (_CAPPED if short else ""),
        {
            "plain": plain,
            "prefix": plain + "%",  # plain has no % or _ (normalise drops them)
            "fts": _fts_query(plain) if plain else '""',
            "raw": text.strip(),
            "class": class_iri,
            "limit": limit,
            "cap": CANDIDATES,
        },
    ).fetchall()
    results.capped = any(row[0] == "capped" for row in rows)
    classes = [(row[1], row[2], int(row[6])) for row in rows if row[0] == "class"]
    results.by_class = sorted(classes, key=lambda c: (-c[2], c[1]))
    results.total = sum(n for iri, _, n in classes if class_iri is None or iri == class_iri)
    results.hits = [Hit(*row[1:]) for row in rows if row[0] == "hit"]
    return results


# Resources under one IRI prefix (an index range scan on entity.iri, bounded by the prefix):
# the same IRI in another case first; else those whose IRI after ``:skip`` characters contains
# ``:stem``; else (when ``:stem`` matches none) the rest of them, by label.
_NEAR = """
WITH kind AS MATERIALIZED (
  SELECT DISTINCT iri, label FROM entity WHERE iri >= :prefix AND iri < :prefix || char(1114111)
), same AS (SELECT iri, label FROM kind WHERE lower(iri) = lower(:iri)),
close AS (
  SELECT iri, label FROM kind
  WHERE :stem != '' AND instr(lower(substr(iri, :skip + 1)), :stem) > 0
)
SELECT 0, iri, label FROM same
UNION ALL
SELECT * FROM (
  SELECT 1, iri, label FROM close WHERE NOT EXISTS (SELECT 1 FROM same)
  ORDER BY lower(label), iri LIMIT :limit)
UNION ALL
SELECT * FROM (
  SELECT 2, iri, label FROM kind
  WHERE NOT EXISTS (SELECT 1 FROM same) AND NOT EXISTS (SELECT 1 FROM close)
  ORDER BY lower(label), iri LIMIT :limit)
"""


def near_iri(
    path: Path, iri: str, prefix: str, stem: str, skip: int, limit: int = 10
) -> list[tuple[str, str]]:
    """Named resources to offer instead of ``iri`` (which the dataset does not have), with their
    labels: those whose IRI is ``iri`` in another case; else those whose IRI starts with
    ``prefix`` and contains ``stem`` (lower case) after its first ``skip`` characters; else the
    first of those starting with ``prefix``, by label. One index range scan of the resources
    under ``prefix``, whatever the size of the rest. Raises FileNotFoundError when the build
    has no index."""
    rows = (
        _reader(path)
        .execute(_NEAR, {"prefix": prefix, "iri": iri, "stem": stem, "skip": skip, "limit": limit})
        .fetchall()
    )
    return [(row[1], row[2]) for row in rows]
