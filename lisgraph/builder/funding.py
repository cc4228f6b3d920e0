"""Money per LEP: each row of the public-data pack's ``lep-funding.csv`` as an observation of the
source that states it, generated at build time.

A row becomes one ``lis:FundingAllocation`` (an ``lis:Investment``),
``id/funding/{source-id}/{lep}-{fund}-{scope}``, in ``graph/source-{source-id}`` (the graph of
the one source that states it, shared with the public-sources pack where the address is the
same): ``lis:fund`` (the Local Growth Fund or the Getting Building Fund), ``lis:recipient`` (the
LEP the pack codes, or the authority the row names where the money went to one), ``lis:amount``
with ``lis:currency`` GBP, ``lis:valueQualifier`` provisional where the source says so,
``lis:fundingRound`` (the round or scope in the pack's words), ``dcterms:date`` at the precision
given, ``lis:sourceWords`` and ``lis:sourceNote``. A date the pack worked out rather than read
(its ``date_note`` says inferred, or taken from another source) is stated by the editors, in
``graph/public-data-editors``. No total is computed: amounts stay per source and per round, so
two sources' figures for one round (Liverpool City Region, round 1) are two observations.

``lep-funding-found.csv`` beside it holds, in the same columns, rows the editors found in public
sources after the pack: each is stated the same way in its own source's graph, but the sources'
descriptions (title, address, publisher) are the editors', in ``graph/public-data-editors``,
not the pack's catalogue.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path
from urllib.parse import urlparse

import pyoxigraph as ox

from ..errors import DataLoadError
from ..vocab import DCTERMS, ORG, PROV, RDF, SKOS, XSD, lis_namespace
from .tables import read_rows

__all__ = ["FOUND_CSV", "FUNDING_CSV", "funding_quads"]

FUNDING_CSV = "lep-funding.csv"
#: Rows the editors found in public sources after the pack (its 24 LEPs without a Getting Building
#: Fund row), in the pack's columns; their sources are described by the editors.
FOUND_CSV = "lep-funding-found.csv"
EDITORS_GRAPH = "graph/public-data-editors"
CATALOGUE_GRAPH = "graph/public-data-catalogue"
_COLUMNS = [
    "lep_gss_code",
    "lep_name",
    "fund",
    "round_or_scope",
    "amount_gbp",
    "amount_as_stated",
    "date",
    "date_note",
    "source_url",
    "source_publisher",
    "source_words",
    "secondary",
    "note",
]
_FUNDS = {
    "Local Growth Fund": "local-growth-fund",
    "Getting Building Fund": "getting-building-fund",
}
#: Rows whose money went to an authority, not a LEP: the authority the row names.
_AUTHORITIES = {
    "to the West Midlands Combined Authority": "combined-authority/west-midlands",
    "to the Mayor of London / GLA": "organisation/greater-london-authority",
    "to the West Yorkshire Combined Authority": "combined-authority/west-yorkshire",
}
_WORKED_OUT = re.compile(r"inferred|year from the|from the HoC Library", re.I)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LEP = re.compile(r"^E37\d{6}$")
_XSD = str(XSD)
_DCT = str(DCTERMS)
_RDF_TYPE = ox.NamedNode(RDF.type)
_PREF_LABEL = ox.NamedNode(SKOS.prefLabel)
_DERIVED_FROM = ox.NamedNode(PROV.wasDerivedFrom)
_ORG_FORMAL = ox.NamedNode(ORG.FormalOrganization)


def _slug(text: str, limit: int = 50) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " and ")).strip("-")
    return slug[:limit].rstrip("-")


def source_id(url: str) -> str:
    """The id a new address gets: its site's name and a short hash of the address, as the
    public-sources pack's ids are made."""
    domain = urlparse(url).netloc.removeprefix("www.")
    return f"{_slug(domain)}-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:6]}"


def _date(value: str) -> ox.Literal:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return ox.Literal(value, datatype=ox.NamedNode(_XSD + kind))


def _known_sources(directory: Path) -> dict[str, str]:
    """Addresses the public-sources pack already describes, with their ids."""
    path = directory.parent / "public-sources" / "sources.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["source_url"]: row["id"] for row in csv.DictReader(handle)}


class _Quads:
    """The quads being made, with IRIs under the build's base."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.lis_base = lis_namespace(base)
        self.quads: list[ox.Quad] = []

    def iri(self, ref: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + ref)

    def lis(self, term: str) -> ox.NamedNode:
        return ox.NamedNode(self.lis_base + term)

    def add(
        self, graph: str, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal
    ) -> None:
        self.quads.append(ox.Quad(s, p, o, self.iri(graph)))


def _check_row(path: Path, line: int, row: dict[str, str]) -> None:
    codes = row["lep_gss_code"].split(";")
    if (
        row["fund"] not in _FUNDS
        or not all(_LEP.match(c) for c in codes)
        or not re.fullmatch(r"\d+", row["amount_gbp"])
        or (row["date"] and not _DATE.match(row["date"]))
    ):
        raise DataLoadError(
            f"{path}:{line}: expected a fund ({', '.join(_FUNDS)}), E37 GSS codes, "
            "an amount in whole pounds and an ISO date or none.",
            str(path),
            line,
        )


def _describe_source(
    out: _Quads,
    catalogue: str,
    source: ox.NamedNode,
    row: dict[str, str],
    describer: ox.NamedNode,
    whose: str,
) -> None:
    """A source no pack describes yet: its type, title, address and publisher (the website's
    owner, named by its domain), in ``catalogue``, as ``describer`` states them."""
    url = row["source_url"]
    secondary = row["secondary"].startswith("yes")
    out.add(catalogue, source, _RDF_TYPE, out.lis("SecondarySource" if secondary else "Source"))
    out.add(
        catalogue,
        source,
        ox.NamedNode(_DCT + "title"),
        ox.Literal(row["source_publisher"], language="en"),
    )
    out.add(catalogue, source, out.lis("address"), ox.Literal(url))
    if secondary:
        what = row["secondary"].removeprefix("yes").strip(" ()") or "a copy"
        out.add(
            catalogue,
            source,
            out.lis("secondaryOf"),
            ox.Literal(f"{row['source_publisher']}: {what} ({whose} words)", language="en"),
        )
    domain = urlparse(url).netloc.removeprefix("www.")
    publisher = out.iri(f"id/organisation/website/{_slug(domain, 60)}")
    out.add(catalogue, publisher, _RDF_TYPE, _ORG_FORMAL)
    out.add(catalogue, publisher, _PREF_LABEL, ox.Literal(domain, language="en"))
    out.add(catalogue, publisher, ox.NamedNode(_DCT + "source"), describer)
    out.add(catalogue, source, ox.NamedNode(_DCT + "publisher"), publisher)
    out.add(catalogue, source, ox.NamedNode(_DCT + "source"), describer)


def _recipients(
    out: _Quads, graph: str, thing: ox.NamedNode, row: dict[str, str], source: ox.NamedNode
) -> None:
    """Who received the money: the authority the row's scope names (the LEP areas it covers
    beside it), else the LEPs the row codes."""
    codes = row["lep_gss_code"].split(";")
    scope = row["round_or_scope"]
    authority = next((a for k, a in _AUTHORITIES.items() if k in scope), None)
    if not authority:
        for code in codes:
            out.add(graph, thing, out.lis("recipient"), out.iri(f"id/lep/{code}"))
        return
    out.add(graph, thing, out.lis("recipient"), out.iri(f"id/{authority}"))
    if authority == "organisation/greater-london-authority":  # no other graph has it
        gla = out.iri(f"id/{authority}")
        out.add(graph, gla, _RDF_TYPE, _ORG_FORMAL)
        out.add(graph, gla, _PREF_LABEL, ox.Literal("Greater London Authority", language="en"))
        out.add(graph, gla, ox.NamedNode(_DCT + "source"), source)
    for code in codes:
        out.add(graph, thing, out.lis("coversArea"), out.iri(f"id/lep-area/{code}"))


def _allocation(
    out: _Quads,
    graph: str,
    sid: str,
    source: ox.NamedNode,
    row: dict[str, str],
    editors: ox.NamedNode,
    whose: str,
) -> None:
    """The row's ``lis:FundingAllocation`` in the source's ``graph``; a date the pack worked
    out is the editors', in their graph."""
    fund = _FUNDS[row["fund"]]
    lep_key = "-".join(c.lower() for c in row["lep_gss_code"].split(";"))
    thing = out.iri(f"id/funding/{sid}/{lep_key}-{fund}-{_slug(row['round_or_scope'])}")
    out.add(graph, thing, _RDF_TYPE, out.lis("FundingAllocation"))
    label = (
        f"{row['fund']}, {row['round_or_scope']}: {row['lep_name']} "
        f"({row['amount_as_stated']}, {row['source_publisher']})"
    )
    out.add(graph, thing, _PREF_LABEL, ox.Literal(label, language="en"))
    out.add(graph, thing, out.lis("fund"), out.iri(f"id/programme/{fund}"))
    _recipients(out, graph, thing, row, source)
    amount = ox.Literal(row["amount_gbp"], datatype=ox.NamedNode(_XSD + "decimal"))
    out.add(graph, thing, out.lis("amount"), amount)
    out.add(graph, thing, out.lis("currency"), ox.Literal("GBP"))
    if "provisional" in row["note"].lower():
        out.add(graph, thing, out.lis("valueQualifier"), out.iri("id/qualifier/provisional"))
    scope = ox.Literal(row["round_or_scope"], language="en")
    out.add(graph, thing, out.lis("fundingRound"), scope)
    words = ox.Literal(row["source_words"], language="en")
    out.add(graph, thing, out.lis("sourceWords"), words)
    notes = [f"Amount as stated: {row['amount_as_stated']}."]
    notes += [n for n in (row["date_note"], row["note"]) if n]
    out.add(graph, thing, out.lis("sourceNote"), ox.Literal(" ".join(notes), language="en"))
    out.add(graph, thing, ox.NamedNode(_DCT + "source"), source)
    if not row["date"]:
        return
    date = _date(row["date"])
    if not _WORKED_OUT.search(row["date_note"]):
        out.add(graph, thing, ox.NamedNode(_DCT + "date"), date)
        return
    out.add(EDITORS_GRAPH, thing, ox.NamedNode(_DCT + "date"), date)
    working = f"The date is {whose} working, not the source's: {row['date_note']}"
    out.add(EDITORS_GRAPH, thing, out.lis("sourceNote"), ox.Literal(working, language="en"))
    out.add(EDITORS_GRAPH, thing, ox.NamedNode(_DCT + "source"), editors)


def funding_quads(directory: Path, base: str) -> list[ox.Quad]:
    """The funding rows of ``directory/lep-funding.csv`` and ``lep-funding-found.csv`` as quads,
    IRIs under ``base``.

    Raises DataLoadError naming the file and line for wrong columns, an unknown fund, a
    malformed GSS code, amount or date.
    """
    out = _Quads(base)
    known = _known_sources(directory)
    pack = out.iri("id/source/public-data-pack")
    editors = out.iri("id/source/lisgraph-editors")
    described: set[str] = set()
    for path, catalogue, describer, whose in (
        (directory / FUNDING_CSV, CATALOGUE_GRAPH, pack, "the public-data pack's"),
        (directory / FOUND_CSV, EDITORS_GRAPH, editors, "the editors'"),
    ):
        for line, row in read_rows(path, _COLUMNS):
            _check_row(path, line, row)
            url = row["source_url"]
            sid = known.get(url) or source_id(url)
            source = out.iri(f"id/source/{sid}")
            graph = f"graph/source-{sid}"
            out.add(graph, out.iri(graph), _DERIVED_FROM, source)
            if url not in known and sid not in described:
                described.add(sid)
                _describe_source(out, catalogue, source, row, describer, whose)
            _allocation(out, graph, sid, source, row, editors, whose)
    out.add(EDITORS_GRAPH, out.iri(EDITORS_GRAPH), _DERIVED_FROM, editors)
    return out.quads
