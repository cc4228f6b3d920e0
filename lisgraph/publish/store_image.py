"""The store image of a build: the N-Quads a store holds once ``lisgraph publish`` has loaded it
(the union graph, one graph per source, the publication record), for a store's own bulk loader
(``oxigraph load``, Virtuoso's ``ld_dir`` and ``rdf_loader_run``): ``lisgraph store-image``.

The union graph's triples are written a second time as triples of the default graph, so that a
store holding the image alone (Oxigraph) answers from lisgraph's dataset with no dataset named
in the request: the default graph is the union graph, and its named graphs are the sources, the
union graph and the record. A front-end that finds a store so (:func:`~lisgraph.store.
publication.holds_own_dataset`) sends a ``GRAPH`` query none of the thousands of
``named-graph-uri`` parameters the 1M build would need. Virtuoso's ``ld_dir`` puts default-graph
triples in the graph it is given, and would hold each geometry of the union twice there (it
stores a ``geo:wktLiteral`` as a new geometry each time): ``--no-default-graph`` leaves them out.

At 1M triples, image and loader took 11.3 s into Virtuoso (packaged ini) and 25.8 s into
Oxigraph, where ``publish`` over HTTP took 36 s and 41 s (``bench/RESULTS.md``;
before issue 26, 806 s and 667 s), and a new store is read by nobody until the front-ends are
pointed at it: the old version keeps serving, whole, meanwhile.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..artifact import BuildDir
from ..errors import BuildWriteError, PublishError
from . import _graphs_of  # the one definition of what a publish writes
from .gsp_client import as_quads

__all__ = [
    "StoreImage",
    "check_new_store",
    "load_into_oxigraph",
    "load_into_virtuoso",
    "write_store_image",
]


@dataclass(frozen=True)
class StoreImage:
    """Where the image was written, and how many quads and graphs it holds."""

    path: Path
    quads: int
    graphs: int


def write_store_image(
    build_dir: Path, graph: str, out: Path, *, union_as_default: bool = True
) -> StoreImage:
    """Write the image of the build in ``build_dir``, published as ``graph``, to ``out`` (with
    the union graph's triples again in the default graph, unless ``union_as_default`` is false).

    Raises StoreError when the build has blank nodes (as ``publish`` does), BuildNotFoundError
    when ``build_dir`` holds no finished build, BuildWriteError when ``out`` cannot be written.
    """
    digest = str(BuildDir(build_dir).info()["inputs_digest"])
    graphs = _graphs_of(build_dir, graph, digest)
    quads = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as image:
            for name, lines in graphs.items():
                image.write(as_quads(lines, name))
                quads += len(lines)
            for line in graphs[graph] if union_as_default else ():  # the union again
                image.write(line.rstrip().removesuffix(b".").rstrip() + b" .\n")
                quads += 1
    except OSError as exc:
        raise BuildWriteError(f"The store image {out} could not be written: {exc}") from exc
    return StoreImage(out, quads, len(graphs))


def check_new_store(location: Path) -> None:
    """Raise PublishError unless ``location`` is free for a new store (absent, or empty)."""
    if location.exists() and (not location.is_dir() or any(location.iterdir())):
        raise PublishError(
            f"{location} is not empty: load each version into a new directory, never into a "
            "store that serves reads."
        )


def load_into_oxigraph(image: Path, location: Path, oxigraph: str | None = None) -> float:
    """Load ``image`` into a new Oxigraph store at ``location`` with Oxigraph's bulk loader
    (``oxigraph load``), for ``oxigraph serve-read-only`` (or ``serve``) to serve it; the
    seconds it took.

    The store must be new: a store that serves reads is never written to (blue/green: start a
    server on the new directory, point the front-ends at it, then retire the old one).
    Raises PublishError when ``location`` exists and is not empty, when the ``oxigraph``
    command is not found, or when it fails.
    """
    command = oxigraph or shutil.which("oxigraph") or _beside_python("oxigraph")
    if command is None:
        raise PublishError(
            "The 'oxigraph' command (Oxigraph server: pip install oxigraph) is not found; "
            "load the image with it yourself, or give its path."
        )
    check_new_store(location)
    location.parent.mkdir(parents=True, exist_ok=True)  # oxigraph makes only the last level
    began = time.monotonic()
    done = subprocess.run(
        [command, "load", "--location", str(location), "--file", str(image)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        said = done.stderr.strip().split("\n\nStack backtrace:")[0]  # its message, not its stack
        raise PublishError(
            f"'oxigraph load' failed to load {image} into {location} (exit {done.returncode}): "
            f"{said[-1000:]}"
        )
    return time.monotonic() - began


def load_into_virtuoso(
    image: Path, address: str, graph: str, user: str, password: str, isql: str | None = None
) -> float:
    """Load ``image`` into the Virtuoso whose SQL port is ``address`` (``HOST:PORT``, on this
    host: its bulk loader reads the file itself, so the image's directory must be in the
    store's ``[Parameters] DirsAllowed``) with its bulk loader: ``ld_dir``, ``rdf_loader_run``,
    ``checkpoint``, through Virtuoso's ``isql`` as ``user``; the seconds it took.

    The store must be new (no triple in ``graph``, the union graph): a store that serves reads
    is never written to. The image must hold no default graph (``ld_dir`` would put it in the
    graph it is given). Raises PublishError when ``isql`` is not found, the sign-in or a
    statement fails, the store is not new, or the loader records an error for the file.
    """
    command = isql or shutil.which("isql-vt") or shutil.which("isql")
    if command is None:
        raise PublishError(
            "Virtuoso's 'isql' command (Debian: virtuoso-opensource, as isql-vt) is not found; "
            "load the image with it yourself, or give its path."
        )
    image = image.resolve()

    def sql(statement: str) -> str:
        done = subprocess.run(
            [command, address, user, password, f"exec={statement}"],
            capture_output=True,
            text=True,
            check=False,
        )
        said = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in said:
            error = said[said.find("*** Error") :] if "*** Error" in said else said[-1000:]
            raise PublishError(
                f"Virtuoso at {address} refused {statement.split('(')[0].strip()!r}: "
                f"{' '.join(error.split())[:1000]}"
            )
        return done.stdout

    held = sql(
        "SELECT 'lisgraph-count', COUNT(*) FROM DB.DBA.RDF_QUAD "
        f"WHERE G = iri_to_id('{_sql_text(graph)}', 0);"
    )
    found = re.search(r"lisgraph-count\s+(\d+)", held)
    if found is None or int(found.group(1)) != 0:
        raise PublishError(
            f"The Virtuoso at {address} already holds <{graph}>: load each version into a new "
            "store, never into one that serves reads."
        )
    began = time.monotonic()
    folder, name = _sql_text(str(image.parent)), _sql_text(image.name)
    sql(f"ld_dir('{folder}', '{name}', 'urn:lisgraph:none');")
    sql("rdf_loader_run();")
    sql("checkpoint;")
    errors = sql(
        "SELECT 'lisgraph-error', ll_error FROM DB.DBA.LOAD_LIST "
        f"WHERE ll_file = '{_sql_text(str(image))}' AND ll_error IS NOT NULL;"
    )
    if "lisgraph-error" in errors:
        raise PublishError(
            f"Virtuoso's bulk loader failed on {image}: "
            f"{' '.join(errors[errors.find('lisgraph-error') :].split())[:1000]}"
        )
    return time.monotonic() - began


def _sql_text(text: str) -> str:
    """``text`` inside a SQL string literal."""
    return text.replace("'", "''")


def _beside_python(name: str) -> str | None:
    """A command installed in the same virtual environment as this Python."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else None
