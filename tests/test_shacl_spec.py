"""One case per SHACL feature the translation covers, after the examples of SHACL 1.0 (W3C
Recommendation, 2017), written anew for these tests, with the results SHACL prescribes.

Each case is a shapes graph (every shape with an ``sh:message``, so the translation and not
pySHACL judges it) and data breaking it in the way the spec's example does, next to data that
conforms. The test requires the translation to take every shape and to report exactly the
expected results: focus node, path, value node and severity, under the shape SHACL names.
pySHACL is not consulted here (``test_shacl_features.py`` and the oracle compare the two); the
W3C suite itself is a measurement (``bench/shacl_suite.py``), not copied here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from rdflib import Graph

from lisgraph.shacl import compile_shapes, violations

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <urn:ex:> .
"""
XSD = "http://www.w3.org/2001/XMLSchema#"


def _int(n: int | str) -> str:
    return f'"{n}"^^<{XSD}integer>'


@dataclass(frozen=True)
class Case:
    shapes: str
    data: str
    # (shape, focus node, path, value[, severity]); "ex:" is short for "urn:ex:".
    expected: list[tuple[str | None, ...]]


def _iri(text: str | None) -> str | None:
    return "urn:ex:" + text[3:] if text is not None and text.startswith("ex:") else text


CASES = {
    # -- targets [2.1.3] -----------------------------------------------------------------------
    "targetClass, instances of subclasses included": Case(
        """ex:PersonShape sh:targetClass ex:Person ;
            sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "A name." ] .""",
        """ex:ann a ex:Person ; ex:name "Ann" .
        ex:Student rdfs:subClassOf ex:Person .
        ex:bo a ex:Student .
        ex:robot a ex:Machine .""",
        [("ex:PersonShape", "ex:bo", "ex:name", None)],
    ),
    "targetNode, present in the data or not": Case(
        """ex:S sh:targetNode ex:alice, ex:zed ; sh:class ex:Person ; sh:message "A person." .""",
        "ex:alice a ex:Person .",
        [("ex:S", "ex:zed", None, "ex:zed")],
    ),
    "targetNode, a literal": Case(
        """ex:S sh:targetNode 3, 1 ; sh:maxInclusive 2 ; sh:message "At most 2." .""",
        "ex:a ex:b ex:c .",
        [("ex:S", _int(3), None, _int(3))],
    ),
    "targetSubjectsOf": Case(
        """ex:S sh:targetSubjectsOf ex:knows ;
            sh:property [ sh:path ex:knows ; sh:nodeKind sh:IRI ; sh:message "An IRI." ] .""",
        """ex:a ex:knows ex:b . ex:c ex:knows "Dee" . ex:d ex:likes "Eve" .""",
        [("ex:S", "ex:c", "ex:knows", '"Dee"')],
    ),
    "targetObjectsOf, literal focus nodes in N-Triples form": Case(
        """ex:S sh:targetObjectsOf ex:knows ; sh:nodeKind sh:IRI ; sh:message "An IRI." .""",
        """ex:a ex:knows ex:b, "Dee" .""",
        [("ex:S", '"Dee"', None, '"Dee"')],
    ),
    "implicit class target: the shape is a class": Case(
        """ex:Person a rdfs:Class, sh:NodeShape ;
            sh:property [ sh:path ex:name ; sh:maxCount 1 ; sh:message "One name." ] .""",
        """ex:a a ex:Person ; ex:name "A", "B" .
        ex:Pupil rdfs:subClassOf ex:Person .
        ex:b a ex:Pupil ; ex:name "C", "D" .
        ex:c ex:name "E", "F" .
        ex:d a ex:Person ; ex:name "G" .""",
        [("ex:Person", "ex:a", "ex:name", None), ("ex:Person", "ex:b", "ex:name", None)],
    ),
    "a property shape with targets of its own": Case(
        """ex:AgeShape a sh:PropertyShape ; sh:targetClass ex:Person ; sh:path ex:age ;
            sh:datatype xsd:integer ; sh:maxCount 1 ; sh:message "One integer age." .""",
        """ex:a a ex:Person ; ex:age 30 .
        ex:b a ex:Person ; ex:age "thirty" .
        ex:c a ex:Person ; ex:age 1, 2 .""",
        [
            ("ex:AgeShape", "ex:b", "ex:age", '"thirty"'),
            ("ex:AgeShape", "ex:c", "ex:age", None),
        ],
    ),
    # -- paths [2.3.1] -------------------------------------------------------------------------
    "inverse path": Case(
        """ex:S sh:targetNode ex:ann, ex:bob ;
            sh:property [ sh:path [ sh:inversePath ex:parent ] ; sh:minCount 1 ;
                sh:message "Someone's parent." ] .""",
        "ex:carl ex:parent ex:ann .",
        [("ex:S", "ex:bob", "^(<urn:ex:parent>)", None)],
    ),
    "sequence path": Case(
        """ex:S sh:targetNode ex:a, ex:b ;
            sh:property [ sh:path ( ex:parent ex:name ) ; sh:datatype xsd:string ;
                sh:message "Parents' names are strings." ] .""",
        """ex:a ex:parent ex:p . ex:p ex:name 5 . ex:b ex:parent ex:q . ex:q ex:name "Q" .""",
        [("ex:S", "ex:a", "(<urn:ex:parent>/<urn:ex:name>)", _int(5))],
    ),
    "alternative path": Case(
        """ex:S sh:targetNode ex:a ;
            sh:property [ sh:path [ sh:alternativePath ( ex:label ex:name ) ] ;
                sh:minLength 2 ; sh:message "Two characters at least." ] .""",
        """ex:a ex:label "x" ; ex:name "ok" .""",
        [("ex:S", "ex:a", "(<urn:ex:label>|<urn:ex:name>)", '"x"')],
    ),
    "zero-or-more path: the focus node itself included": Case(
        """ex:S sh:targetNode ex:c3 ;
            sh:property [ sh:path [ sh:zeroOrMorePath ex:broader ] ; sh:class ex:Concept ;
                sh:message "Concepts all the way up." ] .""",
        "ex:c3 ex:broader ex:c1 . ex:c1 a ex:Concept ; ex:broader ex:c2 .",
        [
            ("ex:S", "ex:c3", "(<urn:ex:broader>)*", "ex:c3"),
            ("ex:S", "ex:c3", "(<urn:ex:broader>)*", "ex:c2"),
        ],
    ),
    "one-or-more path: the focus node itself not included": Case(
        """ex:S sh:targetNode ex:c3 ;
            sh:property [ sh:path [ sh:oneOrMorePath ex:broader ] ; sh:class ex:Concept ;
                sh:message "Concepts all the way up." ] .""",
        "ex:c3 ex:broader ex:c1 . ex:c1 a ex:Concept ; ex:broader ex:c2 .",
        [("ex:S", "ex:c3", "(<urn:ex:broader>)+", "ex:c2")],
    ),
    "zero-or-one path": Case(
        """ex:S sh:targetNode ex:a, ex:z ;
            sh:property [ sh:path [ sh:zeroOrOnePath ex:broader ] ; sh:maxCount 1 ;
                sh:message "No broader concept." ] .""",
        "ex:a ex:broader ex:b .",
        [("ex:S", "ex:a", "(<urn:ex:broader>)?", None)],
    ),
    # -- value type [4.1] ----------------------------------------------------------------------
    "class, through subclasses": Case(
        """ex:S sh:targetNode ex:alice, ex:bob, ex:carol ;
            sh:property [ sh:path ex:address ; sh:class ex:PostalAddress ;
                sh:message "A postal address." ] .""",
        """ex:alice ex:address ex:aliceAddress . ex:aliceAddress a ex:PostalAddress .
        ex:LocalAddress rdfs:subClassOf ex:PostalAddress .
        ex:bob ex:address ex:bobAddress . ex:bobAddress a ex:LocalAddress .
        ex:carol ex:address ex:carolAddress .""",
        [("ex:S", "ex:carol", "ex:address", "ex:carolAddress")],
    ),
    "datatype, ill-formed literals failing": Case(
        """ex:S sh:targetSubjectsOf ex:age ;
            sh:property [ sh:path ex:age ; sh:datatype xsd:integer ;
                sh:message "An integer." ] .""",
        """ex:a ex:age 23 . ex:b ex:age "twenty"^^xsd:integer . ex:c ex:age 23.5 .""",
        [
            ("ex:S", "ex:b", "ex:age", '"twenty"^^<' + XSD + "integer>"),
            ("ex:S", "ex:c", "ex:age", '"23.5"^^<' + XSD + "decimal>"),
        ],
    ),
    "datatype, a type derived from xsd:integer": Case(
        """ex:S sh:targetSubjectsOf ex:level ;
            sh:property [ sh:path ex:level ; sh:datatype xsd:byte ; sh:message "A byte." ] .""",
        """ex:a ex:level "c"^^xsd:byte .""",
        [("ex:S", "ex:a", "ex:level", '"c"^^<' + XSD + "byte>")],
    ),
    "nodeKind": Case(
        """ex:S sh:targetNode ex:a ;
            sh:property [ sh:path ex:knows ; sh:nodeKind sh:BlankNodeOrIRI ;
                sh:message "A node, not a literal." ] .""",
        """ex:a ex:knows ex:b, [], "lit" .""",
        [("ex:S", "ex:a", "ex:knows", '"lit"')],
    ),
    # -- cardinality [4.2] ---------------------------------------------------------------------
    "minCount and maxCount": Case(
        """ex:S sh:targetNode ex:a, ex:b, ex:c ;
            sh:property [ sh:path ex:email ; sh:minCount 2 ; sh:maxCount 3 ;
                sh:message "Two or three." ] .""",
        """ex:a ex:email "1" . ex:b ex:email "1", "2", "3", "4" . ex:c ex:email "1", "2" .""",
        [("ex:S", "ex:a", "ex:email", None), ("ex:S", "ex:b", "ex:email", None)],
    ),
    # -- value range [4.3] ---------------------------------------------------------------------
    "minInclusive and maxExclusive, incomparable values failing": Case(
        """ex:S sh:targetSubjectsOf ex:score ;
            sh:property [ sh:path ex:score ; sh:minInclusive 0 ; sh:maxExclusive 100 ;
                sh:message "0 to 99." ] .""",
        """ex:a ex:score 0 . ex:b ex:score 100 . ex:c ex:score -1 . ex:d ex:score "high" .""",
        [
            ("ex:S", "ex:b", "ex:score", _int(100)),
            ("ex:S", "ex:c", "ex:score", _int(-1)),
            ("ex:S", "ex:d", "ex:score", '"high"'),
        ],
    ),
    "minExclusive and maxInclusive": Case(
        """ex:S sh:targetSubjectsOf ex:score ;
            sh:property [ sh:path ex:score ; sh:minExclusive 0 ; sh:maxInclusive 10 ;
                sh:message "1 to 10." ] .""",
        """ex:a ex:score 0 . ex:b ex:score 10 . ex:c ex:score 11 .""",
        [("ex:S", "ex:a", "ex:score", _int(0)), ("ex:S", "ex:c", "ex:score", _int(11))],
    ),
    # -- string-based [4.4] --------------------------------------------------------------------
    "minLength and maxLength": Case(
        """ex:S sh:targetSubjectsOf ex:password ;
            sh:property [ sh:path ex:password ; sh:minLength 8 ; sh:maxLength 10 ;
                sh:message "8 to 10 characters." ] .""",
        """ex:a ex:password "short" . ex:b ex:password "longenough" .
        ex:c ex:password "much too long" .""",
        [
            ("ex:S", "ex:a", "ex:password", '"short"'),
            ("ex:S", "ex:c", "ex:password", '"much too long"'),
        ],
    ),
    "pattern with flags": Case(
        """ex:S sh:targetSubjectsOf ex:name ;
            sh:property [ sh:path ex:name ; sh:pattern "^b" ; sh:flags "i" ;
                sh:message "Starts with B." ] .""",
        """ex:a ex:name "Bob" . ex:b ex:name "bea" . ex:c ex:name "Ann" .""",
        [("ex:S", "ex:c", "ex:name", '"Ann"')],
    ),
    "uniqueLang, language tags compared without case": Case(
        """ex:S sh:targetSubjectsOf ex:label ;
            sh:property [ sh:path ex:label ; sh:uniqueLang true ;
                sh:message "One per language." ] .""",
        """ex:a ex:label "Hi"@en, "Hello"@EN . ex:b ex:label "Hi"@en, "Salut"@fr, "x", "y" .""",
        [("ex:S", "ex:a", "ex:label", None)],
    ),
    # -- property pairs [4.5] ------------------------------------------------------------------
    "lessThan": Case(
        """ex:S sh:targetSubjectsOf ex:start ;
            sh:property [ sh:path ex:start ; sh:lessThan ex:end ; sh:message "Starts first." ] .""",
        "ex:a ex:start 1 ; ex:end 2 . ex:b ex:start 3 ; ex:end 3 .",
        [("ex:S", "ex:b", "ex:start", _int(3))],
    ),
    "lessThanOrEquals": Case(
        """ex:S sh:targetSubjectsOf ex:start ;
            sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end ;
                sh:message "Starts no later." ] .""",
        "ex:a ex:start 3 ; ex:end 3 . ex:b ex:start 5 ; ex:end 3 .",
        [("ex:S", "ex:b", "ex:start", _int(5))],
    ),
    # -- logical [4.6] -------------------------------------------------------------------------
    "not": Case(
        """ex:S sh:targetNode ex:a, ex:b ; sh:message "No ex:property." ;
            sh:not [ a sh:PropertyShape ; sh:path ex:property ; sh:minCount 1 ] .""",
        """ex:b ex:property "x" .""",
        [("ex:S", "ex:b", None, "ex:b")],
    ),
    "and": Case(
        """ex:Super sh:property [ sh:path ex:property ; sh:minCount 1 ] .
        ex:S sh:targetNode ex:a, ex:b, ex:c ; sh:message "Exactly one." ;
            sh:and ( ex:Super [ sh:path ex:property ; sh:maxCount 1 ] ) .""",
        """ex:a ex:property "1" . ex:b ex:property "1", "2" .""",
        [("ex:S", "ex:b", None, "ex:b"), ("ex:S", "ex:c", None, "ex:c")],
    ),
    "or": Case(
        """ex:S sh:targetNode ex:a, ex:b, ex:c ; sh:message "A first or a given name." ;
            sh:or ( [ sh:path ex:firstName ; sh:minCount 1 ]
                    [ sh:path ex:givenName ; sh:minCount 1 ] ) .""",
        """ex:a ex:firstName "A" . ex:b ex:givenName "B" .""",
        [("ex:S", "ex:c", None, "ex:c")],
    ),
    "xone": Case(
        """ex:S sh:targetNode ex:a, ex:b, ex:c, ex:d ;
            sh:message "A full name, or a first and a last name, not both." ;
            sh:xone ( [ sh:path ex:fullName ; sh:minCount 1 ]
                      [ sh:and ( [ sh:path ex:firstName ; sh:minCount 1 ]
                                 [ sh:path ex:lastName ; sh:minCount 1 ] ) ] ) .""",
        """ex:a ex:fullName "A A" . ex:b ex:firstName "B" ; ex:lastName "B" .
        ex:c ex:fullName "C C" ; ex:firstName "C" ; ex:lastName "C" .""",
        [("ex:S", "ex:c", None, "ex:c"), ("ex:S", "ex:d", None, "ex:d")],
    ),
    # -- shape-based [4.7] ---------------------------------------------------------------------
    "node": Case(
        """ex:AddressShape sh:property [ sh:path ex:postalCode ; sh:datatype xsd:string ;
                sh:maxCount 1 ] .
        ex:PersonShape sh:targetClass ex:Person ;
            sh:property [ sh:path ex:address ; sh:minCount 1 ; sh:node ex:AddressShape ;
                sh:message "An address with one textual postal code." ] .""",
        """ex:a a ex:Person ; ex:address ex:addrA . ex:addrA ex:postalCode "1234" .
        ex:b a ex:Person ; ex:address ex:addrB . ex:addrB ex:postalCode 1234 .""",
        [("ex:PersonShape", "ex:b", "ex:address", "ex:addrB")],
    ),
    # -- other [4.8] ---------------------------------------------------------------------------
    "in": Case(
        """ex:S sh:targetSubjectsOf ex:color ;
            sh:property [ sh:path ex:color ; sh:in ( ex:Pink ex:Purple ) ;
                sh:message "Pink or purple." ] .""",
        "ex:a ex:color ex:Pink . ex:b ex:color ex:Green .",
        [("ex:S", "ex:b", "ex:color", "ex:Green")],
    ),
    "hasValue on a property shape": Case(
        """ex:S sh:targetNode ex:alice, ex:bob ;
            sh:property [ sh:path ex:alumniOf ; sh:hasValue ex:Stanford ;
                sh:message "A Stanford graduate." ] .""",
        "ex:alice ex:alumniOf ex:Stanford, ex:Harvard . ex:bob ex:alumniOf ex:Harvard .",
        [("ex:S", "ex:bob", "ex:alumniOf", None)],
    ),
    "hasValue on a node shape: no value node": Case(
        """ex:S sh:targetObjectsOf ex:status ; sh:hasValue ex:Done ; sh:message "Done." .""",
        "ex:t1 ex:status ex:Done . ex:t2 ex:status ex:Open .",
        [("ex:S", "ex:Open", None, None)],
    ),
    # -- SHACL-SPARQL [5] ----------------------------------------------------------------------
    "sparql": Case(
        """ex:S sh:targetSubjectsOf rdfs:label ;
            sh:sparql [ sh:message "Labels in English." ; sh:select '''
                SELECT $this ?value WHERE {
                    $this <http://www.w3.org/2000/01/rdf-schema#label> ?value .
                    FILTER (!isLiteral(?value) || !langMatches(lang(?value), "en"))
                }''' ] .""",
        """ex:a rdfs:label "A"@en . ex:b rdfs:label "B"@de .""",
        [("ex:S", "ex:b", None, '"B"@de')],
    ),
    # -- deactivation and severity [2.1.5, 2.1.4] -----------------------------------------------
    "deactivated shapes report nothing": Case(
        """ex:Off sh:targetNode ex:a ; sh:deactivated true ; sh:class ex:C ; sh:message "Off." .
        ex:S sh:targetNode ex:a ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:deactivated true ; sh:message "Off." ] ;
            sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message "On." ] .""",
        "ex:b ex:c ex:d .",
        [("ex:S", "ex:a", "ex:q", None)],
    ),
    "severities Warning and Info kept": Case(
        """ex:S sh:targetNode ex:a ; sh:severity sh:Info ; sh:class ex:C ; sh:message "Info." ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ;
                sh:message "Warning." ] ;
            sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message "Violation." ] .""",
        "ex:b ex:c ex:d .",
        [
            ("ex:S", "ex:a", None, "ex:a", "Info"),
            ("ex:S", "ex:a", "ex:p", None, "Warning"),
            ("ex:S", "ex:a", "ex:q", None, "Violation"),
        ],
    ),
}


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_translation_reports_what_shacl_prescribes(name: str) -> None:
    case = CASES[name]
    shapes = Graph().parse(data=PREFIXES + case.shapes, format="turtle")
    compiled = compile_shapes(shapes)
    assert compiled.untranslated == {}, "the translation, not pySHACL, is under test"
    store = ox.Store()
    store.load(
        (PREFIXES + case.data).encode(),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("urn:ex:graph"),
    )

    found = {
        (v.shape, v.focus_node, v.path, v.value, v.severity) for v in violations(store, shapes)
    }

    expected = {
        (
            _iri(row[0]),
            _iri(row[1]),
            _iri(row[2]),
            _iri(row[3]),
            row[4] if len(row) > 4 else "Violation",
        )
        for row in case.expected
    }
    assert found == expected
