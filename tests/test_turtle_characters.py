"""A literal holding a character XML 1.0 cannot carry is refused when its file is read (the
RDF/XML dump and SPARQL XML results could not hold it); an escape that only looks like one is
not."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from lisgraph.builder.sources import parse_turtle, refuse_not_xml
from lisgraph.canonical import merged_ntriples
from lisgraph.errors import DataLoadError

BASE = "https://w3id.org/lisgraph/"


def _file(tmp_path: Path, literal: str) -> Path:
    path = tmp_path / "data.ttl"
    path.write_text(f"<a> <b> <c> .\n<a> <note> {literal} .\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("literal", "held"),
    [
        (r'"a\u0000b"', "U+0000"),
        (r'"bell \U00000007"', "U+0007"),
        ('"raw \x0c form feed"', "U+000C"),
        (r'"\uFFFE"', "U+FFFE"),
        (r'"x\u001Fy"@en', "U+001F"),
        ('"raw \ufffe, as UTF-8"', "U+FFFE"),
    ],
)
def test_a_literal_xml_cannot_carry_is_refused_with_its_line(
    tmp_path: Path, literal: str, held: str
) -> None:
    path = _file(tmp_path, literal)
    with pytest.raises(DataLoadError) as refused:
        parse_turtle(path, BASE)
    assert refused.value.path == str(path) and refused.value.line == 2
    assert f"{path}:2:" in str(refused.value) and held in str(refused.value)
    assert f"<{BASE}a> <{BASE}note> holds {held}" in str(refused.value)


@pytest.mark.parametrize(
    "literal",
    [
        r'"a backslash, then u0000: \\u0000"',  # the text \u0000, not the character
        r'"tab\u0009, line\u000A, return\u000D"',  # escapes of characters XML carries
        r'"\U0001F600 and \u00e9"',
        '"""a\ttab\nand a line"""',
        '"\ufeff a byte-order mark, \u00a3 and \u2013, as UTF-8"',
    ],
)
def test_characters_xml_carries_are_read(tmp_path: Path, literal: str) -> None:
    assert len(parse_turtle(_file(tmp_path, literal), BASE)) == 2


def _store(*literals: str) -> ox.Store:
    store = ox.Store()
    for number, text in enumerate(literals):
        store.add(
            ox.Quad(
                ox.NamedNode(f"{BASE}id/x"),
                ox.NamedNode(f"{BASE}def/lis#p{number}"),
                ox.Literal(text),
                ox.NamedNode(f"{BASE}graph/funding-rows"),
            )
        )
    return store


def test_a_literal_from_another_source_is_refused_with_its_graph() -> None:
    """A CSV source (Python's csv reader keeps U+0000) or a derivation: found in the merge."""
    store = _store("fine", "a\x00b", "c\x1fd\ufffe")
    with pytest.raises(DataLoadError) as refused:
        refuse_not_xml(store, merged_ntriples(store))
    message = str(refused.value)
    assert f"<{BASE}id/x> <{BASE}def/lis#p1> holds U+0000, in {BASE}graph/funding-rows" in message
    assert f"<{BASE}def/lis#p2> holds U+001F, U+FFFE, in {BASE}graph/funding-rows" in message
    assert "#p0>" not in message


def test_the_text_of_an_escape_in_another_source_is_not_refused() -> None:
    store = _store("a backslash, then u0000: \\u0000", "\\\\\\u0001 as text", "tab\t, line\n")
    refuse_not_xml(store, merged_ntriples(store))  # raises nothing
