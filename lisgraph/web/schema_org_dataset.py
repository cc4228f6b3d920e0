"""The dataset as schema.org ``Dataset`` JSON-LD, for search engines (Google Dataset Search): what
the DCAT catalogue states, in the terms they read."""

from __future__ import annotations

from typing import Any

from ..artifact import DUMP_FORMATS
from ..vocab import SCHEMA
from .dataset import current_snapshot
from .dataset_facts import (
    DESCRIPTION,
    ENGLAND,
    KEYWORDS,
    LICENCE,
    TEMPORAL,
    TITLE,
    dataset_iri,
    dump_sizes,
    modified,
    publisher_iri,
    version,
)
from .urls import public_root

__all__ = ["schema_org_dataset"]


def _schema_org_version() -> dict[str, str]:
    """schema.org ``version``, ``datePublished`` and ``dateModified`` from the releases."""
    releases = current_snapshot().releases()
    if not releases:
        name = version()
        return {"version": name} if name else {}
    stated = {
        "version": releases[-1].version,
        "datePublished": str(releases[0].info["date"]),
    }
    if modified() is None:
        stated["dateModified"] = str(releases[-1].info["date"])
    return stated


def schema_org_dataset() -> dict[str, Any]:
    """schema.org ``Dataset`` JSON-LD for search engines (Google Dataset Search), stating what
    the DCAT catalogue states (identifier, coverage, licence, publisher)."""
    root = public_root()
    sizes = dump_sizes()
    when = modified()
    publisher = {
        "@type": "Organization",
        "@id": str(publisher_iri()),
        "name": "lisgraph project",
        "url": root,
    }
    return {
        "@context": str(SCHEMA),
        "@type": "Dataset",
        "@id": str(dataset_iri()),
        "identifier": str(dataset_iri()),
        "name": TITLE,
        "description": DESCRIPTION,
        "url": root,
        "license": str(LICENCE),
        "isAccessibleForFree": True,
        "keywords": list(KEYWORDS),
        "creator": publisher,
        "publisher": publisher,
        "spatialCoverage": {"@type": "Place", "name": "England", "sameAs": str(ENGLAND)},
        "temporalCoverage": f"{TEMPORAL[0]}/{TEMPORAL[1]}",
        **({"dateModified": when.isoformat()} if when is not None else {}),
        **_schema_org_version(),
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "@id": str(current_snapshot().base) + "catalog",
            "name": "lisgraph catalogue",
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"lisgraph dump: {fmt.name}",
                "encodingFormat": fmt.media_type,
                "contentUrl": f"{root}downloads/{fmt.filename}",
                **({"contentSize": f"{sizes[fmt.filename]} B"} if fmt.filename in sizes else {}),
            }
            for fmt in DUMP_FORMATS
        ],
    }
