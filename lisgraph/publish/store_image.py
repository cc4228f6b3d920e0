"""The store image of a build: the N-Quads a store holds once ``lisgraph publish`` has loaded it
(the union graph, one graph per source, the publication record), for a store's own bulk loader
(``oxigraph load``, Virtuoso's ``ld_dir`` and ``rdf_loader_run``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..artifact import BuildDir
from ..sparql_text import iri
from . import _graphs_of  # the one definition of what a publish writes

__all__ = ["StoreImage", "write_store_image"]


@dataclass(frozen=True)
class StoreImage:
    """Where the image was written, and how many quads and graphs it holds."""

    path: Path
    quads: int
    graphs: int


def write_store_image(build_dir: Path, graph: str, out: Path) -> StoreImage:
    """Write the image of the build in ``build_dir``, published as ``graph``, to ``out``.

    Raises StoreError when the build has blank nodes (as ``publish`` does), BuildNotFoundError
    when ``build_dir`` holds no finished build.
    """
    digest = str(BuildDir(build_dir).info()["inputs_digest"])
    graphs = _graphs_of(build_dir, graph, digest)
    quads = 0
    with out.open("wb") as image:
        for name, lines in graphs.items():
            tail = b" " + iri(name).encode("utf-8") + b" .\n"
            for line in lines:
                image.write(line.rstrip().removesuffix(b".").rstrip() + tail)
                quads += 1
    return StoreImage(out, quads, len(graphs))
