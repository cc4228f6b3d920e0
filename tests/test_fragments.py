"""``/fragments``: Quad and Triple Pattern Fragments, read back as a Linked Data Fragments client
reads them (the matches apart from the metadata graph, the count, the search form, the page
links), and compared with what SPARQL on the same store answers."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from lisgraph.store.embedded import EmbeddedStore
from lisgraph.web.fragments import COUNT_CAP, PAGE_SIZE

LOCAL = "http://localhost/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
SEMLEP = "https://w3id.org/lisgraph/id/lep/E37000057"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DEFAULT_GRAPH = LOCAL + "data?default"
SEMLEP_GRAPH = "https://w3id.org/lisgraph/graph/seed-000-semlep-lis-page"

Key = tuple[str, str, str, str]


def _key(q: ox.Quad) -> Key:
    graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
    return (str(q.subject), str(q.predicate), str(q.object), graph)


class Page:
    """One fragment page parsed: its data quads, and its metadata by predicate."""

    def __init__(self, url: str, body: bytes, media_type: str) -> None:
        fmt = ox.RdfFormat.from_media_type(media_type)
        assert fmt is not None and fmt.supports_datasets, media_type
        quads = list(ox.parse(body, format=fmt))
        meta = ox.NamedNode(url + "#metadata")
        self.metadata = [q for q in quads if q.graph_name == meta]
        self.data = [q for q in quads if q.graph_name != meta]

    def values(self, subject: str, predicate: str) -> list[str]:
        subject, predicate = str(subject), str(predicate)  # rdflib's terms equal only their kind
        return [
            q.object.value
            for q in self.metadata
            if q.subject.value == subject and q.predicate.value == predicate
        ]

    def one(self, subject: str, predicate: str) -> str:
        found = self.values(subject, predicate)
        assert len(found) == 1, (subject, predicate, found)
        return found[0]


def _get(client: FlaskClient, url: str, accept: str = "application/n-quads") -> Page:
    answer = client.get(url.removeprefix(LOCAL.rstrip("/")), headers={"Accept": accept})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return Page(url, answer.data, answer.mimetype or "")


def _url(**parts: str) -> str:
    return f"{LOCAL}fragments" + ("?" + urlencode(parts, quote_via=quote) if parts else "")


def _all_pages(client: FlaskClient, url: str, accept: str = "application/n-quads") -> list[Key]:
    """Every match, following hydra:next from ``url`` to the last page."""
    found: list[Key] = []
    seen = set()
    while url:
        assert url not in seen, "the pages loop"
        seen.add(url)
        page = _get(client, url, accept)
        assert len(page.data) <= PAGE_SIZE
        found += [_key(q) for q in page.data]
        following = page.values(url, HYDRA + "next")
        url = following[0] if following else ""
    return found


def _sparql(store: EmbeddedStore, where: str) -> list[Key]:
    """What SPARQL on the store finds, as (s, p, o, graph) with graph "" for the default one."""
    rows = store.query(
        f"SELECT ?s ?p ?o ?g WHERE {{ {{ {where} }} UNION {{ GRAPH ?g {{ {where} }} }} }}"
    ).raw
    assert isinstance(rows, ox.QuerySolutions)
    return [
        (str(r["s"]), str(r["p"]), str(r["o"]), "" if r["g"] is None else str(r["g"])) for r in rows
    ]


def test_a_subject_pattern_gives_every_quad_sparql_finds(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    """Default graph (unnamed) and every named graph, as SPARQL sees them, with the count."""
    url = _url(subject=SEMLEP)
    page = _get(client, url)
    got = sorted(_key(q) for q in page.data)
    want = sorted(_sparql(store, f"BIND(<{SEMLEP}> AS ?s) ?s ?p ?o"))
    assert want and got == want
    assert any(g == "" for *_, g in got) and any(g for *_, g in got)  # both kinds of graph
    assert int(page.one(url, VOID.triples)) == len(want)
    assert int(page.one(url, HYDRA + "totalItems")) == len(want)
    assert int(page.one(url, HYDRA + "itemsPerPage")) == PAGE_SIZE
    assert not page.values(url, HYDRA + "next")  # one page holds them
    # the metadata graph is found as Comunica finds it: it is the fragment's primaryTopic
    assert page.one(url + "#metadata", "http://xmlns.com/foaf/0.1/primaryTopic") == url


def test_the_search_form_has_the_quad_pattern_mappings(client: FlaskClient) -> None:
    page = _get(client, _url(), "application/trig")
    dataset = f"{LOCAL}fragments#dataset"
    assert page.one(dataset, str(VOID.subset)) == _url()
    form = [q.object for q in page.metadata if q.predicate.value == HYDRA + "search"]
    assert len(form) == 1
    template = page.one(form[0].value, HYDRA + "template")
    assert template == f"{LOCAL}fragments{{?subject,predicate,object,graph}}"
    mappings = {
        page.one(m, HYDRA + "variable"): page.one(m, HYDRA + "property")
        for m in page.values(form[0].value, HYDRA + "mapping")
    }
    assert mappings == {
        "subject": "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject",
        "predicate": "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate",
        "object": "http://www.w3.org/1999/02/22-rdf-syntax-ns#object",
        "graph": "http://www.w3.org/ns/sparql-service-description#graph",
    }
    assert page.one(dataset, "http://www.w3.org/ns/sparql-service-description#defaultGraph") == (
        DEFAULT_GRAPH
    )


def test_paging_through_a_pattern_gives_each_match_once(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    """rdf:type in the default graph: several pages, linked by next, previous and first."""
    url = _url(predicate=TYPE, graph=DEFAULT_GRAPH)
    got = _all_pages(client, url)
    want = [k for k in _sparql(store, f"BIND(<{TYPE}> AS ?p) ?s ?p ?o") if k[3] == ""]
    assert len(want) > 3 * PAGE_SIZE
    assert sorted(got) == sorted(want)  # each once: no match lost or repeated between pages
    second = _get(client, url + "&page=2")
    assert second.one(url + "&page=2", HYDRA + "previous") == url
    assert second.one(url + "&page=2", HYDRA + "first") == url
    assert int(second.one(url, HYDRA + "totalItems")) == len(want)


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ('"Cumbria LEP"@en', '?s ?p "Cumbria LEP"@en'),
        (
            '"2019-07-19"^^http://www.w3.org/2001/XMLSchema#date',
            '?s ?p "2019-07-19"^^<http://www.w3.org/2001/XMLSchema#date>',
        ),
        (
            '"2019-07-19"^^<http://www.w3.org/2001/XMLSchema#date>',
            '?s ?p "2019-07-19"^^<http://www.w3.org/2001/XMLSchema#date>',
        ),
    ],
)
def test_literal_objects_in_the_explicit_representation(
    client: FlaskClient, store: EmbeddedStore, value: str, where: str
) -> None:
    got = sorted(_all_pages(client, _url(object=value)))
    want = sorted(_sparql(store, f"BIND({where.split(' ', 2)[2]} AS ?o) {where}"))
    assert want and got == want


def test_a_named_graph_and_the_default_graph(client: FlaskClient, store: EmbeddedStore) -> None:
    named = _get(client, _url(subject=SEMLEP, graph=SEMLEP_GRAPH))
    assert named.data and {q.graph_name.value for q in named.data} == {SEMLEP_GRAPH}
    default = _get(client, _url(subject=SEMLEP, graph=DEFAULT_GRAPH))
    assert default.data and all(isinstance(q.graph_name, ox.DefaultGraph) for q in default.data)
    want = [k for k in _sparql(store, f"BIND(<{SEMLEP}> AS ?s) ?s ?p ?o") if k[3] == ""]
    assert sorted(_key(q) for q in default.data) == sorted(want)


def test_a_triple_format_is_a_triple_pattern_fragment_of_the_default_graph(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    url = _url(subject=SEMLEP)
    answer = client.get(url.removeprefix("http://localhost"), headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and answer.mimetype == "text/turtle"
    graph = Graph().parse(data=answer.data, format="turtle")
    template = next(graph.objects(None, URIRef(HYDRA + "template")))
    assert str(template) == f"{LOCAL}fragments{{?subject,predicate,object}}"
    about = {(str(p), o.n3()) for p, o in graph.predicate_objects(URIRef(SEMLEP))}
    want = {
        (k[1].strip("<>"), k[2])
        for k in _sparql(store, f"BIND(<{SEMLEP}> AS ?s) ?s ?p ?o")
        if k[3] == ""
    }
    assert about == want
    assert int(str(next(graph.objects(URIRef(url), VOID.triples)))) == len(want)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("subject=%22a%20literal%22", "subject is an IRI"),
        ("predicate=%22x%22", "predicate is an IRI"),
        ("object=%22unclosed", "does not close"),
        ("object=%22x%22%40", "after its literal"),
        ("subject=not%20an%20iri", "not an IRI"),
        ("page=0", "whole number"),
        ("page=x", "whole number"),
        (f"page={COUNT_CAP // PAGE_SIZE + 1}", "download the dumps"),
    ],
)
def test_bad_patterns_are_refused_with_a_reason(
    client: FlaskClient, query: str, message: str
) -> None:
    answer = client.get("/fragments?" + query, headers={"Accept": "application/n-quads"})
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)


def test_a_hand_typed_url_with_raw_quotes(client: FlaskClient, store: EmbeddedStore) -> None:
    """Quotes and spaces sent as they are typed (curl sends them so) name the same pattern."""
    answer = client.get(
        '/fragments?object="Cumbria LEP"@en', headers={"Accept": "application/n-quads"}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    quads = ox.parse(answer.data, format=ox.RdfFormat.N_QUADS)
    got = sorted(_key(q) for q in quads if q.object == ox.Literal("Cumbria LEP", language="en"))
    assert got and got == sorted(
        _sparql(store, '?s ?p "Cumbria LEP"@en BIND("Cumbria LEP"@en AS ?o)')
    )


def test_the_page_for_people_has_the_form_and_the_matches(client: FlaskClient) -> None:
    answer = client.get(
        "/fragments?" + urlencode({"subject": SEMLEP}), headers={"Accept": "text/html"}
    )
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    text = answer.get_data(as_text=True)
    assert '<form method="get" action="http://localhost/fragments"' in text
    assert f'value="{SEMLEP}"' in text
    assert "South East Midlands" in text  # one of its labels, a match


def test_void_and_the_catalogue_link_the_fragments(client: FlaskClient) -> None:
    void = Graph().parse(
        data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
        format="turtle",
    )
    lookups = list(void.objects(None, VOID.uriLookupEndpoint))
    assert [str(u) for u in lookups] == [f"{LOCAL}fragments?subject="]
    # the lookup endpoint works as VoID says: the URI appended gives its triples
    page = _get(client, str(lookups[0]) + quote(SEMLEP, safe=""))
    assert any(q.subject.value == SEMLEP for q in page.data)
    catalog = Graph().parse(
        data=client.get("/catalog", headers={"Accept": "text/turtle"}).data, format="turtle"
    )
    dcat = "http://www.w3.org/ns/dcat#"
    services = set(catalog.subjects(URIRef(dcat + "endpointURL"), URIRef(f"{LOCAL}fragments")))
    assert len(services) == 1
    spec = URIRef("https://linkeddatafragments.org/specification/quad-pattern-fragments/")
    assert (services.pop(), URIRef("http://purl.org/dc/terms/conformsTo"), spec) in catalog
