"""The data audit's own method, re-run on every build (issue 23, item 4).

``shared/reviews/data-audit-2026-12-04.md`` checked every row of the public-sources pack against
the N-Quads with a script, no sampling. This is that check, on the build the tests make:

- a row of ``lis-publications.csv`` is right if exactly one ``lis:StatusRecord`` has a source whose
  ``lis:address`` is the row's URL, on the strategy or document ``documents.csv`` names for it,
  with the row's status and the row's words verbatim; the LEPs that wrote that strategy
  (``dcterms:creator``, LEPs only) are the row's GSS codes; the record is typed and stated in
  ``graph/source-{id}``, whose ``prov:wasDerivedFrom`` is that source; its ``dcterms:date`` has the
  row's value and precision, or is absent where the row has none; and the row's ``date_note``
  and ``note`` are in the record's ``lis:sourceNote``. The exceptions are the ones the data
  README documents, by row: Hansard's statement date dates no launch (19, 21, 23, 25, 27); a date
  the pack worked out is the editors' (5, 8, 47, 54, 67, 68, 73, 114, 119); a deadline or
  article date bounds the event, ``lis:notLaterThan``, and does not date it (9, 72, 97).
- a row of ``priorities.csv`` is right if its text is the ``rdfs:label`` of a resource in the
  source's graph, attached to every document ``documents.csv`` names for it: with ``lis:target``
  and typed ``lis:Target`` where the row's kind is a target, with ``lis:sectorStatement`` where
  its kind is a sector, else with ``lis:priority``, carrying the row's foundation and Grand
  Challenge and no other, and keeping its kind and note in ``lis:sourceNote``.

Where the audit found 117 + 98 rows right (1 + 13 wrong), both lists of wrong rows must now be
empty. (The audit's other findings are tested where they were fixed: graphs derived from one
source each in test_graph_provenance, the latest status per LEP in test_latest_status.)
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE, PROJECT_DIR

PACK = PROJECT_DIR / "data" / "reference" / "public-sources"
PREFIXES = (
    "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
XSD = "http://www.w3.org/2001/XMLSchema#"
#: The pack's status words and the status concepts of the graph (the status scheme's labels).
STATUS = {
    "published": "published",
    "in development": "in-development",
    "draft": "draft",
    "evidence base": "evidence-base",
    "unknown": "unknown",
    "submitted to government": "submitted",
    "prospectus": "prospectus",
    "locally approved": "locally-approved",
}
HANSARD_ROWS = {19, 21, 23, 25, 27}
EDITORS_DATE_ROWS = {5, 8, 47, 54, 67, 68, 73, 114, 119}
BY_DATE_ROWS = {9, 72, 97}
FOUNDATIONS = {
    "Ideas": "ideas",
    "People": "people",
    "Infrastructure": "infrastructure",
    "Business Environment": "business-environment",
    "Places": "places",
    "Place": "places",
}
CHALLENGES = {
    "AI and Data": "ai-and-data",
    "Ageing Society": "ageing-society",
    "Clean Growth": "clean-growth",
    "Future of Mobility": "future-of-mobility",
}


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a pack file with their row numbers as a spreadsheet shows them (header 1)."""
    with (PACK / name).open(encoding="utf-8", newline="") as handle:
        # the build reads fields stripped of surrounding spaces (lisgraph/builder/tables.py)
        return [
            (line, {k: v.strip() for k, v in row.items()})
            for line, row in enumerate(csv.DictReader(handle), start=2)
        ]


def _select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return [
        {k: v.value for k, v in row.items() if v is not None}
        for row in store.query(PREFIXES + query).rows()
    ]


def _typed(store: EmbeddedStore, query: str) -> list[dict[str, tuple[str, str]]]:
    """Like _select, with each value's datatype (for dates)."""
    return [
        {k: (v.value, v.datatype or "") for k, v in row.items() if v is not None}
        for row in store.query(PREFIXES + query).rows()
    ]


def _targets() -> dict[str, list[str]]:
    return {
        r["name"]: [f"{BASE}id/{t}" for t in r["target"].split(";")]
        for _, r in _rows("documents.csv")
    }


def _precision(value: str) -> str:
    return XSD + {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]


def _notes(store: EmbeddedStore) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = defaultdict(list)
    for r in _select(store, "SELECT ?r ?n WHERE { ?r lis:sourceNote ?n }"):
        notes[r["r"]].append(r["n"])
    return notes


def test_every_publication_row_is_right_by_the_audits_method(store: EmbeddedStore) -> None:
    rows = _rows("lis-publications.csv")
    assert len(rows) == 118
    targets = _targets()
    records = _select(
        store,
        "SELECT ?g ?r ?target ?status ?words ?address ?derived ?typed WHERE { "
        "GRAPH ?g { ?target lis:statusRecord ?r . ?r lis:status ?status ; lis:sourceWords ?words ; "
        "dcterms:source ?s OPTIONAL { ?r a ?typed FILTER (?typed = lis:StatusRecord) } } "
        "?s lis:address ?address . OPTIONAL { ?g prov:wasDerivedFrom ?derived } }",
    )
    by_key: dict[tuple[str, str, str, str], list[dict[str, str]]] = defaultdict(list)
    for rec in records:
        by_key[(rec["address"], rec["target"], rec["status"], rec["words"])].append(rec)
    creators: dict[str, set[str]] = defaultdict(set)
    for r in _select(
        store,
        "SELECT ?d ?lep WHERE { ?d dcterms:creator ?lep . ?lep a lis:LocalEnterprisePartnership }",
    ):
        creators[r["d"]].add(r["lep"].removeprefix(f"{BASE}id/lep/"))
    dates: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for t in _typed(store, "SELECT ?g ?r ?p ?d WHERE { GRAPH ?g { ?r ?p ?d "
                    "FILTER (?p IN (dcterms:date, lis:notLaterThan)) } }"):  # fmt: skip
        dates[t["r"][0]].append(
            (
                t["g"][0].removeprefix(BASE),
                t["p"][0].rsplit("#", 1)[-1],
                t["d"][0] + "^^" + t["d"][1],
            )
        )
    notes = _notes(store)
    rows_per_key = Counter(
        (
            r["source_url"],
            targets[r["strategy_name"]][0],
            f"{BASE}id/status/{STATUS[r['status']]}",
            r["source_words"],
        )
        for _, r in rows
    )

    wrong: list[str] = []
    for line, row in rows:
        target = targets[row["strategy_name"]][0]
        key = (
            row["source_url"],
            target,
            f"{BASE}id/status/{STATUS[row['status']]}",
            row["source_words"],
        )
        found = by_key.get(key, [])
        if len(found) != rows_per_key[key]:
            wrong.append(
                f"row {line}: {len(found)} records match its source, strategy, status, words"
            )
            continue
        for rec in found:
            graph = rec["g"].removeprefix(BASE)
            if not graph.startswith("graph/source-") or "typed" not in rec:
                wrong.append(f"row {line}: {rec['r']} is not typed in a source's graph ({graph})")
            if rec.get("derived", "").removeprefix(f"{BASE}id/source/") != graph.removeprefix(
                "graph/source-"
            ):
                wrong.append(f"row {line}: {graph} is not derived from the row's source")
            if creators[target] != set(row["lep_gss_codes"].split(";")):
                wrong.append(f"row {line}: {target} was written by {sorted(creators[target])}")
            stated = sorted(dates[rec["r"]])
            value = row["date"]
            typed = f"{value}^^{_precision(value)}" if value else ""
            if line in HANSARD_ROWS or not value:
                expected = []
            elif line in BY_DATE_ROWS:
                expected = [(graph, "notLaterThan", typed)]
            elif line in EDITORS_DATE_ROWS:
                expected = [("graph/public-sources-editors", "date", typed)]
            else:
                expected = [(graph, "date", typed)]
            stated = [(g, p.rsplit("/", 1)[-1], d) for g, p, d in stated]
            if stated != expected:
                wrong.append(f"row {line}: dates {stated}, expected {expected}")
            for note in (row["date_note"], row["note"]):
                if note and not any(note in n for n in notes[rec["r"]]):
                    wrong.append(f"row {line}: the note {note[:40]!r}... is not kept")
    assert wrong == []


def test_every_priority_row_is_right_by_the_audits_method(store: EmbeddedStore) -> None:
    rows = _rows("priorities.csv")
    assert len(rows) == 111
    targets = _targets()
    attached = _select(
        store,
        "SELECT ?g ?doc ?p ?item ?label ?type ?address WHERE { GRAPH ?g { "
        "?doc ?p ?item FILTER (?p IN (lis:priority, lis:target, lis:sectorStatement)) "
        "?item rdfs:label ?label ; a ?type ; dcterms:source ?s } ?s lis:address ?address }",
    )
    index: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for a in attached:
        index[(a["address"], a["label"], a["p"].rsplit("#", 1)[1])].append(a)
    links: dict[str, set[str]] = defaultdict(set)
    for r in _select(
        store,
        "SELECT ?item ?to WHERE { ?item lis:servesFoundation|lis:addressesChallenge ?to }",
    ):
        links[r["item"]].add(r["to"].removeprefix(f"{BASE}id/"))
    notes = _notes(store)

    wrong: list[str] = []
    kinds: Counter[str] = Counter()
    for line, row in rows:
        kind = row["kind"]
        how = (
            "target"
            if kind.startswith("target")
            else "sectorStatement"
            if kind.startswith("sector")
            else "priority"
        )
        kinds[how] += 1
        found = index.get((row["source_url"], row["priority_or_sector_text"], how), [])
        docs = {a["doc"] for a in found}
        if docs != set(targets[row["strategy"]]):
            wrong.append(f"row {line}: attached ({how}) to {sorted(docs)}")
            continue
        items = {a["item"] for a in found}
        if len(items) != 1 or not all(a["g"].startswith(f"{BASE}graph/source-") for a in found):
            wrong.append(f"row {line}: {sorted(items)} in {sorted({a['g'] for a in found})}")
            continue
        (item,) = items
        types = {a["type"].rsplit("#", 1)[-1] for a in found}
        if how == "target" and "Target" not in types:
            wrong.append(f"row {line}: a target typed {sorted(types)}")
        expected = set()
        if row["foundation"]:
            expected.add(f"foundation/{FOUNDATIONS[row['foundation']]}")
        if row["grand_challenge"] in CHALLENGES:
            expected.add(f"grand-challenge/{CHALLENGES[row['grand_challenge']]}")
        if links[item] != expected:
            wrong.append(f"row {line}: links {sorted(links[item])}, expected {sorted(expected)}")
        for words in (kind, row["note"]):
            if words and not any(words in n for n in notes[item]):
                wrong.append(f"row {line}: {words[:40]!r}... is not kept")
    assert kinds == {"priority": 94, "sectorStatement": 12, "target": 5}
    assert wrong == []
