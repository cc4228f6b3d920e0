"""How ``lisgraph publish`` adapts its batches to a store, against a fake store in this process
that refuses requests the ways real stores do (Virtuoso's SP031, HTTP 413, a timeout). The real
stores are in ``tests/system/`` (``test_packaged_virtuoso.py``, ``test_oxigraph_store.py``)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest

from lisgraph.errors import QueryError, QueryTimeoutError, StoreError
from lisgraph.publish import gsp_client
from lisgraph.publish.gsp_client import _conventional_url
from lisgraph.publish.loader import Loader, Progress
from lisgraph.store.connector import Endpoint, too_large

SP031 = (
    "The SPARQL store rejected the query: QueryBadFormed: A bad request has been sent to the "
    "endpoint.\n\nResponse:\nb'Virtuoso 37000 Error SP031: SPARQL: Internal error: The length "
    "of generated SQL text has exceeded 10000 lines of code  SPARQL query: INSERT DATA { ... }'"
)


@dataclass(frozen=True)
class FakeStore(Endpoint):
    """Accepts an INSERT DATA of up to ``limit`` triples; refuses more with ``refusal``."""

    limit: int = 1000
    refusal: str = "sp031"
    answers: bool = True
    moves_limit: int = 1000
    received: list[int] = field(default_factory=list)
    triples: set[str] = field(default_factory=set)
    switches: list[list[str]] = field(default_factory=list)

    def request(
        self,
        *,
        query: str | None = None,
        update: str | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept: str = "application/sparql-results+json",
    ) -> tuple[str, bytes]:
        if query is not None:
            if not self.answers:
                raise StoreError("Cannot reach the SPARQL store at http://fake/: refused.")
            return accept, b"{}"
        assert update is not None
        if update.startswith(("MOVE", "DROP")):
            moves = [op.split()[2] for op in update.split(" ;\n") if op.startswith("MOVE")]
            if len(moves) > self.moves_limit:
                raise StoreError(
                    "The SPARQL store at http://fake/ failed: EndPointInternalError: ... "
                    "\n\nResponse:\nb'Virtuoso ..... Error SQ200: Query too large, variables in "
                    "state over the limit  SPARQL query: MOVE SILENT ..."
                )
            self.switches.append(moves)
            return "text/plain", b""
        lines = [line for line in update.splitlines() if line.endswith(" .")]
        if len(lines) > self.limit:
            if self.refusal == "sp031":
                raise QueryError(SP031)
            if self.refusal == "413":
                raise StoreError("The SPARQL store at http://fake/ answered HTTP 413.")
            if self.refusal == "timeout":
                raise QueryTimeoutError("The SPARQL store did not answer within 60 seconds.")
            raise QueryError("The SPARQL store rejected the query: syntax error at line 1.")
        self.received.append(len(lines))
        self.triples.update(lines)
        return "text/plain", b""


def _lines(n: int) -> list[bytes]:
    return [f"<urn:s{i}> <urn:p> <urn:o> .".encode() for i in range(n)]


def _load(
    store: FakeStore,
    lines: list[bytes],
    batch_size: int = 2000,
    min_batch_size: int = 50,
    retries: int = 3,
) -> Loader:
    loader = Loader(
        store, batch_size=batch_size, pause=0, min_batch_size=min_batch_size, retries=retries
    )
    loader.load([("urn:staging", "urn:graph", lines)], lambda n, graph: None)
    return loader


@pytest.mark.parametrize("refusal", ["sp031", "413", "timeout"])
def test_a_batch_too_large_is_split_and_the_size_that_worked_is_kept(refusal: str) -> None:
    store = FakeStore("http://fake/", limit=1000, refusal=refusal)
    loader = _load(store, _lines(4500))
    assert len(store.triples) == 4500
    assert [(s.size, s.next_size) for s in loader.splits] == [(2000, 1000)]
    assert store.received == [1000, 1000, 1000, 1000, 500]  # 1000 from the first refusal on
    assert loader.batch_size == 1000
    if refusal == "sp031":
        assert loader.splits[0].reason == (
            "Virtuoso 37000 Error SP031: SPARQL: Internal error: The length of generated SQL "
            "text has exceeded 10000 lines of code"
        )


def test_splitting_goes_on_down_to_the_floor_then_fails_naming_the_setting() -> None:
    store = FakeStore("http://fake/", limit=10)
    with pytest.raises(StoreError) as failed:
        _load(store, _lines(300), min_batch_size=50)
    message = str(failed.value)
    assert "refused a batch of 50 triples of <urn:graph>" in message
    assert "--min-batch-size" in message and "SP031" in message
    assert "the old version is still published" in message
    assert store.received == []


def test_a_timeout_when_the_store_no_longer_answers_is_retried_not_split() -> None:
    store = FakeStore("http://fake/", limit=10, refusal="timeout", answers=False)
    with pytest.raises(StoreError, match="failed after 3 attempts"):
        _load(store, _lines(100), retries=2)


def test_a_bad_request_is_neither_split_nor_retried() -> None:
    store = FakeStore("http://fake/", limit=10, refusal="syntax")
    loader = Loader(store, batch_size=100, pause=0)
    with pytest.raises(QueryError, match="syntax error"):
        loader.load([("urn:staging", "urn:graph", _lines(100))], lambda n, graph: None)
    assert loader.requests == 1 and loader.splits == []


def test_batches_span_small_graphs_and_progress_follows_every_batch() -> None:
    store = FakeStore("http://fake/", limit=1000)
    sent: list[tuple[int, int]] = []
    graphs = [(f"urn:s{n}", f"urn:g{n}", _lines(300)) for n in range(4)] + [("urn:e", "urn:e", [])]
    Loader(store, batch_size=500, pause=0).load(graphs, lambda n, g: sent.append((n, g)))
    assert store.received == [500, 500, 200]
    assert sent == [(500, 2), (500, 4), (200, 5)]


def test_what_counts_as_too_large() -> None:
    assert too_large(QueryError(SP031))
    assert too_large(StoreError("The SPARQL store at http://x/ answered HTTP 413."))
    assert too_large(StoreError("The graph store said: Request Entity Too Large"))
    assert too_large(QueryTimeoutError("did not answer within 1 seconds"))
    assert too_large(StoreError("Virtuoso S1T00 Error SR171: Transaction timed out"))
    assert too_large(StoreError("Virtuoso 40005 Error SR325: Transaction aborted because"))
    assert too_large(StoreError("Cannot reach the SPARQL store at http://x/: refused.")) is None
    assert too_large(StoreError("refused lisgraph's credentials (HTTP 401)")) is None


@pytest.mark.parametrize(
    ("product", "update", "graph_store"),
    [
        ("virtuoso", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud"),
        ("virtuoso", "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth"),
        ("virtuoso", "http://h:8890/sparql/", "http://h:8890/sparql-graph-crud"),
        ("oxigraph", "http://h:7878/update", "http://h:7878/store"),
        ("oxigraph", "http://h:7878/sparql", "http://h:7878/store"),
    ],
)
def test_where_known_stores_offer_the_graph_store_protocol(
    product: str, update: str, graph_store: str
) -> None:
    assert _conventional_url(product, update) == graph_store


def test_the_progress_line(capsys: pytest.CaptureFixture[str]) -> None:
    from lisgraph.cli import _progress_line

    _progress_line(Progress(2, 19, 7, 12000, 48000, 3.0, 1000, "SPARQL Update at x"))
    line = capsys.readouterr().err
    assert re.fullmatch(
        r"\rpublish: graph 2/19, batch 7, 12,000/48,000 triples \(25%\), 4,000 triples/s, "
        r"1,000 per batch\x1b\[K",
        line,
    )


def test_a_switch_too_large_for_one_request_moves_the_union_and_record_last() -> None:
    store = FakeStore("http://fake/", moves_limit=4)
    loader = Loader(store, batch_size=100, pause=0)
    moves = [(f"urn:stage/{n}", f"urn:graph/{n}") for n in range(10)]
    loader.switch(moves, [])
    assert sorted(m for chunk in store.switches for m in chunk) == sorted(
        f"<{s}>" for s, _ in moves
    )
    assert all(len(chunk) <= 4 for chunk in store.switches)
    assert {"<urn:stage/0>", "<urn:stage/9>"} <= set(store.switches[-1])
    assert "<urn:stage/0>" not in {m for chunk in store.switches[:-1] for m in chunk}
    (note,) = loader.notes
    assert "refused to switch 10 graphs in one request (Virtuoso ..... Error SQ200" in note
    assert re.search(r"may have seen both versions for the \d+\.\d s that took", note)


def test_a_switch_that_fits_is_one_request() -> None:
    store = FakeStore("http://fake/")
    loader = Loader(store, batch_size=100, pause=0)
    loader.switch([(f"urn:stage/{n}", f"urn:graph/{n}") for n in range(10)], ["urn:old"])
    assert len(store.switches) == 1 and loader.notes == []


def _graphs(count: int, size: int) -> list[tuple[str, str, list[bytes]]]:
    return [
        (
            f"urn:g{g}",
            f"urn:g{g}",
            [f"<urn:s{g}-{i}> <urn:p> <urn:o> .".encode() for i in range(size)],
        )
        for g in range(count)
    ]


def test_graph_store_batches_go_several_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four POSTs are in the store at once: each waits at a barrier for the other three, which
    a loader sending one at a time never reaches (the barrier then breaks, and the load fails)."""
    barrier = threading.Barrier(4, timeout=30)
    posted: dict[str, bytes] = {}

    def post(endpoint: Endpoint, url: str, graph: str, body: bytes) -> None:
        barrier.wait()
        posted[graph] = body

    monkeypatch.setattr(gsp_client, "post", post)
    loader = Loader(Endpoint("http://fake/"), 100, graph_store_url="http://fake/gs", parallel=4)
    sent: list[int] = []
    loader.load(_graphs(8, 30), lambda n, g: sent.append(n))
    assert sorted(posted) == [f"urn:g{g}" for g in range(8)]
    assert posted["urn:g3"].count(b"\n") == 30 and sum(sent) == 240
    assert loader.requests == 8


def test_a_refused_batch_among_parallel_ones_is_halved_and_nothing_is_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received: list[bytes] = []
    lock = threading.Lock()

    def post(endpoint: Endpoint, url: str, graph: str, body: bytes) -> None:
        lines = body.splitlines()
        if len(lines) > 40:
            raise StoreError("The graph store at http://fake/gs answered HTTP 413 for it.")
        with lock:
            received.extend(lines)

    monkeypatch.setattr(gsp_client, "post", post)
    loader = Loader(
        Endpoint("http://fake/"),
        100,
        min_batch_size=10,
        graph_store_url="http://fake/gs",
        parallel=3,
    )
    graphs = _graphs(5, 70)
    loader.load(graphs, lambda n, g: None)
    assert sorted(received) == sorted(line for _, _, lines in graphs for line in lines)
    assert loader.batch_size <= 40 and loader.splits and loader.splits[0].size == 70


def test_quads_go_many_graphs_a_request_each_quad_in_its_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bodies: list[bytes] = []
    monkeypatch.setattr(gsp_client, "post_quads", lambda e, url, body: bodies.append(body))
    monkeypatch.setattr(gsp_client, "post", lambda *a: pytest.fail("one graph a request"))
    loader = Loader(Endpoint("http://fake/"), 500, graph_store_url="http://fake/gs", quads=True)
    loader.load([(f"urn:stage{g}", f"urn:g{g}", lines) for g, (_, _, lines) in
                 enumerate(_graphs(4, 300))], lambda n, g: None)  # fmt: skip
    assert [body.count(b"\n") for body in bodies] == [500, 500, 200]
    quads = ox.Dataset(ox.parse(b"".join(bodies), ox.RdfFormat.N_QUADS))
    assert len(quads) == 1200
    assert {q.graph_name.value for q in quads} == {f"urn:stage{g}" for g in range(4)}
    assert ox.Quad(ox.NamedNode("urn:s2-7"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"),
                   ox.NamedNode("urn:stage2")) in quads  # fmt: skip
    assert "N-Quads" in loader.method


def test_as_quads_puts_each_triple_in_the_graph() -> None:
    lines = [b'<urn:s> <urn:p> "a . b" .', b"<urn:s> <urn:p> <urn:o>  . "]
    assert gsp_client.as_quads(lines, "urn:g") == (
        b'<urn:s> <urn:p> "a . b" <urn:g> .\n<urn:s> <urn:p> <urn:o> <urn:g> .\n'
    )
