"""Every shape has a valid example that conforms and invalid examples rejected by that shape.

Examples live in tests/shapes/ named after the shape (S07-valid.ttl, S07-invalid-01.ttl). Each
is validated as ``validate_project(settings, files)`` and a build would: loaded with the ontology,
the concept schemes and the sources, then checked by the shapes' queries, as
:func:`lisgraph.shacl.violations` runs them (the shapes are read and compiled once, not once per
example).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import SH

from lisgraph import Settings, Violation, validate_project
from lisgraph.builder.sources import load
from lisgraph.shacl import Compiled, compile_shapes, run
from lisgraph.shacl.run import sorted_violations

from .helpers import BASE, CONTEXT_FILES, PROJECT_DIR, SHAPES_DATA_DIR


def _shape_ids() -> list[str]:
    shapes = Graph().parse(PROJECT_DIR / "shapes" / "lisgraph-shapes.ttl", publicID=BASE)
    ids = sorted(
        str(s).rsplit("#", 1)[1]
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if re.search(r"#S\d\d$", str(s))
    )
    return ids


SHAPE_IDS = _shape_ids()
VALID = sorted(SHAPES_DATA_DIR.glob("S*-valid.ttl"))
INVALID = sorted(SHAPES_DATA_DIR.glob("S*-invalid-*.ttl"))


def _files(settings: Settings, example: Path) -> list[Path]:
    return [*(settings.data_dir / name for name in CONTEXT_FILES), example]


@pytest.fixture(scope="module")
def compiled(shapes: Graph) -> Compiled:
    compiled = compile_shapes(shapes)
    assert compiled.rest is None, "every shape is a query: nothing is left to pySHACL"
    return compiled


def _validate(settings: Settings, compiled: Compiled, example: Path) -> list[Violation]:
    """What ``validate_project(settings, files)`` does, with the shapes compiled once."""
    loaded = load(settings, data_files=_files(settings, example), with_reference=False)
    return sorted_violations(run(loaded.store, compiled.queries))


def test_validate_project_checks_the_given_files(settings: Settings, compiled: Compiled) -> None:
    """``validate_project`` finds what :func:`_validate` finds, on a valid and an invalid
    example: the shortcut the tests below take leaves nothing out."""
    for example in (VALID[0], INVALID[0]):
        found = validate_project(settings, _files(settings, example))
        assert found == _validate(settings, compiled, example)
    assert found, f"{INVALID[0].name} conforms"


def test_the_example_lists_are_not_empty() -> None:
    assert len(SHAPE_IDS) >= 30
    assert VALID and INVALID


@pytest.mark.parametrize("shape_id", SHAPE_IDS)
def test_every_shape_has_valid_and_invalid_examples(shape_id: str) -> None:
    assert (SHAPES_DATA_DIR / f"{shape_id}-valid.ttl").is_file()
    assert list(SHAPES_DATA_DIR.glob(f"{shape_id}-invalid-*.ttl")), (
        f"no invalid example for {shape_id}"
    )


@pytest.mark.parametrize("example", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms(settings: Settings, compiled: Compiled, example: Path) -> None:
    found = _validate(settings, compiled, example)
    assert found == [], "\n".join(v.describe() for v in found)


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.stem)
def test_invalid_example_is_rejected_by_its_shape(
    settings: Settings, compiled: Compiled, example: Path
) -> None:
    shape_id = example.name.split("-")[0]
    found = _validate(settings, compiled, example)
    by_shape = [v for v in found if v.shape == f"{BASE}def/shapes#{shape_id}"]
    assert by_shape, (
        f"{example.name} was not rejected by {shape_id}; got: {[v.shape for v in found]}"
    )
    assert all(v.message for v in by_shape)


def test_every_constraint_has_a_message() -> None:
    shapes = Graph().parse(PROJECT_DIR / "shapes" / "lisgraph-shapes.ttl", publicID=BASE)
    constraint_holders = set(shapes.subjects(SH.path, None)) | set(
        shapes.subjects(RDF.type, SH.NodeShape)
    )
    constrained = [
        s
        for s in constraint_holders
        if any(
            True
            for p in (
                SH.minCount,
                SH.maxCount,
                SH.datatype,
                SH["class"],
                SH.pattern,
                SH["or"],
                SH.xone,
                SH.sparql,
                SH.hasValue,
                SH.nodeKind,
                SH.node,
            )
            if (s, p, None) in shapes
        )
    ]
    assert constrained
    missing = [
        s
        for s in constrained
        if (s, SH.message, None) not in shapes
        and not any((b, SH.message, None) in shapes for b in shapes.objects(s, SH.sparql))
    ]
    # Items of sh:or / sh:xone lists are parts of one constraint whose message is on the shape.
    list_members = set()
    for head in list(shapes.objects(None, SH["or"])) + list(shapes.objects(None, SH.xone)):
        list_members |= set(Graph.items(shapes, head))
    missing = [s for s in missing if s not in list_members]
    assert missing == []
