"""The package's shape: each layer imports only the layers below it, and the public surface is
what ``lisgraph.__all__`` says it is."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import lisgraph

from .helpers import PROJECT_DIR

PACKAGE = PROJECT_DIR / "lisgraph"

#: Layers, lowest first. A module may import its own layer and those before it, nothing above.
LAYERS: list[tuple[str, set[str]]] = [
    (
        "leaves",
        {
            "_version",
            "errors",
            "config",
            "vocab",
            "sparql_text",
            "canonical",
            "artifact",
            "search_index",
            "queries",
        },
    ),
    ("shacl", {"shacl"}),
    ("build", {"build"}),
    ("store", {"store"}),
    ("publish", {"publish"}),
    ("views", {"views"}),
    ("web", {"web"}),
    ("entry points", {"cli", "__main__", "__init__"}),
]


def _layer(top: str) -> int:
    for rank, (_, members) in enumerate(LAYERS):
        if top in members:
            return rank
    raise AssertionError(f"lisgraph.{top} is in no layer: add it to LAYERS")


def _module_parts(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, top-level lisgraph module) for every lisgraph import of the file at ``path``
    (whose text is ``source``, or read from ``path``)."""
    parts = _module_parts(path)
    package = parts if path.name == "__init__.py" else parts[:-1]
    text = source if source is not None else path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(text)):
        targets: list[list[str]] = []
        if isinstance(node, ast.Import):
            targets = [a.name.split(".")[1:] for a in node.names if a.name.startswith("lisgraph.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = base + (node.module.split(".") if node.module else [])
                targets = [module] if node.module else [base + [a.name] for a in node.names]
            elif node.module and node.module.startswith("lisgraph."):
                targets = [node.module.split(".")[1:]]
            elif node.module == "lisgraph":
                targets = [[a.name] for a in node.names]
        for target in targets:
            if target:
                found.append((node.lineno, target[0]))
    return found


def _upward(path: Path, source: str | None = None) -> list[str]:
    parts = _module_parts(path)
    here = _layer(parts[0])
    return [
        f"{path.relative_to(PROJECT_DIR)}:{line} imports lisgraph.{top}"
        for line, top in _imports(path, source)
        if top != "__init__" and _layer(top) > here
    ]


def test_no_import_runs_upward() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 40, "the package's modules were not found"
    upward = [line for path in files for line in _upward(path)]
    assert not upward, "imports that run upward:\n" + "\n".join(upward)


def test_the_check_finds_an_upward_import() -> None:
    """The check can fail: a store module that imported the web app, relatively or not."""
    probe = PACKAGE / "store" / "probe.py"
    assert _upward(probe, "from ..web import create_app\n") == [
        "lisgraph/store/probe.py:1 imports lisgraph.web"
    ]
    assert _upward(probe, "import lisgraph.cli\n") == [
        "lisgraph/store/probe.py:1 imports lisgraph.cli"
    ]
    assert _upward(probe, "from ..config import Limits\nfrom .results import Term\n") == []


def test_exported_members_are_the_public_names() -> None:
    public = {name for name in vars(lisgraph) if not name.startswith("_")} - {"annotations"}
    modules = {name for name in public if type(getattr(lisgraph, name)).__name__ == "module"}
    assert set(lisgraph.__all__) - {"__version__"} == public - modules
    assert "QueryLimitError" in lisgraph.__all__


def test_no_export_is_named_like_a_subpackage() -> None:
    """A root name that is also a submodule's hides it: ``lisgraph.build`` was once the build
    function, so ``import lisgraph.build.sources as sources`` failed."""
    submodules = {module.name for module in pkgutil.iter_modules(lisgraph.__path__)}
    assert {"build", "shacl", "store", "web", "cli"} <= submodules
    assert not submodules & set(lisgraph.__all__)
    for name in sorted(submodules - {"__main__"}):
        assert getattr(lisgraph, name, None) in (None, importlib.import_module(f"lisgraph.{name}"))
    import lisgraph.build.sources as sources

    assert sources.__name__ == "lisgraph.build.sources"
