"""lisgraph.shacl stays a leaf layer: of lisgraph it imports only errors, config and canonical.

The build imports the validator, never the other way round (lisgraph/shacl/README.md); an
import of anything else from lisgraph here would tie validation to the build or the web app.
"""

from __future__ import annotations

import ast
import re

from .helpers import PROJECT_DIR

PACKAGE = PROJECT_DIR / "lisgraph" / "shacl"
ALLOWED = {"lisgraph.errors", "lisgraph.config", "lisgraph.canonical"}


def _lisgraph_imports(source: str, module: str) -> set[str]:
    """The lisgraph modules imported by ``module`` (dotted name), relative imports resolved."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "lisgraph"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.rsplit(".", node.level)[0]
                name = f"{package}.{node.module}" if node.module else package
            else:
                name = node.module or ""
            if name.split(".")[0] == "lisgraph":
                # "from . import value" names modules, not attributes of the package.
                names = [f"{name}.{a.name}" for a in node.names] if not node.module else [name]
                found |= set(names)
    return found


def test_the_package_imports_only_leaf_modules_of_lisgraph() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 10
    for path in files:
        module = f"lisgraph.shacl.{path.stem}"
        if path.stem == "__init__":
            module = "lisgraph.shacl.__init__"
        imported = _lisgraph_imports(path.read_text(encoding="utf-8"), module)
        outside = {m for m in imported if not m.startswith("lisgraph.shacl")} - ALLOWED
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_a_forbidden_import_is_found() -> None:
    source = "from ..build import build_project\nfrom .. import store\nimport lisgraph.web\n"
    assert _lisgraph_imports(source, "lisgraph.shacl.compile") == {
        "lisgraph.build",
        "lisgraph.store",
        "lisgraph.web",
    }


def test_modules_import_only_modules_above_them_in_the_readme_table() -> None:
    """The package README's module table is also its layering: no cycles, no surprises."""
    readme = (PACKAGE / "README.md").read_text(encoding="utf-8")
    order = re.findall(r"^\| `(\w+)\.py` \|", readme, re.MULTILINE)
    assert sorted(order) == sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    for i, stem in enumerate(order):
        source = (PACKAGE / f"{stem}.py").read_text(encoding="utf-8")
        inside = {
            m.removeprefix("lisgraph.shacl.")
            for m in _lisgraph_imports(source, f"lisgraph.shacl.{stem}")
            if m.startswith("lisgraph.shacl.")
        }
        assert inside <= set(order[:i]), f"{stem}.py imports {sorted(inside - set(order[:i]))}"
