"""The query policy: SERVICE refused wherever it appears as a keyword (and only then), updates
refused as read-only, length and nesting limits, and the kind of answer a query gives."""

from __future__ import annotations

import pytest

from lisgraph.errors import QueryRefusedError
from lisgraph.store.policy import check_query


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


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://e/s> <http://e/p> 1 }",
        "PREFIX ex: <http://e/>\nBASE <http://e/>\ndelete where { ?s ex:p ?o }",
        "# a comment first\nDROP ALL",
        "PREFIX a: <http://e/#SELECT>  CLEAR DEFAULT",
        "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_an_update_is_refused_as_read_only(update: str) -> None:
    with pytest.raises(QueryRefusedError, match="read-only"):
        check_query(update)


def test_a_query_that_speaks_of_updates_is_a_query() -> None:
    check_query('SELECT * WHERE { ?s ?p "INSERT DATA" }  # DROP ALL')
    check_query("PREFIX insert: <http://e/> SELECT * WHERE { ?s insert:p ?o }")


def test_a_query_over_the_length_limit_is_refused_with_its_length() -> None:
    from lisgraph.errors import QueryError

    query = "SELECT * WHERE { ?s ?p ?o }"
    check_query(query, max_length=len(query))
    with pytest.raises(QueryError, match=f"{len(query):,} characters long.*at most 10"):
        check_query(query, max_length=10)


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "solutions"),
        ("ASK { ?s ?p ?o }", "boolean"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "graph"),
        ("DESCRIBE <http://e/s>", "graph"),
    ],
)
def test_query_kind(query: str, kind: str) -> None:
    from lisgraph.store.policy import query_kind

    assert query_kind(query) == kind


def test_query_kind_of_a_malformed_query_is_the_parsers_message() -> None:
    from lisgraph.errors import QueryError
    from lisgraph.store.policy import query_kind

    with pytest.raises(QueryError, match="not valid SPARQL 1.1"):
        query_kind("SELECT * WHERE { ?s ?p }")
