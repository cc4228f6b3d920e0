"""The dataset's measurements of its own quality: made by each build (build.json's ``quality``)
and stated in the catalogue in DQV, with the completeness of the catalogue's metadata.

Each figure is checked against a count made here another way: the dangling links from the
N-Triples dump with Python sets, the completeness from the served catalogue by SPARQL, the
SHACL counts from the build's own results, the checksums against files changed on purpose.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.query import ResultRow

from lisgraph.artifact import CHECKSUM_FILE, BuildDir
from lisgraph.builder import BuildResult, build_project
from lisgraph.builder.quality import dangling_links, dumps_checked
from lisgraph.config import Settings
from lisgraph.vocab import DQV
from lisgraph.web.catalogue_quality import METRICS

from .helpers import TESTS_DIR, InProcessHTTP, copy_project

BASE = "https://w3id.org/lisgraph/"
OWL = "http://www.w3.org/2002/07/owl#"
DQV_SHAPES = TESTS_DIR / "data" / "dqv-measurement-shapes.ttl"


def _quality(out_dir: Path) -> dict[str, object]:
    return dict(json.loads((out_dir / "build.json").read_text(encoding="utf-8"))["quality"])


def _dangling_by_sets(ntriples: Path) -> tuple[int, list[str]]:
    """Links into the base IRI and those no triple describes, counted without SPARQL."""
    objects, subjects = set(), set()
    for t in ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES):
        subjects.add(t.subject)
        versioned = t.predicate.value in (OWL + "versionIRI", OWL + "priorVersion")
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(BASE):
            if not versioned:
                objects.add(t.object)
    return len(objects), sorted(o.value for o in objects - subjects)


def test_the_build_records_what_it_measured(built: BuildResult) -> None:
    quality = _quality(built.out_dir)
    assert quality["shacl"] == {
        "Violation": 0,
        "Warning": Counter(w.severity for w in built.warnings)["Warning"],
        "Info": Counter(w.severity for w in built.warnings)["Info"],
    }
    listed = len(BuildDir(built.out_dir).checksums())
    assert listed >= 12
    assert quality["dumps"] == {"listed": listed, "present": listed, "matching": listed}
    links, dangling = _dangling_by_sets(built.out_dir / "lisgraph.nt")
    assert links > 1000
    assert quality["links"] == {
        "links": links,
        "dangling": len(dangling),
        "examples": dangling[:20],
    }


def test_dangling_links_are_the_objects_nothing_describes() -> None:
    store = ox.Store()
    graph = ox.NamedNode(BASE + "graph/g")

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        store.add(ox.Quad(ox.NamedNode(BASE + s), ox.NamedNode(BASE + p), o, graph))

    add("id/a", "def/x", ox.NamedNode(BASE + "id/b"))
    add("id/a", "def/x", ox.NamedNode(BASE + "id/nowhere"))
    add("id/a", "def/x", ox.NamedNode("http://elsewhere.example/c"))  # not ours: not counted
    add("id/a", "def/x", ox.Literal(BASE + "id/text"))  # a string, not a link
    add("id/b", "def/x", ox.Literal("described"))
    assert dangling_links(store, BASE) == {
        "links": 2,
        "dangling": 1,
        "examples": [BASE + "id/nowhere"],
    }
    add("id/nowhere", "def/x", ox.Literal("now described, in another graph would do too"))
    assert dangling_links(store, BASE)["dangling"] == 0


def test_a_changed_or_missing_dump_does_not_match(tmp_path: Path) -> None:
    files = {"a.nt": b"one\n", "b.nt": b"two\n", "c.nt": b"three\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / CHECKSUM_FILE).write_text(
        "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in files.items())
    )
    build = BuildDir(tmp_path)
    assert dumps_checked(build) == {"listed": 3, "present": 3, "matching": 3}
    (tmp_path / "b.nt").write_bytes(b"twO\n")
    (tmp_path / "c.nt").unlink()
    assert dumps_checked(build) == {"listed": 3, "present": 2, "matching": 1}


def test_each_build_measures_again(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "data" / "seed-003-south-east-lep.ttl"
    data.write_text(
        data.read_text(encoding="utf-8")
        + "\n<id/lep/E37000051> rdfs:seeAlso <id/nowhere/at-all> .\n",
        encoding="utf-8",
    )
    settings = Settings.from_mapping(
        {"PROJECT_DIR": str(project), "DIST_DIR": str(tmp_path / "dist")}
    )
    result = build_project(settings)
    links = _quality(result.out_dir)["links"]
    assert isinstance(links, dict)
    assert links["dangling"] == 1 and links["examples"] == [BASE + "id/nowhere/at-all"]


def _catalogue(http: InProcessHTTP, server: str) -> Graph:
    response = http.get(server + "catalog", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle")


def _measurements(catalogue: Graph) -> dict[str, Literal]:
    dataset = URIRef(BASE + "catalog#dataset")
    found = {}
    for measurement in catalogue.objects(dataset, DQV.hasQualityMeasurement):
        metric = catalogue.value(measurement, DQV.isMeasurementOf)
        value = catalogue.value(measurement, DQV.value)
        assert isinstance(value, Literal) and metric is not None
        found[str(metric).rsplit("#metric-", 1)[1]] = value
    return found


def _share_by_sparql(catalogue: Graph, counted: URIRef, predicate: URIRef) -> float:
    (row,) = catalogue.query(
        "SELECT (COUNT(DISTINCT ?n) AS ?all) (COUNT(DISTINCT ?s) AS ?stating) WHERE { "
        "?n a ?class OPTIONAL { ?n ?p ?o BIND(?n AS ?s) } }",
        initBindings={"class": counted, "p": predicate},
    )
    assert isinstance(row, ResultRow)
    stating, total = row[1], row[0]
    assert isinstance(stating, Literal) and isinstance(total, Literal)
    return int(stating.toPython()) / int(total.toPython())


def test_the_catalogue_states_every_measurement_in_dqv(
    http: InProcessHTTP, server: str, built: BuildResult
) -> None:
    catalogue = _catalogue(http, server)
    measured = _measurements(catalogue)
    assert sorted(measured) == sorted(m.key for m in METRICS)
    for metric in METRICS:
        value = measured[metric.key]
        if metric.counted is not None and metric.predicate is not None:
            assert value.datatype == XSD.decimal
            expected = _share_by_sparql(catalogue, metric.counted, metric.predicate)
            assert float(value) == pytest.approx(expected, abs=0.00005), metric.key
    quality = _quality(built.out_dir)
    shacl, links = quality["shacl"], quality["links"]
    assert isinstance(shacl, dict) and isinstance(links, dict)
    assert int(measured["shacl-violations"]) == 0
    assert int(measured["shacl-warnings"]) == shacl["Warning"]
    assert int(measured["dangling-links"]) == links["dangling"]
    assert int(measured["links"]) == links["links"]
    assert float(measured["dumps-matching-checksums"]) == 1.0
    # What the catalogue states and does not: a sample, so that a share computed wrongly shows.
    assert float(measured["keywords"]) == 1.0 and float(measured["download-url"]) < 1.0
    assert float(measured["rights"]) == 0.0  # no distribution states dcterms:rights


def test_the_measurements_conform_to_dqv_shapes(http: InProcessHTTP, server: str) -> None:
    catalogue = _catalogue(http, server)
    shapes = Graph().parse(DQV_SHAPES, format="turtle")
    conforms, _, text = validate(catalogue, shacl_graph=shapes, inference="none")
    assert conforms, text
    broken = _catalogue(http, server)
    for measurement in list(broken.subjects(RDF.type, DQV.QualityMeasurement))[:1]:
        broken.remove((measurement, DQV.value, None))
    assert not validate(broken, shacl_graph=shapes, inference="none")[0]
