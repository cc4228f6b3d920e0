"""The ontology and the checked namespace in code agree; every module and term is documented."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS

from lisgraph.store.embedded import EmbeddedStore
from lisgraph.vocab import LIS

from .helpers import BASE, PROJECT_DIR

ONTOLOGY_FILES = sorted((PROJECT_DIR / "ontology").glob("*.ttl"))


def _ontology() -> Graph:
    graph = Graph()
    for path in ONTOLOGY_FILES:
        graph.parse(path, publicID=BASE)
    return graph


def test_ontology_files_are_present() -> None:
    assert len(ONTOLOGY_FILES) >= 6


def test_namespace_in_code_matches_the_ontology() -> None:
    ontology = _ontology()
    ns = f"{BASE}def/lis#"
    defined = {
        str(s)[len(ns) :]
        for s in ontology.subjects(RDFS.isDefinedBy, None)
        if str(s).startswith(ns)
    }
    in_code = {name for name in LIS.__annotations__}
    assert defined == in_code


def test_checked_namespace_rejects_typos() -> None:
    assert str(LIS.LocalIndustrialStrategy).endswith("#LocalIndustrialStrategy")
    try:
        LIS.LocalIndustrialStratgy  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("a misspelt term did not raise")


def test_aggregator_imports_every_module() -> None:
    ontology = _ontology()
    aggregator = URIRef(f"{BASE}def/lis")
    imported = set(ontology.objects(aggregator, OWL.imports))
    modules = set(ontology.subjects(RDF.type, OWL.Ontology)) - {aggregator}
    assert imported == modules and len(modules) == len(ONTOLOGY_FILES) - 1
    for module in modules:
        assert ontology.value(module, DCTERMS.title) is not None


def test_the_ontology_names_its_namespace_under_the_configured_base(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    from lisgraph import Settings
    from lisgraph.builder.sources import load

    vann = "http://purl.org/vocab/vann/"
    for base in (BASE, "https://example.org/other/"):
        settings = Settings.from_mapping(
            {"PROJECT_DIR": str(PROJECT_DIR), "BASE_IRI": base, "DIST_DIR": str(tmp_path)}
        )
        loaded = load(settings, data_files=[], with_reference=False)
        rows = list(
            cast(
                ox.QuerySolutions,
                loaded.store.query(
                    f"SELECT ?p ?u WHERE {{ <{base}def/lis> <{vann}preferredNamespacePrefix> ?p ; "
                    f"<{vann}preferredNamespaceUri> ?u }}",
                    use_default_graph_as_union=True,
                ),
            )
        )
        assert [(r["p"].value, r["u"].value) for r in rows] == [("lis", base + "def/lis#")]
