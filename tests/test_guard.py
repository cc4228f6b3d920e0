"""SERVICE is refused wherever it appears as a keyword, and only then."""

from __future__ import annotations

import pytest

from lisgraph.errors import QueryRefusedError
from lisgraph.store.policy import check_query, has_dataset_clause, without_dataset_clauses
from lisgraph.store.remote import expand_escaped_names


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://example.org/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?a ?b ?c . Service\n<file:///etc/passwd> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE" }',
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }  # SERVICE in a comment",
        "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:service ?o }",
        "SELECT * WHERE { ?s ?p '''a SERVICE b''' }",
    ],
)
def test_the_word_elsewhere_is_fine(query: str) -> None:
    check_query(query)


def test_deep_nesting_is_refused_but_ordinary_nesting_is_fine() -> None:
    from lisgraph.errors import QueryError
    from lisgraph.store.policy import MAX_NESTING

    check_query("SELECT * WHERE " + "{" * 50 + " ?s ?p ?o " + "}" * 50)
    with pytest.raises(QueryError, match="nested more than"):
        check_query(
            "SELECT * WHERE " + "{" * (MAX_NESTING + 1) + " ?s ?p ?o " + "}" * (MAX_NESTING + 1)
        )
    # Brackets inside strings, IRIs and comments do not count.
    check_query('SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" } # ' + "(" * 5000)


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
