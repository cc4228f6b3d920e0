"""lisgraph.shacl stays a leaf layer: of lisgraph it imports only errors, config and canonical.

The build imports the validator, never the other way round (lisgraph/shacl/README.md); an
import of anything else from lisgraph here would tie validation to the build or the web app.
"""

from __future__ import annotations

import re
from pathlib import Path

from .helpers import PROJECT_DIR
from .layering import imports_of

PACKAGE = PROJECT_DIR / "lisgraph" / "shacl"
ALLOWED = {"lisgraph.errors", "lisgraph.config", "lisgraph.canonical"}


def _lisgraph_imports(path: Path, source: str | None = None) -> set[str]:
    """The lisgraph modules imported by the module at ``path``, relative imports resolved (by
    the parser ``tests/test_package.py`` uses too)."""
    return {i.module for i in imports_of(path, source) if i.module.split(".")[0] == "lisgraph"}


def test_the_package_imports_only_leaf_modules_of_lisgraph() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 10
    for path in files:
        imported = _lisgraph_imports(path)
        outside = {m for m in imported if not m.startswith("lisgraph.shacl")} - ALLOWED
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_a_forbidden_import_is_found() -> None:
    source = "from ..builder import build_project\nfrom .. import store\nimport lisgraph.web\n"
    assert _lisgraph_imports(PACKAGE / "compile.py", source) == {
        "lisgraph.builder",
        "lisgraph.store",
        "lisgraph.web",
    }


def test_modules_import_only_modules_above_them_in_the_readme_table() -> None:
    """The package README's module table is also its layering: no cycles, no surprises."""
    readme = (PACKAGE / "README.md").read_text(encoding="utf-8")
    order = re.findall(r"^\| `(\w+)\.py` \|", readme, re.MULTILINE)
    assert sorted(order) == sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    for i, stem in enumerate(order):
        inside = {
            m.removeprefix("lisgraph.shacl.")
            for m in _lisgraph_imports(PACKAGE / f"{stem}.py")
            if m.startswith("lisgraph.shacl.")
        }
        assert inside <= set(order[:i]), f"{stem}.py imports {sorted(inside - set(order[:i]))}"
