"""CKAN harvesting the catalogue: ckanext-dcat's own ``RDFParser`` (2.4.4, on CKAN 2.12.0) with
its DCAT-AP 3, 2 and 1 profiles reads ``/catalog`` from a plain ``lisgraph serve`` (a build,
no release) and fills what portals show: version, issued, modified, language, the contact email
and a spatial geometry.

CKAN pins Flask and others differently from lisgraph, so it lives in a virtualenv of its own,
``tests/clients/ckan-venv``, which ``.ci/run`` makes; the parser runs there
(``tests/clients/ckan_read_catalog.py``) and prints the package dicts it made as JSON.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from lisgraph.builder import BuildResult

from ..helpers import PROJECT_DIR, start_server, stop_server

CLIENTS = PROJECT_DIR / "tests" / "clients"
CKAN_PYTHON = CLIENTS / "ckan-venv" / "bin" / "python"
CONTACT = "lisgraph-editors@example.org"
PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_2", "euro_dcat_ap"]
ACCEPTS = ["text/turtle", "application/rdf+xml", "application/ld+json"]

pytestmark = pytest.mark.skipif(
    not CKAN_PYTHON.is_file(),
    reason=f"CKAN and ckanext-dcat are not installed here ({CKAN_PYTHON} is missing): "
    ".ci/run installs them from tests/clients/ckan-requirements.txt",
)


@pytest.fixture(scope="module")
def plain_server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``lisgraph serve`` over a plain build, with the one setting the data cannot give: the
    contact address."""
    log = tmp_path_factory.mktemp("ckan-server") / "serve.log"
    process, url = start_server(
        built.out_dir,
        "--no-build",
        env={"LISGRAPH_CONTACT_EMAIL": CONTACT},
        log=log,
    )
    yield url
    stop_server(process)


def _read(url: str, accept: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(CKAN_PYTHON), str(CLIENTS / "ckan_read_catalog.py"), url, accept, *PROFILES],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    read: dict[str, Any] = json.loads(done.stdout)
    return read


def _field(package: dict[str, Any], key: str) -> Any:
    """A field of a package dict: top level, or among the extras (where the profiles put what
    CKAN's core schema has no column for)."""
    if package.get(key) not in (None, "", []):
        return package[key]
    extras = {e["key"]: e["value"] for e in package.get("extras", [])}
    return extras.get(key)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_ckan_fills_the_portal_fields(plain_server: str, built: BuildResult, accept: str) -> None:
    read = _read(plain_server + "catalog", accept)
    assert read["media_type"] == accept
    info = json.loads((built.out_dir / "build.json").read_text())
    for profile in PROFILES:
        datasets = read["datasets"][profile]
        main = [
            d for d in datasets if _field(d, "uri") == "https://w3id.org/lisgraph/catalog#dataset"
        ]
        assert len(main) == 1, (profile, [_field(d, "uri") for d in datasets])
        package = main[0]
        assert _field(package, "version") == info["version"], profile
        for key in ("issued", "modified"):  # the build's date, as the catalogue states it
            assert str(_field(package, key))[:10] == info["built"][:10], (profile, key)
        language = json.loads(_field(package, "language"))
        assert language == ["http://publications.europa.eu/resource/authority/language/ENG"]
        assert _field(package, "contact_email") == CONTACT, profile
        geometry = json.loads(_field(package, "spatial"))
        assert geometry["type"] == "Polygon", profile
        ring = geometry["coordinates"][0]
        longitudes = [x for x, _ in ring]
        latitudes = [y for _, y in ring]
        # England: from the Isles of Scilly (6.4 W) to East Anglia (1.8 E), 49.9 N to 55.8 N
        assert -6.5 < min(longitudes) < -6 and 1.7 < max(longitudes) < 1.8, profile
        assert 49.8 < min(latitudes) < 50 and 55.7 < max(latitudes) < 55.9, profile
