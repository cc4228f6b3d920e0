"""Comunica (``@comunica/query-sparql`` 4.5, its defaults) against the real server: the 20
competency questions over the SPARQL endpoint and over the pattern fragments give the
endpoint's own answers, and a federated query over the endpoint and a page succeeds 20 times in
20.

Comunica is installed by ``.ci/run`` into ``tests/clients/node_modules`` (pinned by
``tests/clients/package-lock.json``). Each query is the command line ``comunica-sparql`` would
be given, run by ``tests/clients/comunica_runner.js``: the command's own code with a new engine
for each query, in one Node process per module (Node's start and Comunica's loading cost about
0.6 s of CPU each time; this module runs 62 queries). Answers are compared as multisets of rows,
each term in N-Triples form, parsed from the SPARQL JSON results both sides send.
"""

from __future__ import annotations

import json
import selectors
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from lisgraph.queries import QUERY_DIR
from lisgraph.store.remote import expand_escaped_names

from ..helpers import PROJECT_DIR

CLIENTS = PROJECT_DIR / "tests" / "clients"
COMUNICA = CLIENTS / "node_modules" / ".bin" / "comunica-sparql"
RUNNER = CLIENTS / "comunica_runner.js"
#: How long one query may take before the test gives up on it (a hang, not a speed).
QUERY_TIMEOUT = 900
JSON_RESULTS = "application/sparql-results+json"
SEMLEP = "https://w3id.org/lisgraph/id/lep/E37000057"
#: The 20 competency questions (CQ8 is two queries, 08a and 08b).
QUESTIONS = sorted(q for q in QUERY_DIR.glob("*.rq") if int(q.name[:2]) <= 20)

pytestmark = pytest.mark.skipif(
    not COMUNICA.is_file(),
    reason=f"Comunica is not installed here ({COMUNICA} is missing): .ci/run installs it "
    "with 'npm ci --prefix tests/clients'",
)

Rows = Counter[tuple[tuple[str, str], ...]]


class Comunica:
    """``comunica-sparql``'s command lines, run one at a time by one Node process. A query that
    crashes Node (as the command would crash) is answered with the end of the log, and the next
    query gets a new process."""

    def __init__(self, log: Path) -> None:
        self._log_path = log
        self._log = log.open("ab")
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            self._process = subprocess.Popen(
                ["node", str(RUNNER)],
                cwd=CLIENTS,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
            )
        return self._process

    def run(self, *argv: str) -> tuple[int, bytes, str]:
        """Exit code, standard output and error of ``comunica-sparql ARGV...``."""
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        logged = self._log_path.stat().st_size
        process.stdin.write(json.dumps(argv).encode() + b"\n")
        process.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=QUERY_TIMEOUT):
                self._stop()
                pytest.fail(f"Comunica did not finish within {QUERY_TIMEOUT} s: {argv}")
        line = process.stdout.readline()
        if not line:  # Node stopped: what it printed on the way out is the error
            code = self._stop()
            with self._log_path.open("rb") as log:
                log.seek(logged)
                return code or 1, b"", log.read().decode(errors="replace")
        answer = json.loads(line)
        return int(answer["code"]), answer["stdout"].encode(), str(answer["stderr"])

    def _stop(self) -> int:
        """Stop the Node process (it ends when its input does); its exit code."""
        process, self._process = self._process, None
        if process is None:
            return 0
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.close()
            code = process.wait(timeout=30)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            process.kill()
            code = process.wait()
        process.stdout.close()
        return code

    def close(self) -> None:
        self._stop()
        self._log.close()


@pytest.fixture(scope="module")
def comunica(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Comunica]:
    runner = Comunica(tmp_path_factory.mktemp("comunica") / "comunica.log")
    yield runner
    runner.close()


def _rows(body: bytes) -> Rows:
    document = json.loads(body)
    document.pop("metadata", None)  # Comunica adds its own (the requests it made)
    solutions = ox.parse_query_results(json.dumps(document), format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return Counter(tuple((n, str(s[n])) for n in names if s[n] is not None) for s in solutions)


def _endpoint(server: str, query: str) -> Rows:
    answer = requests.post(
        server + "sparql", data={"query": query}, headers={"Accept": JSON_RESULTS}, timeout=120
    )
    answer.raise_for_status()
    return _rows(answer.content)


def _comunica(comunica: Comunica, sources: list[str], query: str, tmp_path: Path) -> Rows:
    query_file = tmp_path / "query.rq"
    query_file.write_text(query, encoding="utf-8")
    code, stdout, stderr = comunica.run(*sources, "-f", str(query_file), "-t", JSON_RESULTS)
    assert code == 0, stderr[-3000:]
    return _rows(stdout)


def test_twenty_questions() -> None:
    assert len(QUESTIONS) == 21 and {q.name[:2] for q in QUESTIONS} == {
        f"{n:02d}" for n in range(1, 21)
    }


@pytest.mark.parametrize("query_file", QUESTIONS, ids=lambda p: p.stem)
def test_competency_questions_over_the_endpoint(
    server: str, comunica: Comunica, query_file: Path, tmp_path: Path
) -> None:
    query = query_file.read_text(encoding="utf-8")
    want = _endpoint(server, query)
    assert want
    assert _comunica(comunica, [f"sparql@{server}sparql"], query, tmp_path) == want


#: Comunica 4.5 stops with "TypeError: Cannot read properties of undefined (reading 'merge')" in
#: its multi-bind join on CQ19 over fragments, before any answer. The fault is Comunica's, not
#: the fragments' (issue 30, traced with Comunica's code): its bind join binds ?document from
#: ``?document dcterms:creator ?lep`` and materializes the rest of the join with that value, but
#: ``materializeOperation`` (@comunica/utils-query-operation 4.5.0, lib/MaterializeBindings.js
#: line 122) returns a FILTER unchanged, input included, when its expression is not of type
#: 'operator': a FILTER NOT EXISTS is of type 'existence', so the UNION branch
#: ``?document lis:informs/a lis:LocalIndustrialStrategy FILTER NOT EXISTS {...}`` keeps
#: ?document free and answers every document that informs a strategy. Merging such a solution
#: with the bound one conflicts; ``Bindings.merge`` then returns undefined
#: (utils-bindings-factory lib/Bindings.js), ``bindingsMerger`` (actor-rdf-join-inner-multi-bind
#: lib/ActorRdfJoinMultiBind.js line 42) passes it on (asynciterator 3.10 drops only null), and
#: the enclosing bind join's ``bindingsMerger`` reads ``.merge`` of it. The fix is Comunica's:
#: materialize a FILTER whose expression is 'existence' too (with that one condition changed,
#: the same Comunica over the same fragments answers the endpoint's 131 rows exactly), and skip
#: undefined merges instead of emitting them. Comunica 5.4 does the first (its
#: MaterializeBindings.js materializes 'existence' filters, and its multi-bind join no longer
#: binds into a FILTER; it still emits an undefined merge) but needs Node 22.19, above the
#: Node 20 here. Strict, so a Comunica that answers it fails this mark and the question joins
#: the others.
_COMUNICA_FAILS = {"19-programme-events"}


@pytest.mark.parametrize(
    "query_file",
    [
        pytest.param(
            q,
            marks=pytest.mark.xfail(
                q.stem in _COMUNICA_FAILS,
                reason="Comunica 4.5 leaves FILTER NOT EXISTS unbound in its bind join (see above)",
                strict=True,
            ),
        )
        for q in QUESTIONS
    ],
    ids=lambda p: p.stem,
)
def test_competency_questions_over_the_fragments(
    server: str, comunica: Comunica, query_file: Path, tmp_path: Path
) -> None:
    """Comunica evaluates the query itself, from the pattern fragments alone. Its SPARQL parser
    (sparqljs) keeps the backslash of an escaped prefixed name (``id:lep-area\\/E37000057``) in
    the IRI, which no store holds, so the escaped names are written as full IRIs first (the same
    rewrite lisgraph makes for Virtuoso; the meaning is unchanged).

    The server runs with its defaults. A query over fragments keeps Comunica's event loop busy
    for seconds at a time (CQ12 makes 7,377 requests), so its HTTP client (undici, which reuses
    a connection idle for less than 4 s) can send on a connection idle for longer; when the
    server kept idle connections 5 s, it had often just closed it and the query failed ("other
    side closed"; undici does not retry): CQ12 failed 3 times in 5. The default is now 30 s."""
    query = query_file.read_text(encoding="utf-8")
    want = _endpoint(server, query)
    assert want
    got = _comunica(comunica, [f"{server}fragments"], expand_escaped_names(query), tmp_path)
    assert got == want


def test_a_federated_query_over_the_endpoint_and_a_page_succeeds_20_times_in_20(
    server: str, comunica: Comunica, tmp_path: Path
) -> None:
    """Comunica's defaults (no retries): it fires its requests at once, asks the endpoint for
    its service description and reads the page; every run must be answered, and whole. Each run
    has an engine of its own (nothing fetched is kept), in the one Node process: its HTTP client
    may reuse a connection an earlier run left open, as a Comunica that runs for long does."""
    query = f"SELECT ?p ?o WHERE {{ <{SEMLEP}> ?p ?o }}"
    want = set(_endpoint(server, query))
    assert want
    sources = [f"sparql@{server}sparql", f"{server}doc/lep/E37000057"]
    for _ in range(20):
        got = _comunica(comunica, sources, query, tmp_path)
        assert set(got) == want  # the page's statements are the endpoint's too
        assert got.total() > len(want)  # and both sources answered
