"""Settings: defaults, and the one place that turns them into resolved paths and IRIs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["DEFAULTS", "DEFAULT_BASE_IRI", "PROJECT_DIR", "Settings"]

DEFAULT_BASE_IRI = "https://w3id.org/lisgraph/"

#: The checkout the package runs from: ontology/, data/ and shapes/ live here.
PROJECT_DIR = Path(__file__).resolve().parent.parent

#: Every setting with its default. Flask config uses the same keys.
DEFAULTS: dict[str, Any] = {
    "BASE_IRI": DEFAULT_BASE_IRI,
    "PROJECT_DIR": str(PROJECT_DIR),
    "DIST_DIR": None,  # default: PROJECT_DIR/dist
}


@dataclass(frozen=True)
class Settings:
    """Resolved build settings.

    ``base`` always ends with ``/``; directories are absolute paths.
    """

    base: str
    project_dir: Path
    dist_dir: Path

    @property
    def ontology_dir(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.project_dir / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.project_dir / "shapes"

    @property
    def reference_csv(self) -> Path:
        return self.data_dir / "reference" / "lad-to-lep-2020.csv"

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None = None) -> Settings:
        """Settings from a mapping of the DEFAULTS keys, then LISGRAPH_* environment variables.

        Raises ConfigError when the base IRI is not an absolute http(s) IRI.
        """
        values = dict(DEFAULTS)
        for key in DEFAULTS:
            env = os.environ.get(f"LISGRAPH_{key}")
            if env:
                values[key] = env
        if mapping:
            values.update({k: v for k, v in mapping.items() if k in DEFAULTS and v is not None})
        base = str(values["BASE_IRI"])
        if not base.startswith(("http://", "https://")) or any(c in base for c in ' <>"{}|\\^`#?'):
            raise ConfigError(
                f"The base IRI {base!r} is not an absolute http(s) IRI without query or fragment."
            )
        if not base.endswith("/"):
            base += "/"
        project_dir = Path(values["PROJECT_DIR"]).resolve()
        dist = values["DIST_DIR"]
        # absolute, not resolve(): the output path is a symbolic link to the current build
        dist_dir = Path(os.path.abspath(dist)) if dist else project_dir / "dist"
        return cls(base=base, project_dir=project_dir, dist_dir=dist_dir)
