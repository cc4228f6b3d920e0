"""SERVICE is refused wherever it appears as a keyword, and only then."""

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
