"""lisgraph over a real store: ``lisgraph publish`` loads it, ``lisgraph serve --store`` serves
from it, and answers match the embedded store's. Also what happens when the store is down, dies
mid-publish, is slow, or refuses the credentials.

Here the store is Virtuoso (``remote_store``, and ``remote_server`` in front of it, from
``conftest.py``); ``test_oxigraph_store.py`` runs every test of this module that takes a
``remote_store``, ``remote_server``, ``new_store`` or ``own_store`` again, with Oxigraph server
instead. The shared store is published to once, by ``remote_server``, before anyone reads it;
a test that publishes again does so into a store of its own (``own_store``), started for it."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.stores.server import StoreFactory, StoreServer
from bench.stores.virtuoso import Virtuoso
from lisgraph.builder import BuildResult
from lisgraph.errors import QueryTimeoutError
from lisgraph.queries import QUERY_DIR
from lisgraph.store.connector import Endpoint
from lisgraph.store.embedded import EmbeddedStore
from lisgraph.store.publication import publication_graph
from lisgraph.vocab import VOID

from ..helpers import BASE, free_port, run_lisgraph, start_server, stop_server
from .conftest import STORE_CREDENTIALS

UNION = BASE + "graph/lisgraph"
COMPETENCY = sorted(QUERY_DIR.glob("*.rq"))


@pytest.fixture(scope="session")
def remote_store(virtuoso: Virtuoso) -> StoreServer:
    """The store the session's build is published to (and ``remote_server`` serves from)."""
    return virtuoso


@pytest.fixture(scope="session")
def new_store() -> StoreFactory:
    """How to make another store of the same kind, with an empty database in a directory."""
    return Virtuoso


def _csv(server: str, query: str, **params: str) -> str:
    response = requests.post(
        server + "sparql",
        data={"query": query, **params},
        headers={"Accept": "text/csv"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("path", COMPETENCY, ids=lambda p: p.stem)
def test_competency_answers_match_the_embedded_store(
    path: Path, server: str, remote_server: str
) -> None:
    assert COMPETENCY, "the competency questions are found"
    query = path.read_text(encoding="utf-8")
    remote = _csv(remote_server, query)
    assert remote.count("\n") > 1, "the competency question has an answer"
    assert remote == _csv(server, query)


def test_publish_loaded_every_triple(
    remote_store: StoreServer, built: BuildResult, remote_server: str
) -> None:
    store = EmbeddedStore.from_build(built.out_dir)
    assert remote_store.count(UNION) == built.triples == store.triple_count()
    graphs = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    rows = graphs.rows()
    assert rows, "the build has named graphs"
    for row in rows:
        assert remote_store.count(row["g"].value) == int(row["n"].value)


def test_dumps_are_the_same_bytes(server: str, remote_server: str) -> None:
    embedded = requests.get(server + "downloads/SHA256SUMS", timeout=30)
    remote = requests.get(remote_server + "downloads/SHA256SUMS", timeout=30)
    assert embedded.status_code == remote.status_code == 200
    assert remote.text == embedded.text
    turtle = requests.get(remote_server + "downloads/lisgraph.ttl", timeout=30)
    assert turtle.content == requests.get(server + "downloads/lisgraph.ttl", timeout=30).content


@pytest.mark.parametrize(
    "path",
    ["id/lep/E37000057", "def/lis", "graph/seed-003-south-east-lep", ".well-known/void"],
)
def test_pages_match_the_embedded_store(path: str, server: str, remote_server: str) -> None:
    accept = {"Accept": "application/n-triples"}
    embedded = requests.get(server + path, headers=accept, timeout=30)
    remote = requests.get(remote_server + path, headers=accept, timeout=30)
    assert embedded.status_code == remote.status_code == 200
    lines = set(remote.text.replace(remote_server, server).splitlines())
    expected = set(embedded.text.splitlines())
    if path == ".well-known/void":  # /fragments reads the embedded store's index: VoID says so
        lookup = f"<{VOID}uriLookupEndpoint> <{server}fragments?subject=>"
        offered = {line for line in expected if lookup in line}
        assert len(offered) == 1 and not any(lookup in line for line in lines)
        expected -= offered
    assert lines == expected


def test_store_holding_other_data_answers_from_ours_only(
    remote_store: StoreServer, server: str, remote_server: str
) -> None:
    other = "http://example.org/other-data"
    remote_store.write(f"INSERT DATA {{ GRAPH <{other}> {{ <{other}#x> a <{other}#Thing> }} }}")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _csv(remote_server, count) == _csv(server, count)
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    assert _csv(remote_server, graphs) == _csv(server, graphs)
    assert other not in _csv(remote_server, f"SELECT * FROM <{other}> WHERE {{ ?s ?p ?o }}")
    assert other not in _csv(remote_server, count, **{"default-graph-uri": other})


def test_graph_store_protocol_and_new_version_reaches_every_front_end(
    own_store: StoreServer, built: BuildResult, tmp_path: Path
) -> None:
    """Two front-ends over one store agree, and both switch to a newly published version
    (loaded first through the Graph Store Protocol, then by SPARQL Update, ``--in-place``: into
    the store they read) while they read."""
    remote_store = own_store
    graph = BASE + "graph/test-versions"
    first = run_lisgraph(
        "publish", *remote_store.publish_args("explicit"), "--graph", graph,
        "--out", str(built.out_dir), "--batch-size", "500", env=remote_store.env,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr + remote_store.log()
    assert "by Graph Store Protocol at" in first.stdout
    assert remote_store.count(graph) == built.triples
    env = {"LISGRAPH_STORE_POLL_SECONDS": "0.5"}
    fronts = [
        start_server(
            built.out_dir, "--workers", "2", "--store", remote_store.query_url, "--graph", graph,
            env={**env, "LISGRAPH_MIRROR_DIR": str(tmp_path / f"mirror-{n}")},
            log=tmp_path / f"serve-{n}.log",
        )
        for n in (1, 2)
    ]  # fmt: skip
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert {_csv(url, count) for _, url in fronts} == {f"n\r\n{built.triples}\r\n"}
        sums = {requests.get(url + "downloads/SHA256SUMS", timeout=30).text for _, url in fronts}
        assert len(sums) == 1

        changed = _changed_build(built.out_dir, tmp_path / "changed")
        second = run_lisgraph(
            "publish", *remote_store.publish_args("none"), "--graph", graph,
            "--out", str(changed), "--in-place", env=remote_store.env,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr + remote_store.log()
        assert "by SPARQL Update at" in second.stdout
        deadline = time.monotonic() + 20
        while {_csv(url, count) for _, url in fronts} != {f"n\r\n{built.triples + 1}\r\n"}:
            assert time.monotonic() < deadline, "the front-ends did not switch to the new build"
            time.sleep(0.3)
        sums = {requests.get(url + "downloads/SHA256SUMS", timeout=30).text for _, url in fronts}
        assert len(sums) == 1
    finally:
        for process, _ in fronts:
            stop_server(process)


def test_publish_finds_the_graph_store_by_itself(
    own_store: StoreServer, built: BuildResult
) -> None:
    """With default settings, publish loads through the store's own Graph Store endpoint."""
    remote_store = own_store
    graph = BASE + "graph/test-found"
    done = run_lisgraph(
        "publish", *remote_store.publish_args("auto"), "--graph", graph,
        "--out", str(built.out_dir), env=remote_store.env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + remote_store.log()
    explicit = remote_store.publish_args("explicit")
    assert f"by Graph Store Protocol at {explicit[-1]} " in done.stdout
    assert remote_store.count(graph) == built.triples
    assert done.stderr == "", "quiet when not on a terminal"


def test_publish_never_writes_into_the_store_front_ends_read(
    own_store: StoreServer, new_store: StoreFactory, built: BuildResult, tmp_path: Path
) -> None:
    """Blue/green by ``publish --pointer``: a store the pointer names, or (without a pointer)
    one that publishes a version, is refused and left as it was; a new version goes into the
    other store, and the front-end moves to it when the pointer is switched, every answer from
    one whole version (``GRAPH`` included)."""
    blue = own_store
    green = new_store(tmp_path / "green").start()
    pointer, mirrors = tmp_path / "store-url", tmp_path / "mirrors"
    along = ["--pointer", str(pointer), "--settle", "0", "--mirror-dir", str(mirrors)]
    front = None
    try:
        first = run_lisgraph(
            "publish", *blue.publish_args("auto"), "--out", str(built.out_dir), *along,
            "--read-endpoint", blue.query_url, env=blue.env,
        )  # fmt: skip
        assert first.returncode == 0, first.stderr + blue.log()
        assert "into a store nobody reads" in first.stdout
        assert pointer.read_text() == blue.query_url + "\n"
        old_digest = _digest(blue)
        front = start_server(
            built.out_dir, "--workers", "2", "--store", f"@{pointer}",
            env={"LISGRAPH_STORE_POLL_SECONDS": "0.2", "LISGRAPH_MIRROR_DIR": str(mirrors)},
            log=tmp_path / "serve.log",
        )  # fmt: skip
        url = front[1]
        old = (built.triples, built.quads)
        assert _both(url) == old

        changed = _changed_build(built.out_dir, tmp_path / "changed")
        served = run_lisgraph(  # its update endpoint: still the store the pointer names
            "publish", *blue.publish_args("auto"), "--out", str(changed), *along,
            "--read-endpoint", blue.query_url, env=blue.env,
        )  # fmt: skip
        assert served.returncode == 2
        assert f"The store pointer {pointer} names {blue.query_url}" in served.stderr
        unpointed = run_lisgraph(
            "publish", *blue.publish_args("auto"), "--out", str(changed), env=blue.env
        )
        assert unpointed.returncode == 2
        short = old_digest.strip('"')[:12]
        assert f"already publishes build {short}" in unpointed.stderr
        assert "--in-place" in unpointed.stderr
        assert (_digest(blue), blue.count(UNION)) == (old_digest, built.triples)

        seen: list[tuple[int, int] | str] = []
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set() and len(seen) < 5000:
                try:
                    seen.append(_both(url))
                except (AssertionError, requests.RequestException) as exc:
                    seen.append(str(exc))

        reader = threading.Thread(target=read)
        reader.start()
        try:
            second = run_lisgraph(
                "publish", *green.publish_args("none"), "--out", str(changed), *along,
                "--read-endpoint", green.query_url, env=green.env,
            )  # fmt: skip
            assert second.returncode == 0, second.stderr + green.log()
            assert pointer.read_text() == green.query_url + "\n"
            new = (built.triples + 1, built.quads + 1)
            deadline = time.monotonic() + 30
            while _both(url) != new:
                assert time.monotonic() < deadline, "the front-end did not move to the new store"
                time.sleep(0.1)
        finally:
            stop.set()
            reader.join(timeout=60)
        assert not [s for s in seen if isinstance(s, str)], seen[:3]
        assert set(seen) <= {old, new}, set(seen)
        assert old in seen
        # The old store was never written to after its own publish.
        assert (_digest(blue), blue.count(UNION)) == (old_digest, built.triples)
    finally:
        if front is not None:
            stop_server(front[0])
        green.kill()


BOTH = (
    "SELECT ?n ?m WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } "
    "{ SELECT (COUNT(*) AS ?m) WHERE { GRAPH ?g { ?s ?p ?o } } } }"
)


def _both(url: str) -> tuple[int, int]:
    """Triples in the default graph and in the named graphs, in one answer."""
    n, m = _csv(url, BOTH).splitlines()[1].split(",")
    return int(n), int(m)


def _changed_build(build_dir: Path, target: Path) -> Path:
    """A copy of a build with one more triple (in a new source graph) and another digest."""
    shutil.copytree(build_dir, target)
    triple = f'<{BASE}id/test/x> <http://www.w3.org/2000/01/rdf-schema#label> "added" '
    with (target / "lisgraph.nq").open("a") as quads:
        quads.write(f"{triple}<{BASE}graph/test-added> .\n")
    with (target / "lisgraph.nt").open("a") as triples:
        triples.write(f"{triple}.\n")
    info = (target / "build.json").read_text()
    (target / "build.json").write_text(info.replace('"inputs_digest": "', '"inputs_digest": "f'))
    return target


# --- failures ----------------------------------------------------------------------------------


def test_serve_with_the_store_down_fails_clearly(built: BuildResult, tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(RuntimeError) as failed:
        start_server(built.out_dir, "--store", down, log=tmp_path / "serve.log")
    assert "Cannot reach the SPARQL store" in str(failed.value)
    assert down in str(failed.value)


def test_publish_with_the_store_down_fails_clearly(built: BuildResult) -> None:
    down = f"http://127.0.0.1:{free_port()}/sparql"
    done = run_lisgraph(
        "publish", "--endpoint", down, "--out", str(built.out_dir), "--retries", "1",
        env=STORE_CREDENTIALS,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Cannot reach the SPARQL store" in done.stderr and down in done.stderr


@pytest.mark.parametrize("graph_store", ["none", "explicit"])
def test_wrong_credentials_are_refused_clearly(
    remote_store: StoreServer, built: BuildResult, graph_store: str
) -> None:
    if not remote_store.has_credentials:
        pytest.skip(f"{remote_store.name} has no credentials to get wrong")
    done = run_lisgraph(
        "publish", *remote_store.publish_args(graph_store), "--out", str(built.out_dir),
        "--graph", BASE + "graph/never", "--retries", "0",
        env={**remote_store.env, "LISGRAPH_STORE_PASSWORD": "wrong"},
    )  # fmt: skip
    assert done.returncode == 2
    assert "refused lisgraph's credentials (HTTP 401)" in done.stderr
    assert "wrong" not in done.stderr
    assert remote_store.count(BASE + "graph/never") == 0


@pytest.fixture
def silent_store() -> Iterator[str]:
    """A loopback port that accepts connections and never answers (a store that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_slow_store_times_out(silent_store: str, built: BuildResult) -> None:
    # A publish that waited on the silent store for ever would stop at run_lisgraph's own
    # timeout (an error); how soon it gives up is the message's business, not a stopwatch's.
    done = run_lisgraph(
        "publish", "--endpoint", silent_store, "--out", str(built.out_dir), "--timeout", "1",
        "--retries", "0",
    )  # fmt: skip
    assert done.returncode == 2
    assert "did not answer within 1 seconds" in done.stderr
    with pytest.raises(QueryTimeoutError, match="did not answer within 1 seconds"):
        Endpoint(silent_store, timeout=1).request(query="ASK { ?s ?p ?o }")


def test_store_dying_mid_publish_keeps_the_old_version(
    own_store: StoreServer, built: BuildResult, tmp_path: Path
) -> None:
    store = own_store
    first = run_lisgraph(
        "publish", *store.publish_args("auto"), "--out", str(built.out_dir), env=store.env
    )
    assert first.returncode == 0, first.stderr
    old_digest = _digest(store)

    changed = _changed_build(built.out_dir, tmp_path / "changed")
    results: dict[str, object] = {}

    def publish() -> None:
        results["done"] = run_lisgraph(
            "publish", *store.publish_args("none"), "--out", str(changed), "--in-place",
            "--batch-size", "20", "--retries", "1", "--timeout", "5", env=store.env,
        )  # fmt: skip

    thread = threading.Thread(target=publish)
    thread.start()
    staging = UNION + "/staging/0"
    deadline = time.monotonic() + 60
    while store.count(staging) == 0:  # the new version is being loaded: kill the store now
        assert time.monotonic() < deadline and thread.is_alive(), "publish never started"
        time.sleep(0.05)
    store.kill()
    thread.join(timeout=120)
    done = results["done"]
    assert done.returncode == 2, done.stdout  # type: ignore[attr-defined]
    assert "Cannot reach the SPARQL store" in done.stderr  # type: ignore[attr-defined]

    store.start()  # the same database after the crash: the old version is still published
    assert store.count(UNION) == built.triples
    assert _digest(store) == old_digest
    again = run_lisgraph(
        "publish", *store.publish_args("auto"), "--out", str(changed), "--in-place",
        env=store.env,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert store.count(UNION) == built.triples + 1
    assert store.count(staging) == 0


def _digest(store: StoreServer) -> str:
    rows = store.select(
        f"SELECT ?d WHERE {{ GRAPH <{publication_graph(UNION)}> "
        f"{{ <{UNION}> <http://purl.org/dc/terms/identifier> ?d }} }}"
    )
    return rows[1][0]


def test_refusals_hold_in_front_of_a_remote_store(remote_server: str) -> None:
    service = requests.post(
        remote_server + "sparql",
        data={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},
        timeout=30,
    )
    assert service.status_code == 403 and "SERVICE" in service.text
    update = requests.post(remote_server + "sparql", data={"update": "DROP ALL"}, timeout=30)
    assert update.status_code == 403
    malformed = requests.post(
        remote_server + "sparql", data={"query": "SELECT WHERE {"}, timeout=30
    )
    assert malformed.status_code == 400 and "not valid SPARQL" in malformed.text


def test_characters_xml_cannot_carry_come_back_whole(server: str, remote_server: str) -> None:
    """The front-end asks the store for SPARQL XML results, which cannot carry U+0000 (Virtuoso's
    cut the string there): a query that writes such a character is answered in JSON, whole."""
    query = 'SELECT ?x WHERE { BIND("a\\u0000b\\u0001c" AS ?x) }'
    answers = [
        requests.post(
            url + "sparql",
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        ).json()["results"]["bindings"]
        for url in (server, remote_server)
    ]
    assert answers[0] == answers[1]
    assert [row["x"]["value"] for row in answers[1]] == ["a\x00b\x01c"]
