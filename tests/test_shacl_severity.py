"""Severities [SHACL 1.0, 2.1.4]: only ``sh:Violation`` blocks; ``sh:Warning`` and ``sh:Info``
are reported as such by ``lisgraph validate``, by ``lisgraph build`` and in a release's
validation report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from lisgraph.builder import release_build
from lisgraph.config import Settings
from lisgraph.errors import NotConformingError
from lisgraph.shacl import check

from .helpers import copy_project

EX = "urn:ex:"
# Every wave gets an Info; the third (waveNumber 3) also a Warning.
LESSER_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix lis: <https://w3id.org/lisgraph/def/lis#> .
<urn:test:WaveWarning> sh:targetClass lis:Wave ;
    sh:property [ sh:path lis:waveNumber ; sh:maxInclusive 2 ; sh:severity sh:Warning ;
        sh:message "A third wave is worth a look." ] .
<urn:test:WaveInfo> sh:targetClass lis:Wave ; sh:severity sh:Info ;
    sh:class <urn:test:Nothing> ; sh:message "Waves are noted." .
"""


def _store(data: str) -> ox.Store:
    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "g"))
    return store


SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<{EX}Warned> sh:targetSubjectsOf <{EX}p> ; sh:class <{EX}C> ; sh:severity sh:Warning ;
    sh:message "Warning." .
<{EX}Noted> sh:targetSubjectsOf <{EX}p> ; sh:class <{EX}D> ; sh:severity sh:Info ;
    sh:message "Info." .
<{EX}Required> sh:targetSubjectsOf <{EX}q> ; sh:class <{EX}C> ; sh:message "Violation." .
"""


def test_check_passes_warnings_and_infos_and_returns_them() -> None:
    found = check(_store(f"<{EX}a> <{EX}p> 1 ."), Graph().parse(data=SHAPES, format="turtle"))
    assert [(v.shape, v.severity) for v in found] == [
        (EX + "Noted", "Info"),
        (EX + "Warned", "Warning"),
    ]


def test_check_fails_on_a_violation_and_lists_every_result() -> None:
    store = _store(f"<{EX}a> <{EX}p> 1 ; <{EX}q> 2 .")
    with pytest.raises(NotConformingError, match=": 1 violation. Nothing") as caught:
        check(store, Graph().parse(data=SHAPES, format="turtle"))
    assert Counter(v.severity for v in caught.value.violations) == {
        "Violation": 1,
        "Warning": 1,
        "Info": 1,
    }


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the project with shapes adding a warning and three infos."""
    project = copy_project(tmp_path_factory.mktemp("warned") / "project")
    (project / "shapes" / "zz-lesser.ttl").write_text(LESSER_SHAPES, encoding="utf-8")
    return Settings.from_mapping({"PROJECT_DIR": str(project), "DIST_DIR": str(project / "dist")})


def _env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("LISGRAPH_PROJECT_DIR", str(settings.project_dir))
    monkeypatch.setenv("LISGRAPH_DIST_DIR", str(settings.dist_dir))


def test_validate_reports_warnings_and_infos_and_exits_0(
    warned: Settings, monkeypatch: pytest.MonkeyPatch, cli: object
) -> None:
    _env(monkeypatch, warned)
    result = cli("validate")  # type: ignore[operator]
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Warning: A third wave is worth a look.") == 1
    assert result.stdout.count("Info: Waves are noted.") == 3
    assert result.stdout.splitlines()[-1] == "Conforms: no violations (1 warning, 3 infos)."


def test_a_release_publishes_them_in_its_validation_report(warned: Settings) -> None:
    release = release_build(warned, today=dt.date(2026, 12, 4))
    report = Graph().parse(release.path / "validation.ttl")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    # SHACL's own reading: any result, whatever its severity, means "does not conform".
    assert report.value(node, SH.conforms) == Literal(False)
    severities = Counter(
        report.value(r, SH.resultSeverity) for r in report.objects(node, SH.result)
    )
    assert severities == {SH.Warning: 1, SH.Info: 3}
    (warning,) = report.subjects(SH.resultSeverity, SH.Warning)
    assert report.value(warning, SH.value) == Literal(3)
    assert str(report.value(warning, SH.resultMessage)) == "A third wave is worth a look."


def test_a_build_names_them_and_succeeds(
    warned: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: object
) -> None:
    _env(monkeypatch, warned)
    result = cli("build", "--out", str(tmp_path / "dist"))  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    assert "Warning: A third wave is worth a look." in result.stderr
    assert result.stderr.splitlines()[-1] == "lisgraph: 1 warning, 3 infos (not blocking)."
