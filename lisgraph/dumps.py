"""Write the published dumps: the same graph in several RDF syntaxes, byte-stable.

Same input, same bytes: N-Triples and N-Quads lines are sorted, the rdflib serialisations are
made from a graph filled in sorted order, JSON-LD nodes are sorted by ``@id``, gzip copies carry
no timestamp or file name, and the checksum file lists files in name order.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Namespace

from .loading import sorted_lines
from .namespaces import prefixes

__all__ = ["DUMP_FORMATS", "CHECKSUM_FILE", "DumpFormat", "write_dumps"]

CHECKSUM_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class DumpFormat:
    """One dump: its file name, media type and a human name."""

    filename: str
    media_type: str
    name: str


#: Every dump the build writes (each also as ``filename + ".gz"``).
DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("lisgraph.ttl", "text/turtle", "Turtle"),
    DumpFormat("lisgraph.nt", "application/n-triples", "N-Triples"),
    DumpFormat("lisgraph.jsonld", "application/ld+json", "JSON-LD"),
    DumpFormat("lisgraph.rdf", "application/rdf+xml", "RDF/XML"),
    DumpFormat(
        "lisgraph.nq", "application/n-quads", "N-Quads (with one named graph per source file)"
    ),
)


def _canonical_jsonld(text: str) -> bytes:
    doc = json.loads(text)
    nodes = doc if isinstance(doc, list) else doc.get("@graph", [doc])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    nodes.sort(key=lambda n: n.get("@id", ""))
    out = {"@context": doc.get("@context", {}), "@graph": nodes} if isinstance(doc, dict) else nodes
    return (json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _oxigraph_serialize(ntriples: bytes, fmt: ox.RdfFormat, base: str) -> bytes:
    triples = ox.parse(input=ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=fmt, prefixes=prefixes(base)) or b""


def write_dumps(
    store: ox.Store, union_nt: bytes, graph: Graph, base: str, out_dir: Path
) -> list[Path]:
    """Write every dump, its gzip copy and the checksum file into ``out_dir`` (which exists).

    ``union_nt`` is the merge of the store's named graphs (:func:`merged_ntriples`) and
    ``graph`` the same triples in rdflib. Returns the paths written, in name order.
    """
    quads = sorted_lines(store.dump(format=ox.RdfFormat.N_QUADS) or b"")
    for prefix, namespace in prefixes(base).items():
        graph.bind(prefix, Namespace(namespace), replace=True)

    contents: dict[str, bytes] = {
        "lisgraph.nt": union_nt,
        "lisgraph.nq": quads,
        # Oxigraph writes Turtle and RDF/XML in the sorted input order and keeps every literal's
        # lexical form. rdflib's RDF/XML follows hash order, and its Turtle rewrites
        # "5000000"^^xsd:decimal as 5000000.0, which is another literal.
        "lisgraph.ttl": _oxigraph_serialize(union_nt, ox.RdfFormat.TURTLE, base),
        "lisgraph.rdf": _oxigraph_serialize(union_nt, ox.RdfFormat.RDF_XML, base),
        "lisgraph.jsonld": _canonical_jsonld(
            graph.serialize(format="json-ld", context=prefixes(base))
        ),
    }
    written: list[Path] = []
    for name, data in contents.items():
        path = out_dir / name
        path.write_bytes(data)
        gz_path = out_dir / f"{name}.gz"
        with (
            gz_path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(data)
        written += [path, gz_path]
    written.sort()
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in written)
    checksum = out_dir / CHECKSUM_FILE
    checksum.write_text(sums, encoding="utf-8")
    return sorted([*written, checksum])
