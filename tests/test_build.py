"""The build writes every dump, parseable, isomorphic, with correct checksums (and byte-stable
across processes: ``tests/system/test_reproducible_build.py``)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from lisgraph import Settings
from lisgraph.artifact import DUMP_FORMATS, BuildDir
from lisgraph.builder import BuildResult, source_date
from lisgraph.errors import ConfigError

from .helpers import PROJECT_DIR, RDFLIB_FORMATS


def test_build_writes_every_dump_gzip_and_checksums(built: BuildResult) -> None:
    names = {p.name for p in built.out_dir.iterdir()}
    for fmt in DUMP_FORMATS:
        assert fmt.filename in names and f"{fmt.filename}.gz" in names
    sums = (built.out_dir / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == 2 * len(DUMP_FORMATS)
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((built.out_dir / name).read_bytes()).hexdigest() == digest
    for fmt in DUMP_FORMATS:
        plain = (built.out_dir / fmt.filename).read_bytes()
        assert gzip.decompress((built.out_dir / f"{fmt.filename}.gz").read_bytes()) == plain


def test_every_triple_dump_parses_to_the_same_graph(
    built: BuildResult, dump_graphs: dict[str, Graph]
) -> None:
    assert set(dump_graphs) == set(RDFLIB_FORMATS)
    graphs = dump_graphs  # each file parsed by rdflib (once per session)
    reference = graphs["lisgraph.nt"]
    assert len(reference) == built.triples > 4000
    for name, graph in graphs.items():
        assert isomorphic(graph, reference), f"{name} differs from the N-Triples dump"


def test_nquads_dump_keeps_one_named_graph_per_source_file(built: BuildResult) -> None:
    quads = ox.parse(path=str(built.out_dir / "lisgraph.nq"), format=ox.RdfFormat.N_QUADS)
    names = {q.graph_name.value for q in quads}
    data_files = sorted((PROJECT_DIR / "data").glob("*.ttl"))
    assert data_files
    for path in data_files:
        assert f"https://w3id.org/lisgraph/graph/{path.stem}" in names
    assert "https://w3id.org/lisgraph/graph/ons-lad-lep-2020" in names
    assert "https://w3id.org/lisgraph/def/lis" in names


def test_build_info_records_the_inputs_date_and_a_version(
    built: BuildResult, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E7: a plain build states when its inputs last changed (the same for a rebuild of the
    same files) and a version made of that date and the inputs' digest."""
    info = BuildDir(built.out_dir).info()
    when = source_date(settings)
    assert info["built"] == when.isoformat()
    assert info["version"] == f"{when:%Y.%m.%d}+{built.inputs_digest[:12]}"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764806400")
    assert source_date(settings) == dt.datetime(2025, 12, 4, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        source_date(settings)


def test_build_info_records_counts(built: BuildResult) -> None:
    info = BuildDir(built.out_dir).info()
    assert info["triples"] == built.triples
    assert info["inputs_digest"] == built.inputs_digest
    assert info["files"]["lisgraph.ttl"] == (built.out_dir / "lisgraph.ttl").stat().st_size
