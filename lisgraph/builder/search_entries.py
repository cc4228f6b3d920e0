"""The entries of the search index (:mod:`lisgraph.search_index`), asked of the build's store:
every typed resource with a name, by every name, alternative name and code it has."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..search_index import Entry
from ..vocab import DCTERMS, FOAF, LIS, RDFS, SKOS, lis_namespace, prologue, rebase

__all__ = ["search_entries"]

#: Properties whose values find a resource: names first (the first found is its label).
NAME_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name, SKOS.altLabel)
CODE_PROPERTIES = (SKOS.notation, DCTERMS.identifier)


def _local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def search_entries(merged: bytes, base: str) -> list[Entry]:
    """One entry per named, typed resource of ``merged`` (the N-Triples merge of the build's
    graphs). A resource of several classes is filed under one: the first of the lisgraph
    ontology's classes, else the first by IRI."""
    # Queried in a default graph of its own: asking across hundreds of named graphs (one per
    # source) made this take seconds at 100k triples.
    store = ox.Store()
    store.bulk_load(input=merged, format=ox.RdfFormat.N_TRIPLES)
    codes = [*CODE_PROPERTIES, rebase(str(LIS.gssCode), base)]
    values = " ".join(f"<{p}>" for p in (*NAME_PROPERTIES, *codes))
    rows = store.query(
        prologue(base) + "SELECT ?s ?p ?name ?type ?typeLabel WHERE { ?s a ?type . "
        f"?s ?p ?name VALUES ?p {{ {values} }} FILTER(isLiteral(?name)) "
        "OPTIONAL { ?type rdfs:label ?typeLabel } FILTER(isIRI(?s)) }"
    )
    assert isinstance(rows, ox.QuerySolutions)
    lis_classes = lis_namespace(base)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    types: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        subject, prop, name, type_ = (row[v].value for v in ("s", "p", "name", "type"))
        names[subject][prop].add(name)
        label = row["typeLabel"]
        types[subject][type_] = label.value if label is not None else _local_name(type_)
    order = [str(p) for p in NAME_PROPERTIES]
    entries = []
    for subject, by_property in names.items():
        label = next((min(by_property[p]) for p in order[:4] if by_property.get(p)), None)
        if label is None:  # only alternative names or codes
            label = min(min(v) for v in by_property.values())
        class_iri = min(types[subject], key=lambda t: (not t.startswith(lis_classes), t))
        found = {n for values in by_property.values() for n in values} | {_local_name(subject)}
        entries.append(
            Entry(subject, label, class_iri, types[subject][class_iri], tuple(sorted(found)))
        )
    return entries
