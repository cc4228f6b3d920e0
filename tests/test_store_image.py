"""``lisgraph store-image``: the N-Quads a store holds after ``lisgraph publish`` (the union graph,
one graph per source, the publication record), written for a store's own bulk loader, and the
refusal to load into a store that exists. (Loading it into real stores and serving from them:
``tests/system/test_bulk_load.py``.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from lisgraph.builder import BuildResult
from lisgraph.errors import PublishError
from lisgraph.publish.store_image import check_new_store, write_store_image
from lisgraph.store.publication import publication_graph

from .helpers import BASE

UNION = BASE + "graph/lisgraph"


def test_the_image_holds_what_publish_writes(built: BuildResult, tmp_path: Path) -> None:
    image = write_store_image(built.out_dir, UNION, tmp_path / "image.nq")
    store = ox.Store()
    store.bulk_load(path=str(image.path), format=ox.RdfFormat.N_QUADS)
    assert len(store) == image.quads
    union = ox.NamedNode(UNION)
    assert len(list(store.quads_for_pattern(None, None, None, union))) == built.triples
    # The union once more as the default graph: the store's own dataset is lisgraph's.
    default = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(
        None, None, None, ox.DefaultGraph())}  # fmt: skip
    assert default == {
        (q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, union)
    }
    sources = [g for g in store.named_graphs() if g.value not in (UNION, publication_graph(UNION))]
    assert sources, "the build has source graphs"
    assert image.graphs == len(sources) + 2
    in_sources = sum(len(list(store.quads_for_pattern(None, None, None, g))) for g in sources)
    assert in_sources == built.quads
    record = ox.NamedNode(publication_graph(UNION))
    parts = {
        q.object
        for q in store.quads_for_pattern(
            union, ox.NamedNode("http://purl.org/dc/terms/hasPart"), None, record
        )
    }
    assert parts == set(sources)


def test_a_store_that_exists_is_never_loaded_into(tmp_path: Path) -> None:
    check_new_store(tmp_path / "absent")
    check_new_store(tmp_path)  # empty
    (tmp_path / "data").write_text("a store")
    with pytest.raises(PublishError, match="never into a store that serves reads"):
        check_new_store(tmp_path)


def test_the_command_refuses_before_writing(
    cli: Callable[..., Any], built: BuildResult, tmp_path: Path
) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "CURRENT").write_text("serving")
    image = tmp_path / "image.nq"
    done = cli(
        "store-image", "--build", str(built.out_dir), "--image", str(image),
        "--oxigraph-location", str(tmp_path / "store"),
    )  # fmt: skip
    assert done.returncode == 2
    assert "is not empty" in done.stderr
    assert not image.exists()
