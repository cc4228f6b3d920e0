"""The public-sources pack as RDF, generated at build time from the CSVs kept in
data/reference/public-sources/ (copies of shared/reference/public-sources/, plus two tables the
editors keep beside them).

The pack's rows, one fact from one source each:

- ``lis-publications.csv``: a dated event in a strategy's life (a ``lis:StatusRecord``: status,
  date at the precision given, the source's words, the lead body in the row's words), attached
  with ``lis:statusRecord`` to the strategy or document the editors' ``documents.csv`` names
  for the row's document;
- ``priorities.csv``: a priority (``lis:Priority``, ``lis:Ambition`` or ``lis:Theme``) attached with
  ``lis:priority``, linked to a foundation or Grand Challenge only where the row names one.

``sources.csv`` (the editors') describes every source address the pack uses: its IRI
(``id/source/{id}``), primary or secondary (with what it copies), title and publisher.
``lead-bodies.csv`` (the editors') gives, for each ``lead_body`` wording, the organisations it
names as leading (``lis:ledBy``), working with the lead (``lis:ledWith``) or agreeing the strategy
(``lis:agreedWith``); ``organisations.csv`` types and names those the seeds do not have. The links
go on the row's record in the source's graph; a new organisation is typed there, and named there
only if the words spell its name (otherwise the name is the editors').

The quads go into named graphs: ``graph/source-{id}`` for what each source states (derived from
that source), ``graph/public-sources-catalogue`` for the sources' descriptions (derived from the
pack), and ``graph/public-sources-editors`` for the editors' inferences (new strategies' titles
and authors, dates whose year the pack inferred), derived from ``id/source/lisgraph-editors``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pyoxigraph as ox

from ..errors import DataLoadError
from ..vocab import LIS, rebase
from .tables import read_rows

__all__ = [
    "CATALOGUE_GRAPH",
    "EDITORS_GRAPH",
    "PACK_FILES",
    "STATUS_KINDS",
    "pack_files",
    "public_source_quads",
]

CATALOGUE_GRAPH = "graph/public-sources-catalogue"
EDITORS_GRAPH = "graph/public-sources-editors"
PACK_FILES = (
    "lis-publications.csv",
    "priorities.csv",
    "sources.csv",
    "documents.csv",
    "sectors.csv",
    "targets.csv",
    "lead-bodies.csv",
    "organisations.csv",
)
#: The pack's status words and the status concepts (id/status/...) they are stated as.
STATUS_KINDS = {
    "published": "published",
    "in development": "in-development",
    "draft": "draft",
    "evidence base": "evidence-base",
    "unknown": "unknown",
    "submitted to government": "submitted",
    "prospectus": "prospectus",
    "locally approved": "locally-approved",
}
_COLUMNS = {
    "lis-publications.csv": [
        "strategy_name",
        "leps",
        "lep_gss_codes",
        "lead_body",
        "status",
        "date",
        "date_note",
        "source_url",
        "source_publisher",
        "source_words",
        "note",
    ],
    "priorities.csv": [
        "strategy",
        "document_status",
        "lep_gss_codes",
        "priority_or_sector_text",
        "kind",
        "foundation",
        "grand_challenge",
        "source_url",
        "note",
    ],
    "sources.csv": ["source_url", "id", "type", "title", "publisher", "issued", "secondary_of"],
    "sectors.csv": ["row", "sector", "sic2007_sections", "coding_note"],
    "targets.csv": ["row", "target_value", "measure", "measure_label", "reading"],
    "lead-bodies.csv": ["lead_body", "led_by", "led_with", "agreed_with", "note"],
    "organisations.csv": ["ref", "class", "name"],
    "documents.csv": [
        "name",
        "target",
        "priority_key",
        "new_class",
        "new_title",
        "lep_gss_codes",
    ],
}
_FOUNDATIONS = {
    "Ideas": "ideas",
    "People": "people",
    "Infrastructure": "infrastructure",
    "Business Environment": "business-environment",
    "Places": "places",
    "Place": "places",
}
_CHALLENGES = {
    "AI and Data": "ai-and-data",
    "Ageing Society": "ageing-society",
    "Clean Growth": "clean-growth",
    "Future of Mobility": "future-of-mobility",
}
_NEW_CLASSES = {"LocalIndustrialStrategy", "Document", "StrategicEconomicPlan"}
#: The organisations a lead body names, by role: the lead-bodies.csv column and the property.
_LEAD_ROLES = (("led_by", "ledBy"), ("led_with", "ledWith"), ("agreed_with", "agreedWith"))
#: An organisation a lead body may name: a LEP by its GSS code, or an organisation of the seeds
#: or of organisations.csv.
_ORG_REF = re.compile(r"^(lep/E37\d{6}|combined-authority/[a-z0-9-]+|organisation/[a-z0-9-]+)$")
_ORG_CLASSES = ("CombinedAuthority", "FormalOrganization")
# A date the pack worked out (a year from a weekday or from the article's date) is the
# editors' inference, not the source's.
# A date the pack worked out rather than read: a year or month taken from the article's or post's
# own date ('last week', 'this month', 'in January' against it: rows 8, 67, 119; audit D9).
_INFERRED = re.compile(
    r"inferred|year not stated|no year|year comes from|year from the|the post is dated|"
    r"'last week'|events 'this month'",
    re.I,
)
# A date that is the source's own date, not the event's (Hansard's statement of 22 July 2019
# about launches of 19 July): the event is stated undated.
_SOURCE_DATE = re.compile(r"^Date of the written statement", re.I)
# A date that bounds the event rather than dates it: a consultation's deadline, or the date of an
# article reporting a consultation still open (rows 9, 72, 97; audit D9). The record is undated
# and the date is lis:notLaterThan: the status held by then.
_BY_DATE = re.compile(r"^Consultation deadline|open until", re.I)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LEP_CODE = re.compile(r"^E37\d{6}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DCT = "http://purl.org/dc/terms/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_ORG_FORMAL = ox.NamedNode("http://www.w3.org/ns/org#FormalOrganization")


def pack_files(directory: Path) -> list[Path]:
    """The pack's files in ``directory``, in a fixed order (for the build's input digest)."""
    return [directory / name for name in PACK_FILES]


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " and ")).strip("-")
    return slug[:limit].rstrip("-")


def _date(value: str) -> ox.Literal:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return ox.Literal(value, datatype=ox.NamedNode(_XSD + kind))


def _read(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of one pack file with their line numbers; raises DataLoadError on a wrong header."""
    return read_rows(path, _COLUMNS[path.name])


class _Writer:
    """Collects quads, with IRIs under the base and one set of named graphs."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.quads: list[ox.Quad] = []

    def iri(self, ref: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + ref)

    def lis(self, term: str) -> ox.NamedNode:
        return ox.NamedNode(str(rebase(str(getattr(LIS, term)), self.base)))

    def add(
        self, graph: str, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal
    ) -> None:
        self.quads.append(ox.Quad(s, p, o, self.iri(graph)))


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def public_source_quads(directory: Path, base: str) -> list[ox.Quad]:
    """Read the pack in ``directory`` and return its quads, IRIs under ``base``.

    Raises DataLoadError, naming the file and line, for a missing file, wrong columns, an
    unknown status, a malformed date or GSS code, or a source address or document name that
    sources.csv or documents.csv does not describe.
    """
    out = _Writer(base)
    pack = out.iri("id/source/public-sources-pack")
    editors = out.iri("id/source/lisgraph-editors")
    dct = {
        name: ox.NamedNode(_DCT + name)
        for name in ("source", "title", "publisher", "date", "creator", "issued")
    }

    # --- the sources -------------------------------------------------------------------------
    sources: dict[str, str] = {}
    sources_csv = directory / "sources.csv"
    for line, row in _read(sources_csv):
        where = f"{sources_csv}:{line}"
        if not _ID.match(row["id"]) or row["type"] not in ("primary", "secondary", "existing"):
            raise DataLoadError(
                f"{where}: id must be lower-case letters, digits and hyphens and type one of "
                f"primary, secondary, existing; found {row['id']!r}, {row['type']!r}.",
                str(sources_csv),
                line,
            )
        sources[row["source_url"]] = row["id"]
        if row["type"] == "existing":
            continue  # described in data/sources.ttl
        source = out.iri(f"id/source/{row['id']}")
        cls = "SecondarySource" if row["type"] == "secondary" else "Source"
        out.add(CATALOGUE_GRAPH, source, _RDF_TYPE, out.lis(cls))
        out.add(CATALOGUE_GRAPH, source, dct["title"], _en(row["title"]))
        out.add(CATALOGUE_GRAPH, source, out.lis("address"), ox.Literal(row["source_url"]))
        if row["type"] == "secondary":
            out.add(CATALOGUE_GRAPH, source, out.lis("secondaryOf"), _en(row["secondary_of"]))
        if row["issued"]:
            out.add(CATALOGUE_GRAPH, source, dct["issued"], _date(row["issued"]))
        if row["publisher"]:
            publisher = out.iri(f"id/{row['publisher']}")
        else:  # the website the page is on
            domain = urlparse(row["source_url"]).netloc.removeprefix("www.")
            publisher = out.iri(f"id/organisation/website/{_slug(domain)}")
            out.add(CATALOGUE_GRAPH, publisher, _RDF_TYPE, _ORG_FORMAL)
            out.add(CATALOGUE_GRAPH, publisher, ox.NamedNode(_SKOS + "prefLabel"), _en(domain))
            out.add(CATALOGUE_GRAPH, publisher, dct["source"], pack)
        out.add(CATALOGUE_GRAPH, source, dct["publisher"], publisher)
        out.add(CATALOGUE_GRAPH, source, dct["source"], pack)
    out.add(CATALOGUE_GRAPH, out.iri(CATALOGUE_GRAPH), _DERIVED_FROM, pack)

    graph_source: dict[str, ox.NamedNode] = {}

    def source_of(path: Path, line: int, url: str) -> tuple[ox.NamedNode, str]:
        if url not in sources:
            raise DataLoadError(
                f"{path}:{line}: the source {url} is not described in {sources_csv.name}.",
                str(path),
                line,
            )
        graph = f"graph/source-{sources[url]}"
        graph_source[graph] = out.iri(f"id/source/{sources[url]}")
        out.add(graph, out.iri(graph), _DERIVED_FROM, graph_source[graph])
        return out.iri(f"id/source/{sources[url]}"), graph

    # --- the documents the rows speak of --------------------------------------------------------
    targets: dict[str, tuple[list[str], str]] = {}
    documents_csv = directory / "documents.csv"
    out.add(EDITORS_GRAPH, out.iri(EDITORS_GRAPH), _DERIVED_FROM, editors)
    for line, row in _read(documents_csv):
        refs = row["target"].split(";")
        targets[row["name"]] = (refs, row["priority_key"])
        if not row["new_class"]:
            continue
        if row["new_class"] not in _NEW_CLASSES or len(refs) != 1:
            raise DataLoadError(
                f"{documents_csv}:{line}: new_class must be one of {sorted(_NEW_CLASSES)}, "
                "for a single target.",
                str(documents_csv),
                line,
            )
        target = out.iri(f"id/{refs[0]}")
        out.add(EDITORS_GRAPH, target, _RDF_TYPE, out.lis(row["new_class"]))
        out.add(EDITORS_GRAPH, target, dct["title"], _en(row["new_title"]))
        for code in row["lep_gss_codes"].split(";"):
            if not _LEP_CODE.match(code):
                raise DataLoadError(
                    f"{documents_csv}:{line}: {code!r} is not a LEP GSS code.",
                    str(documents_csv),
                    line,
                )
            out.add(EDITORS_GRAPH, target, dct["creator"], out.iri(f"id/lep/{code}"))
        out.add(
            EDITORS_GRAPH,
            target,
            out.lis("sourceNote"),
            _en(
                "The public sources name this document; its title and its authors (the LEPs "
                f"{row['lep_gss_codes'].replace(';', ', ')}) are the editors' reading of them."
            ),
        )
        out.add(EDITORS_GRAPH, target, dct["source"], editors)

    def targets_of(path: Path, line: int, name: str) -> tuple[list[ox.NamedNode], str]:
        if name not in targets:
            raise DataLoadError(
                f"{path}:{line}: the document {name!r} is not in {documents_csv.name}.",
                str(path),
                line,
            )
        refs, key = targets[name]
        return [out.iri(f"id/{ref}") for ref in refs], key

    # --- who led: the organisations each lead body's words name (the editors' tables) -----------
    organisations_csv = directory / "organisations.csv"
    organisations: dict[str, tuple[ox.NamedNode, str]] = {}
    for line, row in _read(organisations_csv):
        if not _ORG_REF.match(row["ref"]) or row["class"] not in _ORG_CLASSES or not row["name"]:
            raise DataLoadError(
                f"{organisations_csv}:{line}: expected an organisation reference "
                f"(combined-authority/... or organisation/...), a class of {_ORG_CLASSES} and "
                "a name.",
                str(organisations_csv),
                line,
            )
        org_class = out.lis(row["class"]) if row["class"] == "CombinedAuthority" else _ORG_FORMAL
        organisations[row["ref"]] = (org_class, row["name"])
    lead_bodies_csv = directory / "lead-bodies.csv"
    lead_bodies: dict[str, tuple[list[tuple[str, str]], str]] = {}
    for line, row in _read(lead_bodies_csv):
        named = [
            (term, ref)
            for column, term in _LEAD_ROLES
            for ref in row[column].split(";")
            if row[column]
        ]
        bad = [ref for _, ref in named if not _ORG_REF.match(ref)]
        if bad or (not named and not row["note"]):
            raise DataLoadError(
                f"{lead_bodies_csv}:{line}: "
                + (
                    f"{bad[0]!r} is not an organisation reference (lep/E37..., "
                    "combined-authority/..., organisation/...)."
                    if bad
                    else "a lead body that names no organisation needs a note saying why."
                ),
                str(lead_bodies_csv),
                line,
            )
        lead_bodies[row["lead_body"]] = (named, row["note"])

    def lead(
        graph: str, record: ox.NamedNode, words: str, codes: str, where: str, line: int
    ) -> None:
        """The organisations ``words`` name, linked from ``record`` in the source's graph."""
        if words not in lead_bodies:
            raise DataLoadError(
                f"{where}: the lead body {words!r} is not in {lead_bodies_csv.name}.",
                str(publications),
                line,
            )
        named, note = lead_bodies[words]
        for term, ref in named:
            if ref.startswith("lep/") and ref[4:] not in codes.split(";"):
                raise DataLoadError(
                    f"{where}: the lead body names the LEP {ref[4:]}, which is not one of the "
                    f"row's LEPs ({codes}); see {lead_bodies_csv.name}.",
                    str(publications),
                    line,
                )
            org = out.iri(f"id/{ref}")
            out.add(graph, record, out.lis(term), org)
            if ref in organisations:  # not in the seeds: what the source says it is
                cls, name = organisations[ref]
                out.add(graph, org, _RDF_TYPE, cls)
                out.add(graph, org, dct["source"], graph_source[graph])
                label_graph = graph if name in words else EDITORS_GRAPH
                out.add(label_graph, org, ox.NamedNode(_SKOS + "prefLabel"), _en(name))
                if label_graph == EDITORS_GRAPH:
                    out.add(
                        EDITORS_GRAPH,
                        org,
                        out.lis("sourceNote"),
                        _en(
                            f"The name is the editors': the public sources call it '{words}' "
                            "(or part of it)."
                        ),
                    )
                    out.add(EDITORS_GRAPH, org, dct["source"], editors)
        if note:
            out.add(
                EDITORS_GRAPH,
                record,
                out.lis("sourceNote"),
                _en(f"The editors' reading of the lead body '{words}': {note}."),
            )

    # --- dated events -----------------------------------------------------------------------------
    publications = directory / "lis-publications.csv"
    seen: dict[str, int] = {}
    for line, row in _read(publications):
        where = f"{publications}:{line}"
        if row["status"] not in STATUS_KINDS:
            raise DataLoadError(
                f"{where}: unknown status {row['status']!r} (one of {sorted(STATUS_KINDS)}).",
                str(publications),
                line,
            )
        if row["date"] and not _DATE.match(row["date"]):
            raise DataLoadError(
                f"{where}: {row['date']!r} is not an ISO date, year-month or year.",
                str(publications),
                line,
            )
        source, graph = source_of(publications, line, row["source_url"])
        (target, *_), _key = targets_of(publications, line, row["strategy_name"])
        kind = STATUS_KINDS[row["status"]]
        ref = f"{target.value[len(base) :]}/status/{sources[row['source_url']]}-{kind}"
        seen[ref] = seen.get(ref, 0) + 1
        record = out.iri(ref if seen[ref] == 1 else f"{ref}-{seen[ref]}")
        out.add(graph, target, out.lis("statusRecord"), record)
        out.add(graph, target, dct["source"], source)
        out.add(graph, record, _RDF_TYPE, out.lis("StatusRecord"))
        out.add(graph, record, _RDFS_LABEL, _en(f"{row['status']}: {row['strategy_name']}"))
        out.add(graph, record, out.lis("status"), out.iri(f"id/status/{kind}"))
        out.add(graph, record, out.lis("sourceWords"), _en(row["source_words"]))
        if row["lead_body"]:  # who led the strategy, in the row's words (audit D8)
            out.add(graph, record, out.lis("leadBody"), _en(row["lead_body"]))
            lead(graph, record, row["lead_body"], row["lep_gss_codes"], where, line)
        notes = " ".join(n for n in (row["date_note"], row["note"]) if n)
        if notes:
            out.add(graph, record, out.lis("sourceNote"), _en(notes))
        out.add(graph, record, dct["source"], source)
        if not row["date"] or _SOURCE_DATE.match(row["date_note"]):
            continue
        if _BY_DATE.search(row["date_note"]):
            out.add(graph, record, out.lis("notLaterThan"), _date(row["date"]))
        elif _INFERRED.search(row["date_note"]):
            out.add(EDITORS_GRAPH, record, dct["date"], _date(row["date"]))
            out.add(
                EDITORS_GRAPH,
                record,
                out.lis("sourceNote"),
                _en(
                    f"The date {row['date']} is the editors' inference, not the source's: "
                    f"{row['date_note']}"
                ),
            )
        else:
            out.add(graph, record, dct["date"], _date(row["date"]))

    # --- sectors: the editors' split of the pack's sector rows, and their SIC coding ----------
    sectors_csv = directory / "sectors.csv"
    sectors_of: dict[int, list[tuple[str, str]]] = {}
    coded: dict[str, tuple[str, str, str]] = {}
    for line, row in _read(sectors_csv):
        codes = row["sic2007_sections"].split(";")
        if not row["row"].isdigit() or not all(re.fullmatch(r"[A-U]", c) for c in codes):
            raise DataLoadError(
                f"{sectors_csv}:{line}: expected a priorities.csv line number and SIC 2007 "
                "section letters A-U separated by ';'.",
                str(sectors_csv),
                line,
            )
        slug = _slug(row["sector"])
        sectors_of.setdefault(int(row["row"]), []).append((row["sector"], slug))
        first = coded.setdefault(slug, (row["sic2007_sections"], row["coding_note"], row["sector"]))
        if first[0] != row["sic2007_sections"]:
            raise DataLoadError(
                f"{sectors_csv}:{line}: {row['sector']!r} is coded {row['sic2007_sections']} "
                f"here but {first[0]} earlier.",
                str(sectors_csv),
                line,
            )
    for slug, (codes_text, coding_note, words) in sorted(coded.items()):
        sector = out.iri(f"id/sector/{slug}")
        out.add(EDITORS_GRAPH, sector, _RDF_TYPE, out.lis("Sector"))
        out.add(EDITORS_GRAPH, sector, ox.NamedNode(_SKOS + "prefLabel"), _en(words.lower()))
        out.add(
            EDITORS_GRAPH,
            sector,
            ox.NamedNode(_SKOS + "inScheme"),
            out.iri("id/concept-scheme/sectors"),
        )
        for code in codes_text.split(";"):
            out.add(EDITORS_GRAPH, sector, out.lis("sicSection"), out.iri(f"id/sic2007/{code}"))
        out.add(
            EDITORS_GRAPH,
            sector,
            out.lis("sourceNote"),
            _en(
                "The editors' coding of the sector to UK SIC 2007 section(s) "
                f"{codes_text.replace(';', ', ')}" + (f": {coding_note}." if coding_note else ".")
            ),
        )
        out.add(EDITORS_GRAPH, sector, dct["source"], editors)

    # --- targets: the editors' reading of the pack's target rows (audit D3) ----------------
    targets_csv = directory / "targets.csv"
    target_rows: dict[int, dict[str, str]] = {}
    for line, row in _read(targets_csv):
        if not row["row"].isdigit() or not row["target_value"].isdigit() or not row["measure"]:
            raise DataLoadError(
                f"{targets_csv}:{line}: expected a priorities.csv line number, a whole number "
                "and a measure key.",
                str(targets_csv),
                line,
            )
        target_rows[int(row["row"])] = row

    # --- priorities ------------------------------------------------------------------------
    priorities = directory / "priorities.csv"
    for line, row in _read(priorities):
        source, graph = source_of(priorities, line, row["source_url"])
        documents, key = targets_of(priorities, line, row["strategy"])
        text = row["priority_or_sector_text"]
        if line in target_rows:  # targets, not priorities (audit D3)
            reading = target_rows[line]
            year = re.search(r"\b(20\d\d)\b", row["kind"])
            if not year:
                raise DataLoadError(
                    f"{priorities}:{line}: a target row's kind gives no year ({row['kind']!r}).",
                    str(priorities),
                    line,
                )
            aim = out.iri(f"id/target/{key}-{_slug(text, 50)}")
            measure = out.iri(f"id/measure/{reading['measure']}")
            for document in documents:
                out.add(graph, document, out.lis("target"), aim)
                out.add(graph, document, dct["source"], source)
            out.add(graph, aim, _RDF_TYPE, out.lis("Target"))
            out.add(graph, aim, _RDFS_LABEL, _en(text))
            out.add(graph, aim, out.lis("targetDate"), _date(year.group(1)))
            out.add(
                graph,
                aim,
                out.lis("sourceNote"),
                _en(
                    f"Listed as '{row['kind']}' in {row['strategy']}."
                    + (f" {row['note']}" if row["note"] else "")
                ),
            )
            out.add(graph, aim, dct["source"], source)
            # the number and what it measures are the editors' reading of the words
            out.add(
                EDITORS_GRAPH,
                aim,
                out.lis("targetValue"),
                ox.Literal(reading["target_value"], datatype=ox.NamedNode(_XSD + "integer")),
            )
            out.add(EDITORS_GRAPH, aim, out.lis("targetMeasure"), measure)
            out.add(
                EDITORS_GRAPH,
                aim,
                out.lis("sourceNote"),
                _en(
                    "The value and measure are the editors' reading of the words: "
                    + reading["reading"]
                ),
            )
            out.add(EDITORS_GRAPH, aim, dct["source"], editors)
            out.add(EDITORS_GRAPH, measure, _RDF_TYPE, out.lis("Measure"))
            out.add(
                EDITORS_GRAPH,
                measure,
                ox.NamedNode(_SKOS + "prefLabel"),
                _en(reading["measure_label"]),
            )
            out.add(
                EDITORS_GRAPH,
                measure,
                ox.NamedNode(_SKOS + "inScheme"),
                out.iri("id/concept-scheme/measures"),
            )
            out.add(EDITORS_GRAPH, measure, dct["source"], editors)
            continue
        if line in sectors_of:  # sectors a strategy names, not priorities (audit D4)
            statement = out.iri(f"id/sector-statement/{key}-{_slug(text, 50)}")
            out.add(graph, statement, _RDF_TYPE, out.lis("SectorStatement"))
            out.add(graph, statement, _RDFS_LABEL, _en(text))
            out.add(
                graph,
                statement,
                out.lis("sourceNote"),
                _en(
                    f"Listed as '{row['kind']}' in {row['strategy']}."
                    + (f" {row['note']}" if row["note"] else "")
                ),
            )
            out.add(graph, statement, dct["source"], source)
            for document in documents:
                out.add(graph, document, out.lis("sectorStatement"), statement)
                out.add(graph, document, dct["source"], source)
            for words, slug in sectors_of[line]:
                if words not in text:
                    raise DataLoadError(
                        f"{sectors_csv}: {words!r} is not in the words of {priorities.name} "
                        f"line {line}.",
                        str(sectors_csv),
                    )
                sector = out.iri(f"id/sector/{slug}")
                out.add(graph, statement, out.lis("namesSector"), sector)
                for document in documents:
                    out.add(graph, document, out.lis("sectorSpecialism"), sector)
            continue
        priority = out.iri(f"id/priority/{key}-{_slug(text, 50)}")
        kind = row["kind"]
        cls = (
            "Ambition"
            if kind.startswith(("ambition", "overarching aim"))
            else "Theme"
            if kind.startswith("emerging theme")
            else "Priority"
        )
        for document in documents:
            out.add(graph, document, out.lis("priority"), priority)
            out.add(graph, document, dct["source"], source)
        out.add(graph, priority, _RDF_TYPE, out.lis(cls))
        out.add(graph, priority, _RDFS_LABEL, _en(text))
        note = f"Listed as '{kind}' in {row['strategy']}." + (
            f" {row['note']}" if row["note"] else ""
        )
        out.add(graph, priority, out.lis("sourceNote"), _en(note))
        if row["foundation"]:
            if row["foundation"] not in _FOUNDATIONS:
                raise DataLoadError(
                    f"{priorities}:{line}: unknown foundation {row['foundation']!r}.",
                    str(priorities),
                    line,
                )
            foundation = out.iri(f"id/foundation/{_FOUNDATIONS[row['foundation']]}")
            out.add(graph, priority, out.lis("servesFoundation"), foundation)
        if row["grand_challenge"] in _CHALLENGES:
            challenge = out.iri(f"id/grand-challenge/{_CHALLENGES[row['grand_challenge']]}")
            out.add(graph, priority, out.lis("addressesChallenge"), challenge)
        out.add(graph, priority, dct["source"], source)
    return sorted(set(out.quads), key=str)
