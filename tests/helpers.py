"""Helpers shared by the tests: free ports, the real server started and stopped, the CLI in a
new process, a copy of the project, and requests-like calls to an in-process app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from flask.testing import FlaskClient
from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from bench.stores.server import free_port as free_port  # the one free_port, for the tests
from bench.stores.server import stop_process_group

TESTS_DIR = Path(__file__).parent
PROJECT_DIR = TESTS_DIR.parent
SHAPES_DATA_DIR = TESTS_DIR / "shapes"
COMPETENCY_DIR = TESTS_DIR / "competency"
#: The data files a shape example is validated with (data/): the concept schemes and the sources.
CONTEXT_FILES = (
    "concepts.ttl",
    "concepts-seed-003.ttl",
    "concepts-seed-004.ttl",
    "sources.ttl",
    "sources-editors.ttl",
    "sources-public-sources-pack.ttl",
)
BASE = "https://w3id.org/lisgraph/"
DCAT_AP = TESTS_DIR / "data" / "dcat-ap-3.0.1"
#: Where the in-process app is reached (the Flask test client's default host).
LOCAL = "http://localhost/"
#: The triple dumps rdflib reads, and its name for each one's format.
RDFLIB_FORMATS = {
    "lisgraph.ttl": "turtle",
    "lisgraph.nt": "nt",
    "lisgraph.jsonld": "json-ld",
    "lisgraph.rdf": "xml",
}


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any LISGRAPH_* setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISGRAPH_")}
    return {**env, "LISGRAPH_PROJECT_DIR": str(PROJECT_DIR), **(extra or {})}


def run_lisgraph(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``lisgraph`` command in a new process; return what it printed and its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "lisgraph", *args],
        env=clean_environ(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )


def copy_project(target: Path) -> Path:
    """A copy of the project's ontology, data and shapes in ``target`` (a project to change)."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_DIR / name, target / name)
    return target


def start_server(
    dist: Path, *extra: str, env: Mapping[str, str] | None = None, log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the real ``lisgraph serve`` on loopback and wait until it answers.

    Its output goes to a log file, never to an unread pipe: a full pipe would block the workers
    as soon as the access log filled it.
    """
    port = free_port()
    log = log or Path(os.environ.get("TMPDIR", "/tmp")) / f"lisgraph-serve-{port}.log"
    command = [sys.executable, "-m", "lisgraph", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--build", str(dist), *extra]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            env=clean_environ(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"lisgraph serve exited with {process.returncode}:\n{log.read_text()[-4000:]}"
            )
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return process, url
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still loading
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"lisgraph serve did not answer within 90 s:\n{log.read_text()[-4000:]}")


def wait_for_pages(log: Path, workers: int, timeout: float = 120) -> None:
    """Wait until each of ``workers`` workers has made the build's pages in the background
    (its "Made N pages" line in the server's log), so that the server is idle afterwards."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("] Made ") >= workers:
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-4000:]
    raise RuntimeError(f"The workers did not make their pages in {timeout} s:\n{tail}")


def session_pids(pgid: int) -> list[int]:
    """Every process whose session is ``pgid`` (a server started by :func:`start_server`, its
    workers and their children)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == pgid:  # field 6 of stat: session
                pids.append(int(entry.name))
    return pids


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server` (its whole process group)."""
    stop_process_group(process, grace=20)


class Answer:
    """A test client's response with the parts of ``requests.Response`` the tests read."""

    def __init__(self, response: Any, url: str, history: list[Answer]) -> None:
        self._response = response
        self.status_code: int = response.status_code
        self.headers = response.headers
        self.content: bytes = response.get_data()
        response.close()  # a file response holds the file open until closed
        self.url = url
        self.history = history

    @property
    def text(self) -> str:
        return self.content.decode(self._response.mimetype_params.get("charset", "utf-8"))

    def json(self) -> Any:
        import json

        return json.loads(self.content)


class InProcessHTTP:
    """``requests``-style calls to the app through Flask's test client (URLs under
    :data:`LOCAL`), following redirects like ``requests`` does. Nothing leaves the process."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        params: Mapping[str, str] | None = None,
        allow_redirects: bool = True,
        timeout: float | None = None,
    ) -> Answer:
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        history: list[Answer] = []
        while True:
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            response = self.client.open(path, method=method, headers=dict(headers or {}), data=data)
            answer = Answer(response, url, history)
            location = response.headers.get("Location")
            if not (allow_redirects and location and 300 <= response.status_code < 400):
                return answer
            history = [*history, answer]
            url = location if "://" in location else LOCAL + location.lstrip("/")
            method, data = ("GET", None) if response.status_code == 303 else (method, data)

    def get(self, url: str, **kwargs: Any) -> Answer:
        return self.request("GET", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> Answer:
        return self.request("HEAD", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Answer:
        return self.request("POST", url, **kwargs)


# SEMIC's published 3.0.1 files name five property shapes (by sh:property) that neither file
# defines; pySHACL refuses such a shapes graph. These dangling references, and only these, are
# dropped; every other DCAT-AP constraint applies.
KNOWN_DANGLING_PROPERTY_SHAPES = 5


def dcat_ap_shapes() -> Graph:
    """The DCAT-AP 3.0.1 shapes, less the property shapes its files name but never define."""
    shapes = Graph()
    for name in ("dcat-ap-SHACL.ttl", "ranges.ttl"):
        shapes.parse(DCAT_AP / name, format="turtle")
    dangling = [
        (s, o) for s, o in shapes.subject_objects(SH.property) if (o, SH.path, None) not in shapes
    ]
    assert len(dangling) == KNOWN_DANGLING_PROPERTY_SHAPES
    for subject, shape in dangling:
        shapes.remove((subject, SH.property, shape))
    return shapes


#: The one DCAT-AP 3.0.1 deviation allowed, by name: England's ``locn:geometry`` is a GeoJSON
#: literal, as DCAT-AP 2 had it and as ckanext-dcat reads and writes it in every profile (a
#: ``locn:Geometry`` node, DCAT-AP 3's range, stops its parser); it breaks the range's node
#: kind and class constraints, and nothing else may.
GEOJSON = URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json")
LOCN_GEOMETRY = URIRef("http://www.w3.org/ns/locn#geometry")
ALLOWED_DCAT_AP_DEVIATIONS = (SH.NodeKindConstraintComponent, SH.ClassConstraintComponent)


def dcat_ap_violations(catalog: Graph) -> tuple[list[Node], list[Node], str]:
    """The DCAT-AP 3.0.1 results for ``catalog``: those outside the named deviation, those
    inside it, and pySHACL's text."""
    _, report, text = validate(
        catalog, shacl_graph=dcat_ap_shapes(), inference="none", allow_warnings=True
    )
    assert isinstance(report, Graph)
    allowed: list[Node] = []
    other: list[Node] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(result, SH.value)
        named = (
            report.value(result, SH.resultPath) == LOCN_GEOMETRY
            and isinstance(value, Literal)
            and value.datatype == GEOJSON
            and report.value(result, SH.sourceConstraintComponent) in ALLOWED_DCAT_AP_DEVIATIONS
        )
        (allowed if named else other).append(result)
    return other, allowed, str(text)
