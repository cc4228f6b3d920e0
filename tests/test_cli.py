"""The CLI's exit codes and messages, and that a failed build leaves the last good dumps alone.

Each broken-data case starts from a copy of the project and of its good build (built once for
the module), breaks one data file and builds again through the command line, run in this process
(``main(argv)``); the commands that only read a build read the session's. One test runs the
installed command in its own process.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lisgraph.builder import BuildResult
from lisgraph.cli import main

from .helpers import PROJECT_DIR, run_lisgraph


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


Run = Callable[..., Ran]


@pytest.fixture()
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``lisgraph ARGS`` run in this process (``main(argv)``), on ``project`` with output ``out``,
    returning the exit code and what it printed."""

    def run_main(*args: str, project: Path = PROJECT_DIR, out: Path | None = None) -> Ran:
        monkeypatch.setenv("LISGRAPH_PROJECT_DIR", str(project))
        if out is not None:
            monkeypatch.setenv("LISGRAPH_DIST_DIR", str(out))
        else:
            monkeypatch.delenv("LISGRAPH_DIST_DIR", raising=False)
        capsys.readouterr()
        code = main(list(args))
        printed = capsys.readouterr()
        return Ran(code, printed.out, printed.err)

    return run_main


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_DIR / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a copy of the project and its build (``dist``, a link into
    ``.dist.builds/``), made once with ``lisgraph build``; tests copy it whole."""
    directory = tmp_path_factory.mktemp("good-build")
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_DIR / name, directory / "project" / name)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LISGRAPH_PROJECT_DIR", str(directory / "project"))
        env.setenv("LISGRAPH_DIST_DIR", str(directory / "dist"))
        assert main(["build"]) == 0
    return directory


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(directory.iterdir())}


def test_validate_exits_0_on_the_project_as_a_command() -> None:
    result = run_lisgraph("validate")  # the installed command, in its own process
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout


def test_query_table_and_json(run: Run, built: BuildResult, tmp_path: Path) -> None:
    project, out = PROJECT_DIR, built.out_dir
    query = (
        "PREFIX lis: <https://w3id.org/lisgraph/def/lis#> "
        "SELECT ?n WHERE { ?w a lis:Wave ; lis:waveNumber ?n } ORDER BY ?n"
    )
    table = run("query", query, "--format", "table", project=project, out=out)
    assert table.returncode == 0 and table.stdout.splitlines()[2:5] == ["1", "2", "3"]
    as_json = run("query", query, project=project, out=out)
    values = [b["n"]["value"] for b in json.loads(as_json.stdout)["results"]["bindings"]]
    assert values == ["1", "2", "3"]
    query_file = tmp_path / "q.rq"
    query_file.write_text(query)
    assert run(
        "query", f"@{query_file}", "--format", "csv", project=project, out=out
    ).stdout.split() == ["n", "1", "2", "3"]


def test_query_errors_exit_2_with_the_parser_message(
    run: Run, built: BuildResult, tmp_path: Path
) -> None:
    project = PROJECT_DIR
    no_build = run("query", "SELECT * WHERE { ?s ?p ?o }", project=project, out=tmp_path / "d")
    assert no_build.returncode == 2 and "lisgraph build" in no_build.stderr
    out = built.out_dir
    bad = run("query", "SELECT * WHERE { ?s ?p }", project=project, out=out)
    assert (
        bad.returncode == 2 and "not valid SPARQL" in bad.stderr and "Traceback" not in bad.stderr
    )
    update = run("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", project=project, out=out)
    assert update.returncode == 2 and "Traceback" not in update.stderr
    wrong_format = run("query", "ASK { ?s ?p ?o }", "--format", "turtle", project=project, out=out)
    assert wrong_format.returncode == 2 and "does not suit" in wrong_format.stderr


def test_stats_lists_classes_and_sources(run: Run, built: BuildResult) -> None:
    stats = run("stats", project=PROJECT_DIR, out=built.out_dir)
    assert stats.returncode == 0
    assert "LocalEnterprisePartnership" in stats.stdout and "LEP Network" in stats.stdout
    assert int(stats.stdout.splitlines()[0].split(": ")[1]) > 4000


BREAKAGES = {
    # name: (file, old text, new text, exit code, words the message must contain)
    "syntax-error": (
        "seed-003-south-east-lep.ttl",
        "    lis:numberOfProjects 200 ;",
        "    lis:numberOfProjects 200 ;;; <",
        2,
        ["seed-003-south-east-lep.ttl:", "malformed Turtle"],
    ),
    "missing-required-property": (
        "seed-002-lep-network.ttl",
        "    lis:waveNumber 2 ;",
        "",
        1,
        ["https://w3id.org/lisgraph/id/wave/2", "lis:waveNumber", "S17"],
    ),
    # Oxigraph would hold "2"^^xsd:int as "2"^^xsd:integer, which S17 accepts: judged as written.
    "derived-integer-type": (
        "seed-002-lep-network.ttl",
        "    lis:waveNumber 2 ;",
        '    lis:waveNumber "2"^^xsd:int ;',
        1,
        ["https://w3id.org/lisgraph/id/wave/2", '"2"^^<http://www.w3.org/2001/XMLSchema#int>'],
    ),
    # Ill-formed (a byte stops at 127), which the store would hold as "200"^^xsd:integer.
    "ill-formed-literal": (
        "seed-003-south-east-lep.ttl",
        "    lis:numberOfProjects 200 ;",
        '    lis:numberOfProjects "200"^^xsd:byte ;',
        1,
        ['"200"^^<http://www.w3.org/2001/XMLSchema#byte>', "non-negative xsd:integer"],
    ),
    # No shape reads it, but it would be published as "7"^^xsd:integer: refused at load.
    "literal-published-as-another-term": (
        "seed-003-south-east-lep.ttl",
        "    lis:numberOfProjects 200 ;",
        '    lis:numberOfProjects 200 ; <urn:x-test:note> "7"^^xsd:short ;',
        2,
        [
            "seed-003-south-east-lep.ttl:28",
            '"7"^^<http://www.w3.org/2001/XMLSchema#short>',
            'published as "7"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ],
    ),
    # XML 1.0 cannot carry U+0000: the RDF/XML dump could not be read back, and a store's
    # SPARQL XML results would cut the string there. Refused at load, with the file and line.
    "literal-xml-cannot-carry": (
        "seed-003-south-east-lep.ttl",
        "    lis:numberOfProjects 200 ;",
        '    lis:numberOfProjects 200 ; <urn:x-test:note> "a\\u0000b" ;',
        2,
        ["seed-003-south-east-lep.ttl:28", "<urn:x-test:note> holds U+0000", "XML 1.0"],
    ),
    "wrong-datatype": (
        "seed-001-sem-highlights.ttl",
        "lis:amount 5000000.0 ;",
        'lis:amount "£5m" ;',
        1,
        ["https://w3id.org/lisgraph/id/investment/millbrook-vehicle-testing", "xsd:decimal", "S27"],
    ),
}


#: The cases whose literal the store would hold as another term: the shapes that could read it
#: judge the data as written, which is pySHACL over the whole dataset, in the build and again in
#: validate (each case 10-20 times the others' time). They run in the full suite, marked
#: ``system`` like the other whole-dataset pySHACL checks (tests/README.md), not the fast lane.
_WHOLE_DATA_PYSHACL = {
    "derived-integer-type",
    "ill-formed-literal",
    "literal-published-as-another-term",
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=[pytest.mark.system] if case in _WHOLE_DATA_PYSHACL else [])
        for case in sorted(BREAKAGES)
    ],
)
def test_broken_data_fails_clearly_and_keeps_the_last_dumps(
    run: Run, good_build: Path, tmp_path: Path, case: str
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(good_build, copy, symlinks=True)  # the link to the build stays relative
    project, out = copy / "project", copy / "dist"
    assert out.is_symlink() and (out / "build.json").is_file()
    before = _snapshot(out)

    filename, old, new, code, words = BREAKAGES[case]
    path = project / "data" / filename
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    second = run("build", project=project, out=out)
    assert second.returncode == code, second.stdout + second.stderr
    for word in words:
        assert word in second.stderr, f"{word!r} not in: {second.stderr}"
    assert "Traceback" not in second.stderr
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".dist.builds", "dist", "project"]
    builds = list((out.parent / ".dist.builds").iterdir())
    assert builds == [out.resolve()], "a staging directory was left behind"

    validate = run("validate", project=project, out=out)
    assert validate.returncode == code


def test_validate_given_files_reports_each_violation(run: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix lis: <def/lis#> . @prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<graph/broken> prov:wasDerivedFrom <id/source/nowhere> .\n"
        '<id/project/x> a lis:Project ; rdfs:label "X"@en .\n'
    )
    result = run("validate", str(PROJECT_DIR / "data" / "sources.ttl"), str(broken))
    assert result.returncode == 1
    assert "focus node: https://w3id.org/lisgraph/id/project/x" in result.stdout
    assert "Every fact must name its source" in result.stdout
    assert "violation" in result.stdout


def test_data_file_without_source_is_a_load_error(run: Run, project: Path, tmp_path: Path) -> None:
    path = project / "data" / "seed-003-south-east-lep.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "<graph/seed-003-south-east-lep> prov:wasDerivedFrom",
            "<graph/other> prov:wasDerivedFrom",
        )
    )
    result = run("build", project=project, out=tmp_path / "dist")
    assert result.returncode == 2
    assert "seed-003-south-east-lep.ttl" in result.stderr and "which source" in result.stderr
    assert not (tmp_path / "dist").exists()
