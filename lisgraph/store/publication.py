"""Which build a remote store holds: the record ``lisgraph publish`` writes beside the data.

What a remote store holds, as :mod:`lisgraph.publish` writes it::

    <G>                  the merge of all sources (what queries see as the default graph)
    <{base}graph/NAME>   one named graph per source file, as in the embedded store
    <G/publication>      which build is published: its inputs digest and its named graphs
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from ..errors import BuildNotFoundError, LisgraphError, StoreError
from ..sparql_text import iri
from .connector import Endpoint

__all__ = [
    "Publication",
    "default_graph",
    "holds_own_dataset",
    "publication_graph",
    "read_published_digest",
    "read_publication",
]


def default_graph(base: str) -> str:
    """The union graph ``publish`` writes and ``serve --store`` reads unless told otherwise."""
    return f"{base}graph/lisgraph"


def publication_graph(graph: str) -> str:
    """The graph that records which build is published in union graph ``graph``."""
    return f"{graph.rstrip('/')}/publication"


@dataclass(frozen=True)
class Publication:
    """Which build a remote store holds: its union graph, inputs digest and named graphs."""

    graph: str
    digest: str
    graphs: tuple[str, ...]
    built: str | None = None  # the inputs' date (ISO 8601), when the build recorded one


def read_publication(endpoint: Endpoint, graph: str) -> Publication:
    """What ``lisgraph publish`` last wrote to ``graph`` at ``endpoint``.

    Raises BuildNotFoundError when nothing has been published there, StoreError when the store
    cannot be asked.
    """
    # One query (the record is read whole, from one version), its rows small: the digest and
    # date once, then one row a part. Each row repeating them made the answer 2x as long, and
    # reading it most of a front-end's move to a new store at 1M triples (2,826 parts).
    query = (
        f"SELECT ?digest ?built ?part WHERE {{ GRAPH {iri(publication_graph(graph))} {{ "
        f"{{ {iri(graph)} {iri(DCTERMS.identifier)} ?digest "
        f"OPTIONAL {{ {iri(graph)} {iri(DCTERMS.modified)} ?built }} }} "
        f"UNION {{ {iri(graph)} {iri(DCTERMS.hasPart)} ?part }} }} }}"
    )
    _, body = endpoint.request(query=query)
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    digests: set[str] = set()
    parts: set[str] = set()
    built: str | None = None
    for row in solutions:  # type: ignore[union-attr]
        if row["part"] is not None:
            parts.add(row["part"].value)
        elif row["digest"] is not None:
            digests.add(row["digest"].value)
            if row["built"] is not None:
                built = row["built"].value
    if not (digests and parts):
        raise BuildNotFoundError(
            f"Nothing has been published to graph <{graph}> at {endpoint.query_url}: run "
            "'lisgraph publish' first."
        )
    if len(digests) != 1:
        raise StoreError(f"The publication record of <{graph}> names {len(digests)} builds.")
    return Publication(graph, digests.pop(), tuple(sorted(parts)), built)


def read_published_digest(endpoint: Endpoint, graph: str) -> str:
    """The digest of the build published in ``graph`` at ``endpoint``: one short answer,
    however many graphs the record names (a front-end asks it at every poll; the whole record,
    2,826 rows at 1M triples, only when the digest changes).

    Raises BuildNotFoundError when nothing has been published there, StoreError when the store
    cannot be asked or the record names more than one build.
    """
    query = (
        f"SELECT DISTINCT ?digest WHERE {{ GRAPH {iri(publication_graph(graph))} {{ "
        f"{iri(graph)} {iri(DCTERMS.identifier)} ?digest }} }} LIMIT 2"
    )
    _, body = endpoint.request(query=query)
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    digests = [row["digest"].value for row in solutions]  # type: ignore[union-attr]
    if not digests:
        raise BuildNotFoundError(
            f"Nothing has been published to graph <{graph}> at {endpoint.query_url}: run "
            "'lisgraph publish' first."
        )
    if len(digests) != 1:
        raise StoreError(f"The publication record of <{graph}> names {len(digests)} builds.")
    return str(digests[0])


def holds_own_dataset(endpoint: Endpoint, publication: Publication) -> bool:
    """Whether the store at ``endpoint``, asked with no dataset, answers from lisgraph's: its
    named graphs are exactly the published sources, the union graph and the record, and its
    default graph is the union graph's triples (checked by its shape, cheaply at any size: not
    empty, the first triple of each is in the other, and the record is not in it). So holds an
    Oxigraph store loaded from the store image alone (:mod:`lisgraph.publish.store_image`);
    not Virtuoso, whose default graph is then every graph, its own included, nor a store
    ``publish`` loaded over HTTP (its default graph is empty). False too when the store cannot
    say (an error, an answer of another shape).
    """
    graph, record = publication.graph, publication_graph(publication.graph)
    expected = {graph, record, *publication.graphs}
    union = iri(graph)
    shape = (
        "ASK { { SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1 } "
        f"GRAPH {union} {{ ?s ?p ?o }} "
        f"{{ SELECT ?a ?b ?c WHERE {{ GRAPH {union} {{ ?a ?b ?c }} }} LIMIT 1 }} ?a ?b ?c . "
        f"FILTER NOT EXISTS {{ {union} {iri(DCTERMS.identifier)} ?digest }} }}"
    )
    try:
        _, body = endpoint.request(
            query=f"SELECT ?g WHERE {{ GRAPH ?g {{ }} }} LIMIT {len(expected) + 1}"
        )
        named = [row["g"] for row in _solutions(body)]
        if {term.value if term is not None else None for term in named} != expected:
            return False
        _, body = endpoint.request(query=shape)
        answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except (LisgraphError, SyntaxError, ValueError):
        return False
    return isinstance(answer, ox.QueryBoolean) and bool(answer)


def _solutions(body: bytes) -> ox.QuerySolutions:
    """SPARQL JSON results as solutions. Raises SyntaxError when they are not, ValueError for
    a boolean."""
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError("a boolean, not solutions")
    return solutions
