"""The ONS district-to-LEP lookup (April 2020) as RDF, generated from the CSV kept in data/.

For each of the 38 LEPs the lookup yields the LEP organisation (``id/lep/{GSS}``), labelled
"{name} LEP", and its area (``id/lep-area/{GSS}``), labelled with the lookup's name; for each of
the 314 districts, ``id/district/{GSS}`` in its LEP area. Areas link to ONS linked data by GSS
code. Every resource cites the lookup as its source.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..errors import DataLoadError
from ..vocab import LIS, ONS_GEOGRAPHY, rebase

__all__ = ["EXPECTED_COLUMNS", "lookup_graph"]

EXPECTED_COLUMNS = ["LAD20CD", "LAD20NM", "LEP20CD", "LEP20NM"]
_DISTRICT_CODE = re.compile(r"^E0[6789]\d{6}$")
_LEP_CODE = re.compile(r"^E37\d{6}$")
_BOUNDARIES = Literal("2020-04", datatype=XSD.gYearMonth)


def lookup_graph(csv_path: Path, base: str) -> Graph:
    """Read the lookup CSV and return its triples, IRIs under ``base``.

    Raises DataLoadError, naming the file and line, for a missing file, wrong columns, a
    malformed GSS code, an empty name or a LEP code used with two names.
    """

    def term(iri: str) -> URIRef:
        return rebase(iri, base)

    source = URIRef(base + "id/source/ons-lad-lep-2020")
    graph = Graph()
    lep_names: dict[str, str] = {}
    try:
        handle = csv_path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise DataLoadError(f"Cannot read {csv_path}: {exc.strerror}.", str(csv_path)) from exc
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != EXPECTED_COLUMNS:
            raise DataLoadError(
                f"{csv_path}:1: expected the columns {','.join(EXPECTED_COLUMNS)}, found {header}.",
                str(csv_path),
                1,
            )
        for line_no, row in enumerate(reader, start=2):
            where = f"{csv_path}:{line_no}"
            if len(row) != 4:
                raise DataLoadError(
                    f"{where}: expected 4 fields, found {len(row)}.", str(csv_path), line_no
                )
            lad_code, lad_name, lep_code, lep_name = (field.strip() for field in row)
            if not _DISTRICT_CODE.match(lad_code):
                raise DataLoadError(
                    f"{where}: {lad_code!r} is not a district GSS code "
                    "(E06/E07/E08/E09 and six digits).",
                    str(csv_path),
                    line_no,
                )
            if not _LEP_CODE.match(lep_code):
                raise DataLoadError(
                    f"{where}: {lep_code!r} is not a LEP GSS code (E37 and six digits).",
                    str(csv_path),
                    line_no,
                )
            if not lad_name or not lep_name:
                raise DataLoadError(f"{where}: a name is empty.", str(csv_path), line_no)
            if lep_names.setdefault(lep_code, lep_name) != lep_name:
                raise DataLoadError(
                    f"{where}: LEP {lep_code} is named {lep_name!r} here but "
                    f"{lep_names[lep_code]!r} earlier.",
                    str(csv_path),
                    line_no,
                )
            district = URIRef(base + f"id/district/{lad_code}")
            graph.add((district, RDF.type, term(LIS.LocalAuthorityDistrict)))
            graph.add((district, SKOS.prefLabel, Literal(lad_name, lang="en")))
            graph.add((district, term(LIS.gssCode), Literal(lad_code)))
            graph.add((district, term(LIS.statisticalGeography), URIRef(ONS_GEOGRAPHY + lad_code)))
            graph.add((district, term(LIS.inLEPArea), URIRef(base + f"id/lep-area/{lep_code}")))
            graph.add((district, term(LIS.boundariesAsOf), _BOUNDARIES))
            graph.add((district, DCTERMS.source, source))

    for lep_code, lep_name in lep_names.items():
        lep = URIRef(base + f"id/lep/{lep_code}")
        area = URIRef(base + f"id/lep-area/{lep_code}")
        graph.add((lep, RDF.type, term(LIS.LocalEnterprisePartnership)))
        graph.add((lep, SKOS.prefLabel, Literal(f"{lep_name} LEP", lang="en")))
        graph.add((lep, term(LIS.area), area))
        graph.add((lep, DCTERMS.source, source))
        graph.add((area, RDF.type, term(LIS.LEPArea)))
        graph.add((area, SKOS.prefLabel, Literal(lep_name, lang="en")))
        graph.add((area, term(LIS.gssCode), Literal(lep_code)))
        graph.add((area, term(LIS.statisticalGeography), URIRef(ONS_GEOGRAPHY + lep_code)))
        graph.add((area, term(LIS.boundariesAsOf), _BOUNDARIES))
        graph.add((area, DCTERMS.source, source))
    return graph
