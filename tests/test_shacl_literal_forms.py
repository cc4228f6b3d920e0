"""Literals the store rewrites (oxigraph/oxigraph#526) are judged, and published, as written.

Oxigraph holds ``"300"^^xsd:byte`` (ill-formed: a byte stops at 127) as ``"300"^^xsd:integer``
and ``"5"^^xsd:int`` as ``"5"^^xsd:integer``. SHACL judges the data graph's own terms
(SHACL 1.0, 4.1.2: a literal that is ill-formed for ``sh:datatype``'s datatype does not conform;
the datatype is the literal's own). These cases, written for these tests, check that the
validators see the file's terms, and that a shape that could not read such a triple is still
translated.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef

from lisgraph.canonical import merged_ntriples, to_rdflib
from lisgraph.shacl import (
    as_written,
    compile_shapes,
    reference_violations,
    rewritten_literals,
    violations,
)
from lisgraph.shacl.literal_forms import reads_rewritten

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <urn:ex:> .
"""


def _parsed(turtle: str) -> list[ox.Triple]:
    return list(ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE))


def _store(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode("urn:ex:graph")
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store


def _shapes(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _typed(text: str, datatype: str) -> str:
    return f'"{text}"^^<{XSD}{datatype}>'


def test_only_literals_stored_as_another_datatype_or_ill_formed_are_found() -> None:
    triples = _parsed(
        """ex:a ex:byte "300"^^xsd:byte ; ex:ubyte "200"^^xsd:unsignedByte ;
            ex:dec "4.0"^^xsd:decimal ; ex:int "01"^^xsd:integer ; ex:bool "1"^^xsd:boolean ;
            ex:kept "c"^^xsd:byte ; ex:kept2 "abc"^^xsd:integer ; ex:s "300" ; ex:l "x"@en ."""
    )
    store = _store(triples)
    held = {str(q.object) for q in store}
    # What the store does, which is why this matters: the file's byte is not among its terms.
    assert _typed("300", "integer") in held and _typed("300", "byte") not in held

    found = {str(r.triple.object): r for r in rewritten_literals(triples)}
    assert sorted(found) == sorted([_typed("300", "byte"), _typed("200", "unsignedByte")])
    byte, ubyte = found[_typed("300", "byte")], found[_typed("200", "unsignedByte")]
    assert (str(byte.stored), byte.ill_formed) == (_typed("300", "integer"), True)
    assert (str(ubyte.stored), ubyte.ill_formed) == (_typed("200", "integer"), False)
    assert "xsd:byte" in byte.explain() and "would be stored and published as" in byte.explain()


DATATYPE_SHAPE = """ex:S sh:targetNode ex:i ; sh:property ex:PS .
ex:PS sh:path ex:p ; sh:datatype xsd:byte ; sh:message "A byte." ."""
DATATYPE_DATA = 'ex:i ex:p "300"^^xsd:byte, "c"^^xsd:byte, "55"^^xsd:integer, "12"^^xsd:byte .'


def test_sh_datatype_reports_the_files_ill_formed_literal_not_the_stored_one() -> None:
    triples = _parsed(DATATYPE_DATA)
    store, shapes = _store(triples), _shapes(DATATYPE_SHAPE)
    expected = {_typed("300", "byte"), _typed("c", "byte"), _typed("55", "integer")}

    as_file = violations(store, shapes, rewritten=rewritten_literals(triples))
    assert {v.value for v in as_file} == expected
    where = {(v.focus_node, v.path, v.shape) for v in as_file}
    assert where == {("urn:ex:i", "urn:ex:p", "urn:ex:S")}

    # Without being told, the store's term is what is judged: the case above is not vacuous.
    stored = violations(store, shapes)
    assert _typed("300", "integer") in {v.value for v in stored}


def test_the_reference_is_given_the_files_literal_too() -> None:
    triples = _parsed(DATATYPE_DATA)
    store = _store(triples)
    data = to_rdflib(as_written(merged_ntriples(store), rewritten_literals(triples)))
    found = reference_violations(data, _shapes(DATATYPE_SHAPE))
    assert {v.value for v in found} == {
        _typed("300", "byte"),
        _typed("c", "byte"),
        _typed("55", "integer"),
    }


def test_a_derived_integer_is_not_an_xsd_integer() -> None:
    # The hole this closes: the store would make "5"^^xsd:int an xsd:integer, which conforms.
    triples = _parsed('ex:i ex:n "5"^^xsd:int .')
    shapes = _shapes(
        """ex:S sh:targetSubjectsOf ex:n ; sh:property [ sh:path ex:n ;
            sh:datatype xsd:integer ; sh:message "An integer." ] ."""
    )
    store = _store(triples)
    assert violations(store, shapes) == []  # the store's term, an xsd:integer
    found = violations(store, shapes, rewritten=rewritten_literals(triples))
    assert [(v.focus_node, v.value) for v in found] == [("urn:ex:i", _typed("5", "int"))]


def test_two_terms_the_store_makes_one_are_counted_as_two() -> None:
    # "300"^^xsd:byte and "300"^^xsd:integer are two values (SHACL counts terms, 4.2.2); the
    # store holds one triple for both.
    triples = _parsed('ex:i ex:p "300"^^xsd:byte, "300"^^xsd:integer .')
    shapes = _shapes(
        """ex:S sh:targetNode ex:i ; sh:property [ sh:path ex:p ; sh:maxCount 1 ;
            sh:message "One value." ] ."""
    )
    store = _store(triples)
    assert len(list(store)) == 1
    assert violations(store, shapes) == []
    found = violations(store, shapes, rewritten=rewritten_literals(triples))
    assert [(v.focus_node, v.path) for v in found] == [("urn:ex:i", "urn:ex:p")]


def test_shapes_that_cannot_read_a_rewritten_triple_stay_translated() -> None:
    triples = _parsed('ex:i ex:p "300"^^xsd:byte ; ex:q "x" .')
    rewritten = rewritten_literals(triples)
    shapes = _shapes(
        DATATYPE_SHAPE
        + """ex:Q sh:targetNode ex:i ; sh:property [ sh:path ex:q ; sh:maxLength 0 ;
            sh:message "Short." ] .
        ex:Closed sh:targetNode ex:i ; sh:closed true ; sh:message "Closed." .
        ex:Nested sh:targetNode ex:i ; sh:property [ sh:path ex:q ; sh:node ex:Inner ;
            sh:message "Nested." ] .
        ex:Inner sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "Inner." ] ."""
    )
    reasons = {
        name: reads_rewritten(shapes, URIRef(f"urn:ex:{name}"), rewritten)
        for name in ("S", "Q", "Closed", "Nested")
    }
    assert reasons["Q"] is None
    assert all(reasons[name] for name in ("S", "Closed", "Nested")), reasons

    compiled = compile_shapes(shapes, lambda shape: reads_rewritten(shapes, shape, rewritten))
    assert sorted(compiled.untranslated) == ["urn:ex:Closed", "urn:ex:Nested", "urn:ex:S"]
    assert {q.shape for q in compiled.queries} == {"urn:ex:Q"}
    found = violations(_store(triples), shapes, rewritten=rewritten)
    assert ("urn:ex:Q", '"x"') in {(v.shape, v.value) for v in found}
