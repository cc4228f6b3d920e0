"""Synthetic lisgraph-shaped data at any size, for scale tests and benchmarks (never published).

The generator copies the project's own facts: it writes a project directory (ontology, shapes,
concept schemes, sources and the ONS lookup as they are) whose data files are numbered copies of
the real data files and of the ONS lookup's graph. In each copy every thing it describes gets a
new IRI (``.../id/lep/E37000057`` becomes ``.../id/lep/E37000057~c7``), so each copy is a whole
second England of LEPs, districts and strategies, and a thing has as many statements as its
original (a point lookup stays a point lookup at any size). What all copies share (the ontology,
the concept schemes and the sources) keeps its IRI. Numbers are varied by a seeded random factor, so
aggregates differ between copies. The same seed and size give the same bytes; every copy has the
real data's shape, so the whole conforms to the shapes and builds like the real thing.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import ConfigError
from ..vocab import XSD, lis_namespace
from .sources import REFERENCE_GRAPH, load

__all__ = ["SyntheticProject", "generate"]

_VARIED = ("amount", "value", "targetValue")  # lis: properties whose numbers vary per copy
_SHARED_FILES = (
    "concepts.ttl",
    "concepts-seed-003.ttl",
    "concepts-seed-004.ttl",
    "sources.ttl",
    "sources-editors.ttl",
    "sources-public-sources-pack.ttl",
)
_MARKER = ".lisgraph-synthetic"  # marks a directory 'synth' may replace


@dataclass(frozen=True)
class SyntheticProject:
    """A generated project directory: build it with ``Settings(project_dir=path)``."""

    path: Path
    copies: int
    triples_per_copy: int
    seed: int


def _copied_graphs(settings: Settings) -> tuple[dict[str, list[ox.Quad]], set[str], int]:
    """The real data files' quads by graph, the IRIs that every copy shares, and how many
    quads are shared (written once)."""
    loaded = load(settings)
    data_dir = settings.data_dir
    copied = {
        f"{settings.base}graph/{p.stem}"
        for p in data_dir.glob("*.ttl")
        if p.name not in _SHARED_FILES
    } | {f"{settings.base}{REFERENCE_GRAPH}"}
    by_graph: dict[str, list[ox.Quad]] = {g: [] for g in sorted(copied)}
    shared: set[str] = set()
    fixed = 0
    for quad in loaded.store:
        graph = quad.graph_name.value
        if graph in copied:
            by_graph[graph].append(quad)
        else:
            fixed += 1
            if isinstance(quad.subject, ox.NamedNode):
                shared.add(quad.subject.value)
    return by_graph, shared, fixed


def generate(settings: Settings, target_triples: int, out: Path, seed: int = 1) -> SyntheticProject:
    """Write a project of about ``target_triples`` statements into ``out``, which must be new,
    empty, or an earlier synthetic project (then it is replaced).

    Raises ConfigError for any other existing ``out`` (nothing is deleted), DataLoadError if the
    real data cannot be loaded.
    """
    if out.exists() and any(out.iterdir()) and not (out / _MARKER).is_file():
        raise ConfigError(
            f"{out} exists and is not a synthetic project made by 'lisgraph synth': "
            "choose a new or empty directory (nothing was deleted)."
        )
    by_graph, shared, fixed = _copied_graphs(settings)
    per_copy = sum(len(quads) for quads in by_graph.values())
    copies = max(1, round((target_triples - fixed) / per_copy))
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    (out / _MARKER).write_text("Written by 'lisgraph synth'; replaced when it runs again.\n")
    for name in ("ontology", "shapes"):
        shutil.copytree(settings.project_dir / name, out / name)
    shutil.copytree(settings.data_dir / "reference", out / "data" / "reference")
    for name in _SHARED_FILES:
        shutil.copyfile(settings.data_dir / name, out / "data" / name)
    prefix = f"{settings.base}id/"
    graph_prefix = f"{settings.base}graph/"
    varied = {lis_namespace(settings.base) + name for name in _VARIED}

    def rename(term: ox.NamedNode, suffix: str) -> ox.NamedNode:
        value = term.value
        if value.startswith(prefix) and value not in shared:
            return ox.NamedNode(value + suffix)
        return term

    for copy in range(1, copies + 1):
        suffix = f"~c{copy}"
        for graph, quads in by_graph.items():
            stem = f"{graph[len(graph_prefix) :]}-c{copy:05d}"
            new_graph = f"{graph_prefix}{stem}"
            triples = []
            for quad in quads:
                subject = quad.subject
                if isinstance(subject, ox.NamedNode):
                    subject = rename(subject, suffix)
                    if subject.value == graph:
                        subject = ox.NamedNode(new_graph)
                obj = quad.object
                if isinstance(obj, ox.NamedNode):
                    obj = rename(obj, suffix)
                elif isinstance(obj, ox.Literal) and quad.predicate.value in varied:
                    obj = _vary(obj, rng)
                triples.append(ox.Triple(subject, quad.predicate, obj))
            triples.sort(key=str)
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            (out / "data" / f"{stem}.ttl").write_bytes(body)
    return SyntheticProject(out, copies, per_copy, seed)


def _vary(literal: ox.Literal, rng: random.Random) -> ox.Literal:
    """The number scaled by a seeded factor in [0.5, 1.5), kept non-negative and of its type."""
    factor = Decimal(rng.randrange(50, 150)) / 100
    try:
        value = Decimal(literal.value) * factor
    except ArithmeticError:  # not a number: left as it is
        return literal
    if literal.datatype.value == f"{XSD}integer":
        text = str(int(value))
    else:
        text = format(value.quantize(Decimal("0.01")), "f")
    return ox.Literal(text, datatype=literal.datatype)
