"""Shared fixtures: settings on a temporary output directory, and one build per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from lisgraph import Settings, build
from lisgraph.build import BuildResult
from lisgraph.store import EmbeddedStore

TESTS_DIR = Path(__file__).parent
SHAPES_DATA_DIR = TESTS_DIR / "shapes"
COMPETENCY_DIR = TESTS_DIR / "competency"
PROJECT_DIR = TESTS_DIR.parent
BASE = "https://w3id.org/lisgraph/"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Project settings with the default base and a private output directory."""
    return Settings.from_mapping(
        {"PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(tmp_path_factory.mktemp("dist"))}
    )


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    """One real build of the project's data, shared by the tests that only read it."""
    return build(settings)


@pytest.fixture(scope="session")
def store(built: BuildResult) -> EmbeddedStore:
    """The embedded store loaded from the session's build."""
    return EmbeddedStore.from_build(built.out_dir)
