"""What a build measures of its own quality, recorded in build.json under ``quality``.

Three measurements that only the build can make, each refreshed by every build (the catalogue
publishes them in DQV, with the completeness of its own metadata:
:mod:`lisgraph.web.catalogue_quality`):

- ``shacl``: the results of validating the data against its shapes, by severity (a published
  build has no ``Violation``; ``Warning`` and ``Info`` do not block it). Only for a build that
  was validated: a mirror of a remote store records none.
- ``links``: the IRIs under the base IRI that the data uses as objects, and those of them it
  says nothing about (no triple has them as subject in any graph): links that lead nowhere.
- ``dumps``: the files ``SHA256SUMS`` lists, those present in the build, and those whose bytes
  have the digest it names, read back after writing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pyoxigraph as ox

from ..artifact import BuildDir
from ..errors import Violation
from ..sparql_text import string
from ..vocab import OWL

__all__ = ["SEVERITIES", "dangling_links", "dumps_checked", "measure"]

SEVERITIES = ("Violation", "Warning", "Info")
_VERSIONS = f"<{OWL}versionIRI>, <{OWL}priorVersion>"
#: How many dangling IRIs build.json names (the count is of all).
EXAMPLES = 20


def measure(
    store: ox.Store, base: str, build_dir: BuildDir, results: list[Violation] | None
) -> dict[str, Any]:
    """The build's measurements of itself (see the module's docstring); ``results`` are the
    SHACL results that did not block the build, or None when it was not validated."""
    quality: dict[str, Any] = {
        "links": dangling_links(store, base),
        "dumps": dumps_checked(build_dir),
    }
    if results is not None:
        counted = Counter(r.severity for r in results)
        quality["shacl"] = {severity: counted.get(severity, 0) for severity in SEVERITIES}
    return quality


def dangling_links(store: ox.Store, base: str) -> dict[str, Any]:
    """The distinct IRIs under ``base`` used as objects in ``store``'s graphs (``links``), how
    many of them are the subject of no triple in any graph (``dangling``), and the first
    :data:`EXAMPLES` of those by IRI. An ontology's version IRIs (``owl:versionIRI``,
    ``owl:priorVersion``) are not counted: each names a version of an ontology document
    the data describes, and the server answers it with that version."""
    objects = (
        "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), {string(base)}) && ?p NOT IN ({_VERSIONS})) }}"
    )
    links = sum(1 for _ in _solutions(store, objects))
    unsaid = (
        f"SELECT ?o WHERE {{ {{ {objects} }} FILTER NOT EXISTS {{ GRAPH ?h {{ ?o ?q ?x }} }} }}"
    )
    dangling = sorted(row["o"].value for row in _solutions(store, unsaid))
    return {"links": links, "dangling": len(dangling), "examples": dangling[:EXAMPLES]}


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    found = store.query(query)
    assert isinstance(found, ox.QuerySolutions)
    return found


def dumps_checked(build_dir: BuildDir) -> dict[str, int]:
    """Of the files the checksum file lists: how many (``listed``), how many are in the build
    (``present``) and how many have the bytes their digest names (``matching``)."""
    listed = build_dir.checksums()
    present = matching = 0
    for name, digest in listed.items():
        path = build_dir.file(name)
        if not path.is_file():
            continue
        present += 1
        with path.open("rb") as file:
            if hashlib.file_digest(file, "sha256").hexdigest() == digest:
                matching += 1
    return {"listed": len(listed), "present": present, "matching": matching}
