"""Every statement sits in the graph of the one source that states it (audit D5/D11, review E2):
no named graph is derived from more than one source."""

from __future__ import annotations

from lisgraph.store.embedded import EmbeddedStore

from .helpers import BASE


def test_no_graph_is_derived_from_several_sources(store: EmbeddedStore) -> None:
    rows = store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?s } } "
        "GROUP BY ?g"
    ).rows()
    assert len(rows) > 100
    mixed = {r["g"].value for r in rows if int(r["n"].value) > 1}
    assert mixed == set()


def test_the_strategy_publication_dates_are_each_in_one_sources_graph(
    store: EmbeddedStore,
) -> None:
    """D11: the 19 July 2019 dates are FE News's; Hansard keeps 16 May and 13 June."""
    rows = store.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?s ?d ?src WHERE { GRAPH ?g { ?s dcterms:issued ?d } ?g prov:wasDerivedFrom ?src "
        f"FILTER(STRSTARTS(STR(?s), '{BASE}id/strategy/')) }}"
    ).rows()
    by_date: dict[str, set[str]] = {}
    for r in rows:
        by_date.setdefault(r["d"].value, set()).add(r["src"].value.rsplit("/", 1)[1])
    assert by_date["2019-07-19"] == {"fenews-five-blueprints"}
    assert by_date["2019-05-16"] == by_date["2019-06-13"] == {"hansard-2019-07-22"}
