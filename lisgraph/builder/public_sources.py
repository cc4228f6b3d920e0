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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pyoxigraph as ox

from ..errors import DataLoadError
from ..vocab import DCTERMS, LIS, ORG, PROV, RDF, RDFS, SKOS, XSD, rebase
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
_RDF_TYPE = ox.NamedNode(RDF.type)
_RDFS_LABEL = ox.NamedNode(RDFS.label)
_DERIVED_FROM = ox.NamedNode(PROV.wasDerivedFrom)
_ORG_FORMAL = ox.NamedNode(ORG.FormalOrganization)


def pack_files(directory: Path) -> list[Path]:
    """The pack's files in ``directory``, in a fixed order (for the build's input digest)."""
    return [directory / name for name in PACK_FILES]


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " and ")).strip("-")
    return slug[:limit].rstrip("-")


def _date(value: str) -> ox.Literal:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return ox.Literal(value, datatype=ox.NamedNode(XSD[kind]))


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
    unknown status, a malformed date or GSS code, a source address or document name that
    sources.csv or documents.csv does not describe, or a lead body lead-bodies.csv does not
    read (or that names an organisation it may not).
    """
    pack = _Pack(directory, _Writer(base))
    _sources(pack)
    _documents(pack)
    _lead_bodies(pack)
    _events(pack)
    sectors_of = _sectors(pack)
    target_rows = _targets(directory / "targets.csv")
    _priorities(pack, sectors_of, target_rows)
    return sorted(set(pack.out.quads), key=str)


_DCTERMS = {
    name: ox.NamedNode(DCTERMS[name])
    for name in ("source", "title", "publisher", "date", "creator", "issued")
}
_PREF_LABEL = ox.NamedNode(SKOS.prefLabel)
_IN_SCHEME = ox.NamedNode(SKOS.inScheme)


@dataclass
class _Pack:
    """What the pack's files share while they are read: the quads written so far, the source
    of each address (sources.csv), the documents of each name (documents.csv), the source of
    each graph written so far, and the editors' organisations and lead bodies
    (organisations.csv, lead-bodies.csv)."""

    directory: Path
    out: _Writer
    #: source address -> source id
    sources: dict[str, str] = field(default_factory=dict)
    #: document name -> (its target references, its priority key)
    targets: dict[str, tuple[list[str], str]] = field(default_factory=dict)
    #: named graph -> the source it is derived from
    graph_source: dict[str, ox.NamedNode] = field(default_factory=dict)
    #: organisation reference -> (its class, its name)
    organisations: dict[str, tuple[ox.NamedNode, str]] = field(default_factory=dict)
    #: lead body words -> ((property, organisation reference) named, the editors' note)
    lead_bodies: dict[str, tuple[list[tuple[str, str]], str]] = field(default_factory=dict)

    @property
    def pack(self) -> ox.NamedNode:
        return self.out.iri("id/source/public-sources-pack")

    @property
    def editors(self) -> ox.NamedNode:
        return self.out.iri("id/source/lisgraph-editors")

    def source_of(self, path: Path, line: int, url: str) -> tuple[ox.NamedNode, str]:
        """The source at ``url`` and its named graph (which is said to be derived from it)."""
        if url not in self.sources:
            raise DataLoadError(
                f"{path}:{line}: the source {url} is not described in sources.csv.",
                str(path),
                line,
            )
        out, source_id = self.out, self.sources[url]
        graph = f"graph/source-{source_id}"
        self.graph_source[graph] = out.iri(f"id/source/{source_id}")
        out.add(graph, out.iri(graph), _DERIVED_FROM, self.graph_source[graph])
        return out.iri(f"id/source/{source_id}"), graph

    def targets_of(self, path: Path, line: int, name: str) -> tuple[list[ox.NamedNode], str]:
        """The documents the name ``name`` stands for, and their priority key."""
        if name not in self.targets:
            raise DataLoadError(
                f"{path}:{line}: the document {name!r} is not in documents.csv.",
                str(path),
                line,
            )
        refs, key = self.targets[name]
        return [self.out.iri(f"id/{ref}") for ref in refs], key


def _sources(pack: _Pack) -> None:
    """sources.csv: every source the rows cite (those not in data/sources.ttl), its title,
    address, date and publisher (the website's, when the row names none)."""
    out = pack.out
    sources_csv = pack.directory / "sources.csv"
    for line, row in _read(sources_csv):
        where = f"{sources_csv}:{line}"
        if not _ID.match(row["id"]) or row["type"] not in ("primary", "secondary", "existing"):
            raise DataLoadError(
                f"{where}: id must be lower-case letters, digits and hyphens and type one of "
                f"primary, secondary, existing; found {row['id']!r}, {row['type']!r}.",
                str(sources_csv),
                line,
            )
        pack.sources[row["source_url"]] = row["id"]
        if row["type"] == "existing":
            continue  # described in data/sources.ttl
        source = out.iri(f"id/source/{row['id']}")
        cls = "SecondarySource" if row["type"] == "secondary" else "Source"
        out.add(CATALOGUE_GRAPH, source, _RDF_TYPE, out.lis(cls))
        out.add(CATALOGUE_GRAPH, source, _DCTERMS["title"], _en(row["title"]))
        out.add(CATALOGUE_GRAPH, source, out.lis("address"), ox.Literal(row["source_url"]))
        if row["type"] == "secondary":
            out.add(CATALOGUE_GRAPH, source, out.lis("secondaryOf"), _en(row["secondary_of"]))
        if row["issued"]:
            out.add(CATALOGUE_GRAPH, source, _DCTERMS["issued"], _date(row["issued"]))
        if row["publisher"]:
            publisher = out.iri(f"id/{row['publisher']}")
        else:  # the website the page is on
            domain = urlparse(row["source_url"]).netloc.removeprefix("www.")
            publisher = out.iri(f"id/organisation/website/{_slug(domain)}")
            out.add(CATALOGUE_GRAPH, publisher, _RDF_TYPE, _ORG_FORMAL)
            out.add(CATALOGUE_GRAPH, publisher, _PREF_LABEL, _en(domain))
            out.add(CATALOGUE_GRAPH, publisher, _DCTERMS["source"], pack.pack)
        out.add(CATALOGUE_GRAPH, source, _DCTERMS["publisher"], publisher)
        out.add(CATALOGUE_GRAPH, source, _DCTERMS["source"], pack.pack)
    out.add(CATALOGUE_GRAPH, out.iri(CATALOGUE_GRAPH), _DERIVED_FROM, pack.pack)


def _documents(pack: _Pack) -> None:
    """documents.csv: what each document name in the rows stands for; a document no other
    source describes gets the editors' class, title and authors."""
    out, editors = pack.out, pack.editors
    documents_csv = pack.directory / "documents.csv"
    out.add(EDITORS_GRAPH, out.iri(EDITORS_GRAPH), _DERIVED_FROM, editors)
    for line, row in _read(documents_csv):
        refs = row["target"].split(";")
        pack.targets[row["name"]] = (refs, row["priority_key"])
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
        out.add(EDITORS_GRAPH, target, _DCTERMS["title"], _en(row["new_title"]))
        for code in row["lep_gss_codes"].split(";"):
            if not _LEP_CODE.match(code):
                raise DataLoadError(
                    f"{documents_csv}:{line}: {code!r} is not a LEP GSS code.",
                    str(documents_csv),
                    line,
                )
            out.add(EDITORS_GRAPH, target, _DCTERMS["creator"], out.iri(f"id/lep/{code}"))
        out.add(
            EDITORS_GRAPH,
            target,
            out.lis("sourceNote"),
            _en(
                "The public sources name this document; its title and its authors (the LEPs "
                f"{row['lep_gss_codes'].replace(';', ', ')}) are the editors' reading of them."
            ),
        )
        out.add(EDITORS_GRAPH, target, _DCTERMS["source"], editors)


def _lead_bodies(pack: _Pack) -> None:
    """organisations.csv and lead-bodies.csv: who led, the organisations each lead body's words
    name (the editors' tables), kept in ``pack`` for :func:`_lead`."""
    out = pack.out
    organisations_csv = pack.directory / "organisations.csv"
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
        pack.organisations[row["ref"]] = (org_class, row["name"])
    lead_bodies_csv = pack.directory / "lead-bodies.csv"
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
        pack.lead_bodies[row["lead_body"]] = (named, row["note"])


def _lead(pack: _Pack, graph: str, record: ox.NamedNode, row: dict[str, str], line: int) -> None:
    """The organisations the row's lead body words name, linked from ``record`` in the source's
    graph (lis-publications.csv line ``line``)."""
    out, editors = pack.out, pack.editors
    publications = pack.directory / "lis-publications.csv"
    lead_bodies_csv = pack.directory / "lead-bodies.csv"
    where, words, codes = f"{publications}:{line}", row["lead_body"], row["lep_gss_codes"]
    if words not in pack.lead_bodies:
        raise DataLoadError(
            f"{where}: the lead body {words!r} is not in {lead_bodies_csv.name}.",
            str(publications),
            line,
        )
    named, note = pack.lead_bodies[words]
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
        if ref in pack.organisations:  # not in the seeds: what the source says it is
            cls, name = pack.organisations[ref]
            out.add(graph, org, _RDF_TYPE, cls)
            out.add(graph, org, _DCTERMS["source"], pack.graph_source[graph])
            label_graph = graph if name in words else EDITORS_GRAPH
            out.add(label_graph, org, _PREF_LABEL, _en(name))
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
                out.add(EDITORS_GRAPH, org, _DCTERMS["source"], editors)
    if note:
        out.add(
            EDITORS_GRAPH,
            record,
            out.lis("sourceNote"),
            _en(f"The editors' reading of the lead body '{words}': {note}."),
        )


def _events(pack: _Pack) -> None:
    """lis-publications.csv: one status record per row, dated in the source's graph, or in the
    editors' graph when the date is their inference."""
    out, base = pack.out, pack.out.base
    publications = pack.directory / "lis-publications.csv"
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
        source, graph = pack.source_of(publications, line, row["source_url"])
        (target, *_), _key = pack.targets_of(publications, line, row["strategy_name"])
        kind = STATUS_KINDS[row["status"]]
        ref = f"{target.value[len(base) :]}/status/{pack.sources[row['source_url']]}-{kind}"
        seen[ref] = seen.get(ref, 0) + 1
        record = out.iri(ref if seen[ref] == 1 else f"{ref}-{seen[ref]}")
        out.add(graph, target, out.lis("statusRecord"), record)
        out.add(graph, target, _DCTERMS["source"], source)
        out.add(graph, record, _RDF_TYPE, out.lis("StatusRecord"))
        out.add(graph, record, _RDFS_LABEL, _en(f"{row['status']}: {row['strategy_name']}"))
        out.add(graph, record, out.lis("status"), out.iri(f"id/status/{kind}"))
        out.add(graph, record, out.lis("sourceWords"), _en(row["source_words"]))
        if row["lead_body"]:  # who led the strategy, in the row's words (audit D8)
            out.add(graph, record, out.lis("leadBody"), _en(row["lead_body"]))
            _lead(pack, graph, record, row, line)
        notes = " ".join(n for n in (row["date_note"], row["note"]) if n)
        if notes:
            out.add(graph, record, out.lis("sourceNote"), _en(notes))
        out.add(graph, record, _DCTERMS["source"], source)
        if not row["date"] or _SOURCE_DATE.match(row["date_note"]):
            continue
        if _BY_DATE.search(row["date_note"]):
            out.add(graph, record, out.lis("notLaterThan"), _date(row["date"]))
        elif _INFERRED.search(row["date_note"]):
            out.add(EDITORS_GRAPH, record, _DCTERMS["date"], _date(row["date"]))
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
            out.add(graph, record, _DCTERMS["date"], _date(row["date"]))


def _sectors(pack: _Pack) -> dict[int, list[tuple[str, str]]]:
    """sectors.csv: the editors' split of the pack's sector rows, and their SIC coding, as
    sector concepts. Returns the sectors (words, slug) of each priorities.csv line."""
    out, editors = pack.out, pack.editors
    sectors_csv = pack.directory / "sectors.csv"
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
        out.add(EDITORS_GRAPH, sector, _PREF_LABEL, _en(words.lower()))
        out.add(EDITORS_GRAPH, sector, _IN_SCHEME, out.iri("id/concept-scheme/sectors"))
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
        out.add(EDITORS_GRAPH, sector, _DCTERMS["source"], editors)
    return sectors_of


def _targets(targets_csv: Path) -> dict[int, dict[str, str]]:
    """targets.csv: the editors' reading of the pack's target rows (audit D3), by the
    priorities.csv line it reads."""
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
    return target_rows


def _listed_as(row: dict[str, str]) -> ox.Literal:
    """The note on what a priorities.csv row was listed as, and where."""
    return _en(
        f"Listed as '{row['kind']}' in {row['strategy']}."
        + (f" {row['note']}" if row["note"] else "")
    )


def _priorities(
    pack: _Pack,
    sectors_of: dict[int, list[tuple[str, str]]],
    target_rows: dict[int, dict[str, str]],
) -> None:
    """priorities.csv: each row is a target (when targets.csv reads it), a sector statement
    (when sectors.csv splits it) or a priority, ambition or theme."""
    priorities = pack.directory / "priorities.csv"
    for line, row in _read(priorities):
        source, graph = pack.source_of(priorities, line, row["source_url"])
        documents, key = pack.targets_of(priorities, line, row["strategy"])
        at = _Row(priorities, line, row, graph, source, documents, key)
        if line in target_rows:  # targets, not priorities (audit D3)
            _target(pack, at, target_rows[line])
        elif line in sectors_of:  # sectors a strategy names, not priorities (audit D4)
            _sector_statement(pack, at, sectors_of[line])
        else:
            _priority(pack, at)


@dataclass(frozen=True)
class _Row:
    """One priorities.csv row, with its source, graph and the documents it is about."""

    path: Path
    line: int
    row: dict[str, str]
    graph: str
    source: ox.NamedNode
    documents: list[ox.NamedNode]
    key: str

    @property
    def text(self) -> str:
        return self.row["priority_or_sector_text"]


def _target(pack: _Pack, at: _Row, reading: dict[str, str]) -> None:
    """A target the row states, with the editors' reading of its value and measure."""
    out, graph, source, editors = pack.out, at.graph, at.source, pack.editors
    year = re.search(r"\b(20\d\d)\b", at.row["kind"])
    if not year:
        raise DataLoadError(
            f"{at.path}:{at.line}: a target row's kind gives no year ({at.row['kind']!r}).",
            str(at.path),
            at.line,
        )
    aim = out.iri(f"id/target/{at.key}-{_slug(at.text, 50)}")
    measure = out.iri(f"id/measure/{reading['measure']}")
    for document in at.documents:
        out.add(graph, document, out.lis("target"), aim)
        out.add(graph, document, _DCTERMS["source"], source)
    out.add(graph, aim, _RDF_TYPE, out.lis("Target"))
    out.add(graph, aim, _RDFS_LABEL, _en(at.text))
    out.add(graph, aim, out.lis("targetDate"), _date(year.group(1)))
    out.add(graph, aim, out.lis("sourceNote"), _listed_as(at.row))
    out.add(graph, aim, _DCTERMS["source"], source)
    # the number and what it measures are the editors' reading of the words
    out.add(
        EDITORS_GRAPH,
        aim,
        out.lis("targetValue"),
        ox.Literal(reading["target_value"], datatype=ox.NamedNode(XSD.integer)),
    )
    out.add(EDITORS_GRAPH, aim, out.lis("targetMeasure"), measure)
    out.add(
        EDITORS_GRAPH,
        aim,
        out.lis("sourceNote"),
        _en("The value and measure are the editors' reading of the words: " + reading["reading"]),
    )
    out.add(EDITORS_GRAPH, aim, _DCTERMS["source"], editors)
    out.add(EDITORS_GRAPH, measure, _RDF_TYPE, out.lis("Measure"))
    out.add(EDITORS_GRAPH, measure, _PREF_LABEL, _en(reading["measure_label"]))
    out.add(EDITORS_GRAPH, measure, _IN_SCHEME, out.iri("id/concept-scheme/measures"))
    out.add(EDITORS_GRAPH, measure, _DCTERMS["source"], editors)


def _sector_statement(pack: _Pack, at: _Row, sectors: list[tuple[str, str]]) -> None:
    """The sectors a strategy names (sectors.csv's split of the row's words)."""
    out, graph, source = pack.out, at.graph, at.source
    statement = out.iri(f"id/sector-statement/{at.key}-{_slug(at.text, 50)}")
    out.add(graph, statement, _RDF_TYPE, out.lis("SectorStatement"))
    out.add(graph, statement, _RDFS_LABEL, _en(at.text))
    out.add(graph, statement, out.lis("sourceNote"), _listed_as(at.row))
    out.add(graph, statement, _DCTERMS["source"], source)
    for document in at.documents:
        out.add(graph, document, out.lis("sectorStatement"), statement)
        out.add(graph, document, _DCTERMS["source"], source)
    for words, slug in sectors:
        if words not in at.text:
            raise DataLoadError(
                f"{pack.directory / 'sectors.csv'}: {words!r} is not in the words of "
                f"{at.path.name} line {at.line}.",
                str(pack.directory / "sectors.csv"),
            )
        sector = out.iri(f"id/sector/{slug}")
        out.add(graph, statement, out.lis("namesSector"), sector)
        for document in at.documents:
            out.add(graph, document, out.lis("sectorSpecialism"), sector)


def _priority(pack: _Pack, at: _Row) -> None:
    """A priority, ambition or theme (by the row's kind), with the foundation or Grand
    Challenge it names, if any."""
    out, graph, source, kind = pack.out, at.graph, at.source, at.row["kind"]
    priority = out.iri(f"id/priority/{at.key}-{_slug(at.text, 50)}")
    cls = (
        "Ambition"
        if kind.startswith(("ambition", "overarching aim"))
        else "Theme"
        if kind.startswith("emerging theme")
        else "Priority"
    )
    for document in at.documents:
        out.add(graph, document, out.lis("priority"), priority)
        out.add(graph, document, _DCTERMS["source"], source)
    out.add(graph, priority, _RDF_TYPE, out.lis(cls))
    out.add(graph, priority, _RDFS_LABEL, _en(at.text))
    out.add(graph, priority, out.lis("sourceNote"), _listed_as(at.row))
    foundation = at.row["foundation"]
    if foundation:
        if foundation not in _FOUNDATIONS:
            raise DataLoadError(
                f"{at.path}:{at.line}: unknown foundation {foundation!r}.",
                str(at.path),
                at.line,
            )
        foundation_iri = out.iri(f"id/foundation/{_FOUNDATIONS[foundation]}")
        out.add(graph, priority, out.lis("servesFoundation"), foundation_iri)
    if at.row["grand_challenge"] in _CHALLENGES:
        challenge = out.iri(f"id/grand-challenge/{_CHALLENGES[at.row['grand_challenge']]}")
        out.add(graph, priority, out.lis("addressesChallenge"), challenge)
    out.add(graph, priority, _DCTERMS["source"], source)
