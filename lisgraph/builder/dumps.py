"""Write the published dumps: the same graph in several RDF syntaxes, byte-stable.

Same input, same bytes: N-Triples and N-Quads lines are sorted; Turtle, RDF/XML and JSON-LD
are written from those sorted lines by Oxigraph's parser and serialisers (JSON-LD by
:func:`write_jsonld`, a node object per subject in that order, keys sorted); gzip copies carry no
timestamp or file name; and the checksum file lists files in name order.

Every dump streams to disk, so memory does not grow with the number of dumps, and the gzip
copies are compressed in parallel (zlib works outside Python's global lock).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from ..artifact import (
    CHECKSUM_FILE,
    DUMP_FORMATS,
    JSONLD,
    NQUADS,
    NQUADS_UNION,
    NTRIPLES,
    RDF_XML,
    TURTLE,
)
from ..canonical import sorted_lines
from ..vocab import RDF, XSD, prefixes

__all__ = ["write_dumps", "write_jsonld"]

_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_CHUNK = 1 << 20


class _Compactor:
    """IRIs as compact IRIs (``lis:Project``) where a prefix of the context covers them."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        # Longest namespace first, so the most specific prefix wins.
        self.namespaces = sorted(namespaces.items(), key=lambda item: -len(item[1]))
        self.known: dict[str, str] = {}  # predicates, classes and datatypes recur

    def __call__(self, iri: str) -> str:
        found = self.known.get(iri)
        if found is None:
            found = self.known[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        for prefix, namespace in self.namespaces:
            local = iri[len(namespace) :]
            # JSON-LD reads "p://..." as an absolute IRI, never as prefix p.
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri


def _node_id(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    raise ValueError(f"{term} cannot be a JSON-LD node")  # RDF-star terms are not published


def _jsonld_value(term: Any, compact: _Compactor) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": compact(term.datatype.value)}
    return {"@id": _node_id(term)}


def _jsonld_node(
    subject: ox.NamedNode | ox.BlankNode, triples: Iterable[ox.Triple], compact: _Compactor
) -> dict[str, Any]:
    values: dict[str, list[Any]] = {}
    for triple in triples:
        if triple.predicate.value == _RDF_TYPE and not isinstance(triple.object, ox.Literal):
            values.setdefault("@type", []).append(compact(_node_id(triple.object)))
        else:
            key = compact(triple.predicate.value)
            values.setdefault(key, []).append(_jsonld_value(triple.object, compact))
    node: dict[str, Any] = {"@id": _node_id(subject)}
    for key, items in values.items():  # in the input's order: sorted lines sort the values
        node[key] = items[0] if len(items) == 1 else items
    return node


def write_jsonld(triples: Iterable[ox.Triple], namespaces: dict[str, str], out: BinaryIO) -> None:
    """Write ``triples`` (each subject's triples together, as in sorted N-Triples) as a JSON-LD
    document: the namespaces as its ``@context`` and one node object per subject in
    ``@graph``, a node to a line (compact, so the C encoder writes it)."""
    compact = _Compactor(namespaces)
    context = json.dumps(namespaces, ensure_ascii=False, indent=1, sort_keys=True)
    out.write(b'{\n"@context": ' + context.encode() + b',\n"@graph": [')
    separator = b"\n"
    for subject, group in groupby(triples, key=lambda t: t.subject):
        node = _jsonld_node(subject, group, compact)
        text = json.dumps(node, ensure_ascii=False, sort_keys=True)
        out.write(separator + text.encode("utf-8"))
        separator = b",\n"
    out.write(b"\n]\n}\n")


def _ntriples(path: Path) -> Iterator[ox.Triple]:
    return ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)


def _compress_and_hash(path: Path) -> dict[Path, str]:
    """Write ``path``'s gzip copy beside it (no time stamp, no name: same bytes every time);
    the SHA-256 of both files."""
    gz_path = path.with_name(path.name + ".gz")
    digest = hashlib.sha256()
    with (
        path.open("rb") as source,
        gz_path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            gz.write(chunk)
    return {path: digest.hexdigest(), gz_path: hashlib.sha256(gz_path.read_bytes()).hexdigest()}


def write_dumps(store: ox.Store, union_nt: bytes, base: str, out_dir: Path) -> list[Path]:
    """Write every dump, its gzip copy and the checksum file into ``out_dir`` (which exists).

    ``union_nt`` is the merge of the store's named graphs (:func:`merged_ntriples`). Returns
    the paths written, in name order. Each dump is compressed on a second thread while the
    next one is written.
    """
    namespaces = prefixes(base)
    nt = out_dir / NTRIPLES
    with ThreadPoolExecutor(max_workers=2) as pool:
        compressed = []

        def written(path: Path) -> None:
            compressed.append(pool.submit(_compress_and_hash, path))

        nt.write_bytes(union_nt)
        written(nt)
        nq = out_dir / NQUADS
        quads = sorted_lines(store.dump(format=ox.RdfFormat.N_QUADS) or b"")
        nq.write_bytes(quads)
        written(nq)
        # The merge's N-Triples lines are N-Quads lines in the default graph: the dataset as
        # the endpoint queries it, for clients whose default graph is the unnamed one.
        union = out_dir / NQUADS_UNION
        union.write_bytes(union_nt + quads)
        written(union)
        # Oxigraph writes Turtle and RDF/XML in the sorted input order and keeps every
        # literal's lexical form (rdflib's Turtle rewrote "5000000"^^xsd:decimal as 5000000.0).
        for name, fmt in (
            (TURTLE, ox.RdfFormat.TURTLE),
            (RDF_XML, ox.RdfFormat.RDF_XML),
        ):
            path = out_dir / name
            ox.serialize(_ntriples(nt), output=str(path), format=fmt, prefixes=namespaces)
            written(path)
        jsonld = out_dir / JSONLD
        with jsonld.open("wb") as out:
            write_jsonld(_ntriples(nt), namespaces, out)
        written(jsonld)
        digests = {path: digest for job in compressed for path, digest in job.result().items()}
    assert {p.name for p in digests} >= {f.filename for f in DUMP_FORMATS}
    sums = "".join(f"{digests[p]}  {p.name}\n" for p in sorted(digests))
    checksum = out_dir / CHECKSUM_FILE
    checksum.write_text(sums, encoding="utf-8")
    return sorted([*digests, checksum])
