"""A store that holds lisgraph's dataset as its own (an Oxigraph store loaded from the store image
alone) is sent no dataset, and a ``GRAPH ?g`` query the two graphs to pass over instead of every
source graph: the answers are the embedded store's all the same. Here the "store" is the image in
an in-memory Oxigraph behind an endpoint that honours the protocol's dataset parameters as a
SPARQL server does; the same through real servers: tests/system/test_oxigraph_replicas.py
(replicas loaded from the image) and test_bulk_load.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from lisgraph.builder import BuildResult
from lisgraph.publish.store_image import write_store_image
from lisgraph.store.connector import Endpoint
from lisgraph.store.embedded import EmbeddedStore
from lisgraph.store.publication import holds_own_dataset, read_publication
from lisgraph.store.remote import RemoteStore, limit_graph_variables

from .helpers import BASE

UNION = BASE + "graph/lisgraph"
QUERIES = sorted((Path(__file__).parent.parent / "lisgraph" / "queries").glob("*.rq"))

GRAPH_QUERIES = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?g WHERE { GRAPH ?g { } }",
    f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{BASE}id/lep/E37000057> ?p ?o }} }}",
    f"ASK {{ GRAPH ?g {{ <{UNION}> ?p ?o }} }}",
    "SELECT ?s ?g WHERE { ?s a ?t OPTIONAL { GRAPH ?g { ?s ?p ?o } } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH $g { ?s ?p ?o } } }",
    f"SELECT * WHERE {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} LIMIT 5",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?g ?h WHERE { GRAPH ?g { ?s ?p ?o GRAPH ?h { ?s ?p ?o } } }",
    "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } }",
]


@dataclass(frozen=True)
class ImageEndpoint(Endpoint):
    """The store image in memory, answering as a SPARQL server: with the dataset the request's
    parameters name, or the store's own (its default graph, every named graph) without any."""

    store: ox.Store = field(default_factory=ox.Store)
    sent: list[list[tuple[str, str]]] = field(default_factory=list)

    def request(
        self,
        *,
        query: str | None = None,
        update: str | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept: str = "application/sparql-results+json",
    ) -> tuple[str, bytes]:
        assert query is not None
        self.sent.append(list(params))
        defaults = [ox.NamedNode(v) for k, v in params if k == "default-graph-uri"]
        named = [ox.NamedNode(v) for k, v in params if k == "named-graph-uri"]
        kwargs = {"default_graph": defaults, "named_graphs": named} if params else {}
        result = self.store.query(query, **kwargs)  # type: ignore[arg-type]
        if isinstance(result, ox.QueryTriples):
            return "application/n-triples", result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        return "application/sparql-results+json", body


@pytest.fixture(scope="module")
def image_store(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    image = write_store_image(built.out_dir, UNION, tmp_path_factory.mktemp("image") / "i.nq")
    store = ox.Store()
    store.bulk_load(path=str(image.path), format=ox.RdfFormat.N_QUADS)
    return store


def _answers(store: object, query: str) -> Counter[str]:
    result = store.query(query)  # type: ignore[attr-defined]
    if result.kind == "boolean":
        return Counter([str(result.raw)])
    if result.kind == "graph":
        return Counter(str(triple) for triple in result.raw)
    return Counter(str(sorted((k, str(v)) for k, v in row.items())) for row in result.rows())


def test_a_store_loaded_from_the_image_holds_the_dataset_as_its_own(image_store: ox.Store) -> None:
    endpoint = ImageEndpoint("http://image.invalid/query", store=image_store)
    publication = read_publication(endpoint, UNION)
    assert holds_own_dataset(endpoint, publication)
    # The record in the default graph, a graph more, or the union missing there: not its own.
    for change in (
        ox.Quad(ox.NamedNode(UNION), ox.NamedNode("http://purl.org/dc/terms/identifier"),
                ox.Literal("x"), ox.DefaultGraph()),
        ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/o"),
                ox.NamedNode("http://x/g")),
    ):  # fmt: skip
        copy = ox.Store()
        copy.extend(image_store)
        copy.add(change)
        assert not holds_own_dataset(ImageEndpoint("http://c.invalid/", store=copy), publication)
    without = ox.Store()
    without.extend(q for q in image_store if q.graph_name != ox.DefaultGraph())
    assert not holds_own_dataset(ImageEndpoint("http://w.invalid/", store=without), publication)


@pytest.mark.parametrize("query", [*GRAPH_QUERIES, *(p.name for p in QUERIES)])
def test_answers_equal_the_embedded_stores_either_way(
    built: BuildResult, image_store: ox.Store, query: str
) -> None:
    text = (Path(__file__).parent.parent / "lisgraph" / "queries" / query).read_text(
        encoding="utf-8"
    ) if query.endswith(".rq") else query  # fmt: skip
    embedded = EmbeddedStore.from_build(built.out_dir)
    endpoint = ImageEndpoint("http://image.invalid/query", store=image_store)
    publication = read_publication(endpoint, UNION)
    expected = _answers(embedded, text)
    for own in (True, False):
        endpoint.sent.clear()
        assert _answers(RemoteStore(endpoint, publication, own_dataset=own), text) == expected
        (params,) = endpoint.sent
        if own:  # no source graph is named (a GRAPH <iri> query names the few it reads)
            assert len(params) <= 3


def test_a_graph_variable_query_is_sent_no_source_graph(image_store: ox.Store) -> None:
    endpoint = ImageEndpoint("http://image.invalid/query", store=image_store)
    publication = read_publication(endpoint, UNION)
    assert len(publication.graphs) > 100
    store = RemoteStore(endpoint, publication, own_dataset=True)
    endpoint.sent.clear()
    store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")
    assert endpoint.sent == [[]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            'SELECT * { ?s ?p ?o GRAPH ?g { ?s ?p "}" } }',
            'SELECT * { ?s ?p ?o { GRAPH ?g { ?s ?p "}" } FILTER(?g NOT IN (<http://u>)) } }',
        ),
        (
            "SELECT * { GRAPH ?g { # }\n} GRAPH $h { } }",
            "SELECT * { { GRAPH ?g { # }\n} FILTER(?g NOT IN (<http://u>)) } "
            "{ GRAPH $h { } FILTER($h NOT IN (<http://u>)) } }",
        ),
        ("SELECT * { GRAPH <http://g> { } GRAPH ?g { } }", None),  # by IRI: sent as named
        (
            "SELECT * { GRAPH ?g # x\n { } }",
            "SELECT * { { GRAPH ?g # x\n { } FILTER(?g NOT IN (<http://u>)) } }",
        ),
        ("SELECT * { GRAPH ?g { ", None),
        ("SELECT * { \\u0047RAPH ?g { } }", None),
    ],
)
def test_graph_variables_are_limited_in_code_only(query: str, expected: str | None) -> None:
    assert limit_graph_variables(query, ["http://u"]) == expected
