"""Apache Jena (Debian's ``libapache-jena-java``) against the real server: RDFConnection's
SPARQL queries and Graph Store reads, and RDFDataMgr dereferencing a thing's IRI.

Debian ships Jena as libraries only; the probe (``jena/JenaProbe.java``) is compiled here with
``javac``. Two Debian packaging quirks are worked around, not lisgraph's: the class path is
picked by hand (the whole of /usr/share/java holds two SLF4J bindings), and jena-core's xerces
message bundles are copied to where its relocated xerces classes look for them.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

JAVA_DIR = Path("/usr/share/java")
JARS = [
    "jena-arq", "jena-base", "jena-core", "jena-iri", "jena-rdfconnection", "guava",
    "commons-lang3", "commons-io", "commons-codec", "commons-compress", "commons-csv",
    "dexx.collection", "slf4j-api", "jsonld-java", "jakarta.json-api", "titanium-json-ld",
    "protobuf", "thrift", "jackson-core", "jackson-databind", "jackson-annotations",
    "httpclient", "httpcore", "gson",
]  # fmt: skip
GRAPH = "https://w3id.org/lisgraph/graph/seed-000-semlep-lis-page"
PROBE = Path(__file__).parent / "jena" / "JenaProbe.java"


@pytest.fixture(scope="session")
def jena_probe(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs the compiled probe (skipped without a JDK or Jena)."""
    missing = [j for j in JARS if not (JAVA_DIR / f"{j}.jar").exists()]
    if shutil.which("javac") is None or missing:
        pytest.skip(f"needs javac and libapache-jena-java (missing: {missing or 'javac'})")
    out = tmp_path_factory.mktemp("jena")
    bundles = "org/apache/jena/ext/"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(bundles + "xerces/") and name.endswith(".properties"):
                target = out / name[len(bundles) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    classpath = ":".join([*(str(JAVA_DIR / f"{j}.jar") for j in JARS), str(out)])
    subprocess.run(["javac", "-d", str(out), "-cp", classpath, str(PROBE)], check=True, timeout=300)
    return ["java", "-cp", classpath, "JenaProbe"]


@pytest.fixture(params=["embedded", "virtuoso"])
def endpoint(request: pytest.FixtureRequest) -> str:
    name = "remote_server" if request.param == "virtuoso" else "server"
    return str(request.getfixturevalue(name))


@pytest.mark.parametrize("gsp", ["data", "sparql"])
def test_jena_rdfconnection(jena_probe: list[str], endpoint: str, gsp: str) -> None:
    """Queries of every form; fetch() of a named graph, of the default graph and of the dataset,
    through /data and through /sparql (where Jena users often point both; fetchDataset reads
    the service description there)."""
    done = subprocess.run(
        [*jena_probe, endpoint, gsp, GRAPH], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line.split(" ", 1) for line in done.stdout.splitlines() if " " in line]
    selected = [value for key, value in lines if key == "select"]
    results = dict(lines)
    assert selected == ["1", "2", "3"]
    assert results["ask"] == "true"
    assert results["construct"] == "3"
    assert int(results["describe"]) > 20
    assert int(results["fetch-graph"]) > 200  # the graph's own triples (not its 2 provenance)
    assert int(results["fetch-default"]) > 4000
    if gsp == "data":
        assert int(results["fetch-dataset"]) > 10  # every named graph
    else:
        # GET /sparql without a query is the service description for every client (E6): the
        # whole dataset is at /data, and the description has no named graph
        assert results["fetch-dataset"] == "0"
    assert int(results["load"]) > 50
    assert int(results["load-dump"]) > 4900  # the N-Quads dump, loaded from its URL
