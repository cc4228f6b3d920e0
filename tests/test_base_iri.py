"""The base IRI is one setting: a build under another base mints every IRI under it."""

from __future__ import annotations

from pathlib import Path

from lisgraph import Settings, build_project

from .helpers import PROJECT_DIR


def test_build_under_another_base(tmp_path: Path) -> None:
    base = "http://data.example.org/lis/"
    settings = Settings.from_mapping(
        {"BASE_IRI": base, "PROJECT_DIR": str(PROJECT_DIR), "DIST_DIR": str(tmp_path / "d")}
    )
    result = build_project(settings)
    text = (result.out_dir / "lisgraph.nt").read_text(encoding="utf-8")
    assert "https://w3id.org/lisgraph/" not in text
    assert f"<{base}id/lep/E37000057>" in text
    assert f"<{base}def/lis#LocalEnterprisePartnership>" in text


def test_malformed_base_is_a_config_error() -> None:
    import pytest

    from lisgraph import ConfigError

    with pytest.raises(ConfigError):
        Settings.from_mapping({"BASE_IRI": "not an iri"})
