"""Which shapes the translation takes, and that every other one goes whole to pySHACL.

The boundary matters as much as the translation: a shape with any constraint the queries do not
state must land in ``Compiled.untranslated`` with a reason and keep its targets in
``Compiled.rest``, while the translated shapes lose theirs there (so pySHACL does not check
them twice). The differential tests then show that pySHACL reports it (tests/test_shacl.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH

from lisgraph.errors import DataLoadError
from lisgraph.shacl import compile_shapes, load_shapes

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <urn:example:> .
"""
# Translated: its queries stay, its target leaves the rest.
FINE = """
ex:Fine sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "fine" ] .
"""
EX = "urn:example:"


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        ("sh:closed true ; sh:message 'm'", "closed"),
        ("sh:property [ sh:path ex:p ; sh:equals ex:q ; sh:message 'm' ]", "equals"),
        ("sh:property [ sh:path ex:p ; sh:disjoint ex:q ; sh:message 'm' ]", "disjoint"),
        ("sh:property [ sh:path ex:p ; sh:languageIn ( 'en' ) ; sh:message 'm' ]", "languageIn"),
        (
            "sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:C ] ; "
            "sh:qualifiedMinCount 1 ; sh:message 'm' ]",
            "qualified",
        ),
        ("sh:or ( [ sh:path ex:p ; sh:uniqueLang true ] ) ; sh:message 'm'", "uniqueLang"),
        ("sh:or ( [ sh:path ex:p ; sh:maxCount 4 ] ) ; sh:message 'm'", "a count of 5"),
        ("sh:property [ sh:path ex:p ; sh:property [ sh:path ex:q ] ; sh:message 'm' ]", "nested"),
        ("sh:in ( [] ) ; sh:message 'm'", "a blank node"),
        ("sh:nodeKind ex:Other ; sh:message 'm'", "sh:nodeKind"),
        ("sh:class ex:C", "has no sh:message"),
        ("sh:targetNode 4.0 ; sh:class ex:C ; sh:message 'm'", "which Oxigraph rewrites"),
        (
            "sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this WHERE { ?this ?p ?o }' ] ; "
            "sh:class ex:C ; sh:message 'm'",
            "sh:target",
        ),
        ("sh:node ex:Tested ; sh:message 'm'", "refers to itself"),
        ("sh:sparql [ sh:select 'ASK {}' ]", "no SELECT ... WHERE"),
        (
            "sh:property [ sh:path [ sh:name 'p' ] ; sh:minCount 1 ; sh:message 'm' ]",
            "is not a SHACL path",
        ),
    ],
    ids=lambda value: value.split()[0] if " " in value else value,
)
def test_a_shape_not_translated_goes_whole_to_pyshacl(shape: str, reason: str) -> None:
    shapes = Graph().parse(
        data=f"{PREFIXES}{FINE} ex:Tested sh:targetNode ex:n ; {shape} .", format="turtle"
    )
    compiled = compile_shapes(shapes)

    assert list(compiled.untranslated) == [EX + "Tested"]
    assert reason in compiled.untranslated[EX + "Tested"]
    assert {q.shape for q in compiled.queries} == {EX + "Fine"}
    assert compiled.rest is not None
    assert (URIRef(EX + "Tested"), SH.targetNode, URIRef(EX + "n")) in compiled.rest
    assert (URIRef(EX + "Fine"), SH.targetClass, None) not in compiled.rest
    # Only the translated shapes' targets are removed: the rest is everything else.
    assert len(compiled.rest) == len(shapes) - 1


def test_a_translated_class_shape_leaves_the_rest_without_its_implicit_target() -> None:
    """Else pySHACL, checking the shapes left to it, would check the class shape again."""
    shapes = Graph().parse(
        data=f"""{PREFIXES}
        ex:Person a rdfs:Class, sh:NodeShape ; sh:class ex:Agent ; sh:message "m" .
        ex:Tested sh:targetNode ex:n ; sh:closed true ; sh:message "m" .
        """,
        format="turtle",
    )
    compiled = compile_shapes(shapes)
    assert list(compiled.untranslated) == [EX + "Tested"]
    assert {q.shape for q in compiled.queries} == {EX + "Person"}
    assert compiled.rest is not None
    assert (URIRef(EX + "Person"), RDF.type, RDFS.Class) not in compiled.rest
    assert (URIRef(EX + "Person"), RDF.type, SH.NodeShape) in compiled.rest


@pytest.mark.parametrize(
    ("shape", "term"),
    [
        ("ex:Typo sh:targetclass ex:Thing ; sh:class ex:C", "targetclass"),
        ("ex:Typo sh:targetNode ex:n ; sh:property [ sh:path ex:p ; sh:minCont 1 ]", "minCont"),
    ],
    ids=["target", "constraint"],
)
def test_a_term_shacl_does_not_define_is_an_error_not_a_silent_pass(shape: str, term: str) -> None:
    """pySHACL ignores both: the shape would pass whatever the data."""
    shapes = Graph().parse(data=f"{PREFIXES}{FINE} {shape} .", format="turtle")
    with pytest.raises(DataLoadError, match=f"{term}, which SHACL does not define"):
        compile_shapes(shapes)


def test_loading_shapes_refuses_a_term_shacl_does_not_define(tmp_path: Path) -> None:
    """At load, so ``lisgraph validate --reference`` (pySHACL alone) refuses it too."""
    (tmp_path / "typo.ttl").write_text(f"{PREFIXES} ex:Typo sh:targetclass ex:T ; sh:class ex:C .")
    with pytest.raises(DataLoadError, match="targetclass, which SHACL does not define"):
        load_shapes(tmp_path, "https://example.org/")


def test_an_unknown_term_on_a_node_that_is_no_shape_is_left_alone() -> None:
    """Data sharing a file with the shapes may use old terms (``sh:nodeShape``): nothing there
    was meant to be checked."""
    shapes = Graph().parse(
        data=f"{PREFIXES}{FINE} ex:record sh:nodeShape ex:Fine ; ex:p 1 .", format="turtle"
    )
    assert {q.shape for q in compile_shapes(shapes).queries} == {EX + "Fine"}
