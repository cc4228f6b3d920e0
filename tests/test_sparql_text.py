"""``sparql_text.iri`` and ``sparql_text.string`` guard every value put into a query: whatever
the text, it reaches the query as that one value (the SPARQL engine reads back exactly it) or it
is refused; it never ends the term early and adds SPARQL of its own."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lisgraph.sparql_text import iri, string

#: Any text Python can encode (lone surrogates cannot reach a query at all).
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
_STORE = ox.Store()


def _read_back(term: str) -> tuple[str, str]:
    """The value ``term`` binds, and the marker bound after it (proof the query went on)."""
    # One clause a line: a term that ended early and commented out the rest of its line
    # would still leave a query that parses, and so be seen.
    answer = _STORE.query(
        f'SELECT ?x ?after WHERE {{\n BIND({term} AS ?x)\n BIND("end" AS ?after)\n}}'
    )
    assert isinstance(answer, ox.QuerySolutions)
    rows = list(answer)
    assert len(rows) == 1
    value, after = rows[0]["x"], rows[0]["after"]
    assert value is not None and after is not None
    return value.value, after.value


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example('a" AS ?x) } SELECT * WHERE { ?s ?p ?o } #')
@example('a"AS?x)BIND(2AS?z)#')
@example("line\nbreak\r\\")
def test_a_string_reads_back_as_itself(text: str) -> None:
    assert _read_back(string(text)) == (text, "end")


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("x> AS ?x) } SELECT * WHERE { ?s ?p ?o } #")
@example("x>AS?x)BIND(2AS?z)#")
@example("a b")
@example("{}|^`\\")
def test_an_iri_reads_back_as_itself_or_is_refused(text: str) -> None:
    value = "https://example.org/" + text
    try:
        term = iri(value)
    except ValueError:
        return  # refused before it reached a query
    try:
        read = _read_back(term)
    except SyntaxError:
        # An error for the client, not another query: only for a value that is no IRI at all.
        with pytest.raises(ValueError):
            ox.NamedNode(value)
        return
    assert read == (value, "end")


@pytest.mark.parametrize("text", ["a>b", "a b", "a\nb", 'a"b', "a{b", "a\\b"])
def test_what_would_end_an_iri_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not an IRI"):
        iri("https://example.org/" + text)
