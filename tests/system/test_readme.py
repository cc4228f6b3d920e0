"""The README's commands work as written: the curl examples and the production gunicorn command,
run against servers on loopback; and CI runs the README's test command."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from lisgraph import BuildResult

from ..helpers import PROJECT_DIR, free_port

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
DEFAULT_URL = "http://127.0.0.1:5000/"


def _section_block(heading: str) -> str:
    section = README.split(f"## {heading}", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]


CURL_EXAMPLES = [
    line for line in _section_block("Querying").splitlines() if line.startswith("curl ")
]
PYTHON_EXAMPLES = re.findall(
    r"```python\n(.*?)```", README.split("## Querying", 1)[1].split("\n## ", 1)[0], re.DOTALL
)


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.DOTALL).group(1)  # type: ignore[union-attr]
    lines = first_block.splitlines()
    assert lines[0].startswith("# run:") and "lisgraph serve" in lines[1]
    assert lines[2].startswith("# test:") and "pytest" in lines[3]
    assert README.index("```sh") < README.index("England's Local Industrial Strategies")


def test_ci_runs_the_readme_test_command() -> None:
    script = (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8")
    assert "awk '/^# test:/" in script and 'bash -c "$test_command"' in script


def test_readme_has_curl_examples() -> None:
    assert len(CURL_EXAMPLES) >= 4


@pytest.mark.parametrize("command", CURL_EXAMPLES)
def test_readme_curl_example(server: str, tmp_path: Path, command: str) -> None:
    command = command.replace(DEFAULT_URL, server).replace(
        "@lisgraph/", f"@{PROJECT_DIR}/lisgraph/"
    )
    result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    _check_answer(command, result.stdout, tmp_path)


def _check_answer(command: str, output: bytes, folder: Path) -> None:
    """What the example gets parses as what it asked for."""
    files = list(folder.iterdir())
    if files:  # a download: a dump, gzipped or not, that parses and is not small
        (saved,) = files
        data = saved.read_bytes()
        if saved.name.endswith(".gz"):
            data = gzip.decompress(data)
        fmt = ox.RdfFormat.from_extension(saved.name.removesuffix(".gz").rsplit(".", 1)[-1])
        assert fmt is not None and len(list(ox.parse(data, format=fmt))) > 1000
    elif "text/csv" in command:
        lines = output.decode("utf-8").splitlines()
        assert len(lines) > 1 and "," in lines[0]
    elif "sparql-results+json" in command:
        answer = json.loads(output)
        assert answer["head"]["vars"] and answer["results"]["bindings"]
    else:  # an RDF document in the media type asked for
        fmt = ox.RdfFormat.N_QUADS if "n-quads" in command else ox.RdfFormat.TURTLE
        assert len(list(ox.parse(output, format=fmt))) > 0


def test_readme_has_python_examples() -> None:
    assert len(PYTHON_EXAMPLES) == 2
    assert "SPARQLWrapper" in PYTHON_EXAMPLES[0] and "SPARQLStore" in PYTHON_EXAMPLES[1]


@pytest.mark.parametrize("code", PYTHON_EXAMPLES, ids=["sparqlwrapper", "rdflib"])
def test_readme_python_example(server: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example runs as written (from the checkout, against the server) and gets the data."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    monkeypatch.chdir(PROJECT_DIR)
    namespace: dict[str, object] = {}
    exec(compile(code.replace(DEFAULT_URL, server), "README.md", "exec"), namespace)
    semlep = URIRef("https://w3id.org/lisgraph/id/lep/E37000057")
    lep = URIRef("https://w3id.org/lisgraph/def/lis#LocalEnterprisePartnership")
    if "rows" in namespace:
        rows = namespace["rows"]
        assert {row["wave"]["value"] for row in rows} == {"1", "2", "3"}  # type: ignore[attr-defined]
        described = namespace["semlep"]
        assert isinstance(described, Graph) and (semlep, RDF.type, lep) in described
    else:
        assert str(namespace["name"])  # the LEP's name, read through SPARQL
        document = namespace["document"]
        assert isinstance(document, Graph) and (semlep, RDF.type, lep) in document


def test_readme_production_command(built: BuildResult, tmp_path: Path) -> None:
    line = next(x for x in _section_block("The server").splitlines() if "gunicorn" in x)
    port = free_port()
    command = line.replace("8000", str(port)).replace(
        ".venv/bin/", f"{Path(sys.executable).parent}/"
    )
    env = {
        **os.environ,
        "LISGRAPH_DIST_DIR": str(built.out_dir),
        "LISGRAPH_PROJECT_DIR": str(PROJECT_DIR),
    }
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = requests.get(url, timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):  # not up yet, or a loaded machine
                assert process.poll() is None and time.monotonic() < deadline, (
                    "gunicorn did not start"
                )
                time.sleep(0.2)
        assert page.status_code == 200 and f'href="{url}sparql"' in page.text
        answer = requests.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        assert answer.json()["boolean"] is True
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
