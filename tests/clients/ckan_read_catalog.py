"""Read a DCAT catalogue as a CKAN portal harvesting it does: ckanext-dcat's ``RDFParser`` with
the profiles named, over the document fetched from its URL. Prints the package dicts it makes,
as JSON, one list per profile set.

Run with the CKAN virtualenv's Python (``tests/clients/ckan-venv``, made by ``.ci/run``), by
``tests/system/test_ckan.py``: CKAN cannot be installed beside lisgraph (it pins Flask and
others differently). Usage: ``python ckan_read_catalog.py URL ACCEPT PROFILES [PROFILES...]``,
each PROFILES a comma-separated list (``euro_dcat_ap_3``, ``euro_dcat_ap_2,schemaorg``...).
"""

from __future__ import annotations

import json
import sys
import urllib.request

from ckanext.dcat.processors import RDFParser

_FORMATS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}


def main(url: str, accept: str, profile_sets: list[str]) -> None:
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit(f"Only a server on this machine's loopback is read, not {url}.")
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        media_type = response.headers.get_content_type()
    read = {}
    for profiles in profile_sets:
        parser = RDFParser(profiles=profiles.split(","))
        parser.parse(body, _format=_FORMATS[media_type])
        read[profiles] = list(parser.datasets())
    json.dump({"media_type": media_type, "datasets": read}, sys.stdout, default=str)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
