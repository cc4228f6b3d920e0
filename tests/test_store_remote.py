"""The remote store's rewriting of a visitor's query: dataset clauses found and removed in code
only, and escaped prefixed names spelt out for stores whose parsers reject them."""

from __future__ import annotations

from lisgraph.store.remote import (
    expand_escaped_names,
    has_dataset_clause,
    without_dataset_clauses,
)


def test_dataset_clauses_are_found_and_removed_in_code_only() -> None:
    query = (
        "PREFIX g: <http://g/> SELECT ?from FROM <http://x> FROM NAMED g:a from\tnamed <y> "
        'WHERE { ?s ex:from "FROM <z>" } # FROM <c>'
    )
    assert has_dataset_clause(query)
    assert not has_dataset_clause('SELECT ?from WHERE { ?s ex:from "FROM <z>" } # FROM <c>')
    assert without_dataset_clauses(query) == (
        'PREFIX g: <http://g/> SELECT ?from       WHERE { ?s ex:from "FROM <z>" } # FROM <c>'
    )


def test_escaped_prefixed_names_become_full_iris() -> None:
    query = (
        'PREFIX id: <http://x/id/> SELECT * { id:lep\\/E1 ?p "id:a\\/b" ; ?q id:plain } # id:c\\/d'
    )
    assert expand_escaped_names(query) == (
        'PREFIX id: <http://x/id/> SELECT * { <http://x/id/lep/E1> ?p "id:a\\/b" ; ?q id:plain }'
        " # id:c\\/d"
    )
