"""Releases: versioned, with their change log, validation report and provenance; one at a time;
bounded in number; removed only when asked.

Two releases of a copy of the project (the second adding one name) are made once for the tests
that only read them (``released``); the tests of numbering, bounds and the lock file releases of
a one-statement dataset, written by the build's own writer for each release, since what they
check does not depend on what a build holds.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gzip
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SH

from lisgraph import BuildResult, ReleaseError, Settings
from lisgraph.artifact import Release, list_releases
from lisgraph.builder import OntologyVersion, is_current, release_build, write_build
from lisgraph.builder.releases import NextRelease, file_release, release_turn, remove_release
from lisgraph.web import change_feed, create_app

from .event_stream import NQUADS, in_process, replay
from .helpers import BASE, LOCAL, InProcessHTTP, copy_project, dcat_ap_violations

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT3 = Namespace(str(DCAT))  # rdflib's DCAT lacks the DCAT 3 versioning terms
OWL = Namespace("http://www.w3.org/2002/07/owl#")

DAY = dt.date(2026, 11, 25)


def _release(settings: Settings, **options: Any) -> Release:
    return release_build(settings, today=DAY, **options)


def _project(directory: Path) -> Settings:
    copy = copy_project(directory / "project")
    return Settings.from_mapping({"PROJECT_DIR": str(copy), "DIST_DIR": str(copy / "dist")})


@pytest.fixture()
def project(tmp_path: Path) -> Settings:
    return _project(tmp_path)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the project with two releases ("first", then "a new name"), the second adding
    a name to the South East Midlands LEP. Tests only read it."""
    project = _project(tmp_path_factory.mktemp("released"))
    _release(project, notes="first")
    data = project.data_dir / "seed-001-sem-highlights.ttl"
    data.write_text(
        data.read_text(encoding="utf-8")
        + '\n<id/lep/E37000057> skos:altLabel "SEMLEP, named in release two"@en .\n',
        encoding="utf-8",
    )
    _release(project, notes="a new name")
    return project


def _tiny_release(root: Path, keep: int = 10) -> Release:
    """The next release under ``root`` of a one-statement dataset, written for that release by
    the build's own writer."""
    with release_turn(root, DAY) as turn:
        store = ox.Store()
        store.add(
            ox.Quad(
                ox.NamedNode(BASE + "id/thing"),
                ox.NamedNode(str(RDFS.label)),
                ox.Literal(turn.version),
                ox.NamedNode(BASE + "graph/thing"),
            )
        )
        out = root.parent / f"build-{turn.version}"
        out.mkdir()
        previous = turn.previous.version if turn.previous else None
        write_build(store, BASE, "test", out, version=OntologyVersion(turn.version, previous))
        return file_release(out, root, BASE, dt.datetime.now(dt.UTC), turn, keep=keep)


def test_two_releases_with_a_change_log_between_them(released: Settings) -> None:
    first, second = list_releases(released.releases_dir)
    assert [first.version, second.version] == ["2026.11.25", "2026.11.25.2"]
    assert first.info["notes"] == "first" and second.info["previous"] == "2026.11.25"
    changes = json.loads((second.path / "changes" / "changes.json").read_text())
    assert changes["since"] == "2026.11.25"
    seed = changes["by_graph"]["https://w3id.org/lisgraph/graph/seed-001-sem-highlights"]
    assert seed == {"added": 1}  # counts of nothing are left out
    # the rest is the ontology's version moving: in each of its 8 documents, a new version IRI
    # and version info (2 changed: 2 removed, 2 added) and a prior version (added, since the
    # first release had none)
    rest = {g: c for g, c in changes["by_graph"].items() if c is not seed}
    assert len(rest) == 8 and all(g.startswith("https://w3id.org/lisgraph/def/lis") for g in rest)
    assert all(c == {"added": 3, "removed": 2, "changed": 2} for c in rest.values())
    assert (changes["added"], changes["removed"], changes["changed"]) == (25, 16, 16)
    added = gzip.decompress((second.path / "changes" / "added.nq.gz").read_bytes())
    # one statement, in the named graph of the source file that states it
    assert added.count(b"named in release two") == 1
    assert b"<https://w3id.org/lisgraph/graph/seed-001-sem-highlights> ." in added
    removed = gzip.decompress((second.path / "changes" / "removed.nq.gz").read_bytes())
    assert removed.count(b"\n") == 16 and b"sem-highlights" not in removed
    assert removed.count(b"owl#versionIRI") == 8 and removed.count(b"owl#versionInfo") == 8
    # the first release's change log is everything, since nothing came before
    first_changes = json.loads((first.path / "changes" / "changes.json").read_text())
    assert first_changes["since"] is None and first_changes["added"] > 4000


def test_each_release_keeps_its_own_dumps_with_correct_checksums(released: Settings) -> None:
    releases = list_releases(released.releases_dir)
    assert len(releases) == 2
    for release in releases:
        sums = (release.path / "SHA256SUMS").read_text().splitlines()
        assert len(sums) == 12  # six dumps, each with its gzip copy
        for line in sums:
            digest, name = line.split("  ")
            assert hashlib.sha256((release.path / name).read_bytes()).hexdigest() == digest


def test_the_validation_report_and_provenance_are_published(released: Settings) -> None:
    release = list_releases(released.releases_dir)[-1]
    report = Graph().parse(release.path / "validation.ttl")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)
    provenance = Graph().parse(release.path / "provenance.ttl")
    (activity,) = provenance.subjects(RDF.type, PROV.Activity)
    started, ended = (provenance.value(activity, p) for p in (PROV.startedAtTime, PROV.endedAtTime))
    assert isinstance(started, Literal) and isinstance(ended, Literal)
    started, ended = started.toPython(), ended.toPython()
    assert started <= ended


def test_a_second_release_at_once_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "releases"
    root.mkdir()
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(ReleaseError, match="Another release is being made"):
            _tiny_release(root)
    assert list_releases(root) == []


def test_releases_are_bounded_and_removed_only_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "releases"
    for _ in range(3):
        _tiny_release(root, keep=2)
    kept = [r.version for r in list_releases(root)]
    assert kept == ["2026.11.25.2", "2026.11.25.3"]
    # the pruned first release's number is not taken again (the change feed names its pages
    # by version): the next one is the day's fourth, kept as the newest
    assert _tiny_release(root, keep=3).version == "2026.11.25.4"
    assert [r.version for r in list_releases(root)][-1] == "2026.11.25.4"
    shutil.rmtree(root / "2026.11.25.4")
    remove_release(root, "2026.11.25.2")
    assert [r.version for r in list_releases(root)] == ["2026.11.25.3"]
    with pytest.raises(ReleaseError, match="no release 2020.01.01"):
        remove_release(root, "2020.01.01")


def test_lisgraph_release_lists_and_removes(
    project: Settings, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LISGRAPH_PROJECT_DIR", str(project.project_dir))
    made = cli("release", "--build", str(project.dist_dir), "--notes", "from the CLI")
    assert made.returncode == 0, made.stderr
    (release,) = list_releases(project.releases_dir)
    assert release.info["notes"] == "from the CLI"
    listed = cli("release", "--build", str(project.dist_dir), "--list")
    assert listed.stdout.startswith(release.version)
    removed = cli("release", "--build", str(project.dist_dir), "--remove", release.version)
    assert removed.returncode == 0 and list_releases(project.releases_dir) == []


def test_the_release_pages_and_versioned_downloads(released: Settings) -> None:
    app = create_app({"PROJECT_DIR": str(released.project_dir), "DIST_DIR": str(released.dist_dir)})
    http = InProcessHTTP(app.test_client())
    listing = http.get(LOCAL + "releases/").text
    assert listing.index("2026.11.25.2") < listing.index("2026.11.25<")  # newest first
    assert "25 added, 16 removed, 16 changed" in listing and "a new name" in listing
    downloads = http.get(LOCAL + "downloads/", headers={"Accept": "text/html"}).text
    assert 'href="http://localhost/releases/2026.11.25.2"' in downloads  # every release listed
    page = http.get(LOCAL + "releases/2026.11.25.2").text
    assert "graph/seed-001-sem-highlights" in page
    for release in list_releases(released.releases_dir):
        sums = release.build.checksums()
        dump = http.get(LOCAL + f"downloads/{release.version}/lisgraph.nt.gz")
        assert dump.status_code == 200 and dump.headers["ETag"].strip('"') == sums["lisgraph.nt.gz"]
        assert hashlib.sha256(dump.content).hexdigest() == sums["lisgraph.nt.gz"]
    added = http.get(LOCAL + "downloads/2026.11.25.2/changes/added.nq.gz")
    assert b"named in release two" in gzip.decompress(added.content)
    assert http.get(LOCAL + "downloads/2026.11.25.2/../../etc/passwd").status_code == 404
    assert http.get(LOCAL + "downloads/2020.01.01/lisgraph.nt.gz").status_code == 404
    lep = http.get(LOCAL + "id/lep/E37000057", headers={"Accept": "text/html"}).text
    assert 'href="http://localhost/releases/2026.11.25.2"' in lep.split('id="history"')[1]
    district = http.get(LOCAL + "id/district/E06000052", headers={"Accept": "text/html"}).text
    assert "2026.11.25.2" not in district  # a resource the second release did not change


def test_the_change_feed_replays_to_the_release(released: Settings) -> None:
    """The whole project's data through the change feed (tests/test_change_feed.py has the rest):
    the first release's snapshot, then the second's versions of the graphs it changed (the
    seed file's and the ontology's 8), give the served release's quads byte for byte."""
    app = create_app({"PROJECT_DIR": str(released.project_dir), "DIST_DIR": str(released.dist_dir)})
    http = InProcessHTTP(app.test_client())
    replica, pages = replay(in_process(http), LOCAL + "changes/")
    latest = list_releases(released.releases_dir)[-1]
    assert replica == (latest.path / "lisgraph.nq").read_bytes()
    assert replica == (released.dist_dir / "lisgraph.nq").read_bytes()
    second = http.get(LOCAL + "changes/2026.11.25.2/1", headers={"Accept": NQUADS})
    assert second.content.count(b"<https://w3id.org/ldes#versionOfPath>") == 0
    assert second.content.count(b"<http://purl.org/dc/terms/isVersionOf>") == 9
    # the snapshot is cut into pages of at most 5,000 statements (and the page's own 3), but
    # for a page of one member
    snapshot = [page for page in pages if "/snapshot/" in page]
    assert len(snapshot) >= 3
    for page in snapshot:
        body = http.get(page, headers={"Accept": NQUADS}).content
        members = body.count(b"<https://w3id.org/tree#member>")
        assert members == 1 or body.count(b"\n") <= change_feed.PAGE_QUADS + 3, page


def test_the_catalogue_describes_every_release_as_a_version(released: Settings) -> None:
    app = create_app({"PROJECT_DIR": str(released.project_dir), "DIST_DIR": str(released.dist_dir)})
    http = InProcessHTTP(app.test_client())
    catalog = Graph().parse(
        data=http.get(LOCAL + "catalog", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    (dataset,) = catalog.subjects(DCAT3.hasVersion, None, unique=True)
    versions = {
        catalog.value(v, DCAT3.version): v for v in catalog.objects(dataset, DCAT3.hasVersion)
    }
    assert set(versions) == {Literal("2026.11.25"), Literal("2026.11.25.2")}
    second, first = versions[Literal("2026.11.25.2")], versions[Literal("2026.11.25")]
    assert catalog.value(second, DCAT3.previousVersion) == first
    assert catalog.value(first, DCAT3.previousVersion) is None
    assert catalog.value(second, DCAT3.isVersionOf) == dataset
    assert catalog.value(dataset, DCAT3.version) == Literal("2026.11.25.2")
    # DCAT-AP 2 and 1 (ckanext-dcat's euro_dcat_ap, _2) read the version here (E7)
    assert catalog.value(dataset, OWL.versionInfo) == Literal("2026.11.25.2")
    assert catalog.value(second, OWL.versionInfo) == Literal("2026.11.25.2")
    assert str(catalog.value(second, ADMS.versionNotes)) == "a new name"
    # a release's file has its format and media type, gzip-compressed (E7)
    (dump,) = catalog.objects(second, DCAT.distribution)
    assert catalog.value(dump, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/application/n-quads"
    )
    assert str(catalog.value(dump, DCTERMS.format)).endswith("/file-type/RDF_N_QUADS")
    assert str(catalog.value(dump, DCAT.compressFormat)).endswith("/application/gzip")
    assert catalog.value(second, DCTERMS.spatial) == catalog.value(dataset, DCTERMS.spatial)
    assert set(catalog.objects(second, DCAT.keyword)) == set(catalog.objects(dataset, DCAT.keyword))
    assert (
        second,
        RDFS.seeAlso,
        URIRef(LOCAL + "downloads/2026.11.25.2/validation.ttl"),
    ) in catalog
    other, _, text = dcat_ap_violations(catalog)
    assert other == [], text
    jsonld = http.get(LOCAL).text
    assert '"version": "2026.11.25.2"' in jsonld
    void = http.get(LOCAL + ".well-known/void", headers={"Accept": "text/turtle"}).text
    assert "downloads/2026.11.25.2/provenance.ttl" in void


ONTOLOGY = URIRef("https://w3id.org/lisgraph/def/lis")


def test_the_ontology_version_moves_with_each_release(released: Settings) -> None:
    first, second = list_releases(released.releases_dir)
    one = Graph().parse(first.path / "ontology.ttl")
    two = Graph().parse(second.path / "ontology.ttl")
    assert one.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/2026.11.25")
    assert one.value(ONTOLOGY, OWL.priorVersion) is None  # nothing came before
    assert two.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/2026.11.25.2")
    assert two.value(ONTOLOGY, OWL.versionInfo) == Literal("2026.11.25.2")
    assert two.value(ONTOLOGY, OWL.priorVersion) == URIRef(f"{ONTOLOGY}/2026.11.25")
    # every module moves with it, and each document has one version IRI
    modules = set(two.subjects(RDF.type, OWL.Ontology)) - {ONTOLOGY}
    assert len(modules) == 7
    for module in modules:
        assert list(two.objects(module, OWL.versionIRI)) == [URIRef(f"{module}/2026.11.25.2")]
        assert two.value(module, OWL.priorVersion) == URIRef(f"{module}/2026.11.25")
    # the served dataset is the second release's, ontology included
    app = create_app({"PROJECT_DIR": str(released.project_dir), "DIST_DIR": str(released.dist_dir)})
    http = InProcessHTTP(app.test_client())
    served = Graph().parse(
        data=http.get(LOCAL + "def/lis", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    assert served.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/2026.11.25.2")
    # each version IRI resolves: the current one is the ontology served, an earlier one is
    # that release's ontology as released
    current = http.get(LOCAL + "def/lis/2026.11.25.2", headers={"Accept": "text/turtle"})
    assert current.status_code == 200 and "2026.11.25.2" in current.text
    for path in ("def/lis/2026.11.25", "def/lis/geography/2026.11.25"):
        earlier = http.get(LOCAL + path, headers={"Accept": "text/turtle"}, allow_redirects=False)
        assert earlier.status_code == 303
        assert earlier.headers["Location"] == LOCAL + "downloads/2026.11.25/ontology.ttl"
    as_released = http.get(LOCAL + "downloads/2026.11.25/ontology.ttl")
    assert Graph().parse(data=as_released.text, format="turtle").isomorphic(one)
    assert http.get(LOCAL + "def/lis/2020.01.01").status_code == 404


def test_a_release_files_only_a_build_made_for_it(built: BuildResult, tmp_path: Path) -> None:
    root = tmp_path / "releases"
    root.mkdir()
    with pytest.raises(ReleaseError, match="not made for release 2026.11.25"):
        file_release(  # the session's build is a plain one: it carries the files' own version
            built.out_dir, root, BASE, dt.datetime.now(dt.UTC), NextRelease("2026.11.25", None)
        )
    assert list_releases(root) == []


def test_serve_keeps_a_release_build_while_its_inputs_are_unchanged(released: Settings) -> None:
    assert is_current(released)  # so 'lisgraph serve' does not replace it with a plain build
    elsewhere = Settings.from_mapping(
        {
            "PROJECT_DIR": str(released.project_dir),
            "DIST_DIR": str(released.dist_dir),
            "BASE_IRI": "http://example.org/elsewhere/",  # an input of the build changed
        }
    )
    assert not is_current(elsewhere)
