"""The UK SIC 2007 sections (A-U) that strategies' sectors are coded to, generated from the
public-data pack's ``sic2007-sections.csv`` into ``graph/sic2007-sections``.

The file's source is table 1 of Royal Society Open Science 8: 210506 (2021), a secondary source
for the ONS classification (``id/source/rsos-210506-table-1``, described in
``data/public-data-catalogue.ttl``); the titles are as that table prints them. Which section a
strategy's sector belongs to is the editors' coding (``public-sources/sectors.csv``, stated in
``graph/public-sources-editors``), not this source's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ..errors import DataLoadError
from ..vocab import DCTERMS, PROV, RDF, SKOS, lis_namespace
from .tables import read_columns

__all__ = ["SIC_CSV", "sic_quads"]

SIC_CSV = "sic2007-sections.csv"
_SKOS = str(SKOS)


def sic_quads(directory: Path, base: str) -> list[ox.Quad]:
    """The 21 sections as SKOS concepts of ``id/concept-scheme/sic2007``, IRIs under ``base``.

    Raises DataLoadError naming the file and line for a missing file, a wrong header or a
    section that is not one letter A-U.
    """
    path = directory / SIC_CSV
    graph = ox.NamedNode(f"{base}graph/sic2007-sections")
    source = ox.NamedNode(f"{base}id/source/rsos-210506-table-1")
    scheme = ox.NamedNode(f"{base}id/concept-scheme/sic2007")
    rdf_type = ox.NamedNode(RDF.type)
    dct_source = ox.NamedNode(DCTERMS.source)
    quads = [
        ox.Quad(graph, ox.NamedNode(PROV.wasDerivedFrom), source, graph),
        ox.Quad(scheme, rdf_type, ox.NamedNode(_SKOS + "ConceptScheme"), graph),
        ox.Quad(
            scheme,
            ox.NamedNode(_SKOS + "prefLabel"),
            ox.Literal("UK SIC 2007 sections", language="en"),
            graph,
        ),
        ox.Quad(scheme, dct_source, source, graph),
    ]
    for line, row in read_columns(path, ["section", "title_as_published"]):
        letter = row["section"]
        if not re.fullmatch(r"[A-U]", letter) or not row["title_as_published"]:
            raise DataLoadError(
                f"{path}:{line}: a section is one letter A-U with a title.", str(path), line
            )
        section = ox.NamedNode(f"{base}id/sic2007/{letter}")
        quads += [
            ox.Quad(section, rdf_type, ox.NamedNode(lis_namespace(base) + "SICSection"), graph),
            ox.Quad(section, ox.NamedNode(_SKOS + "notation"), ox.Literal(letter), graph),
            ox.Quad(
                section,
                ox.NamedNode(_SKOS + "prefLabel"),
                ox.Literal(row["title_as_published"].strip(), language="en"),
                graph,
            ),
            ox.Quad(section, ox.NamedNode(_SKOS + "inScheme"), scheme, graph),
            ox.Quad(section, ox.NamedNode(_SKOS + "topConceptOf"), scheme, graph),
            ox.Quad(section, dct_source, source, graph),
        ]
    return quads
