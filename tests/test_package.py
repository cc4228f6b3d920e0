"""The package's shape: each layer imports only what the table of ``lisgraph/README.md`` allows
(read as data by ``tests/layering.py``), and the public surface is what ``lisgraph.__all__``
says it is."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import subprocess
import sys
from itertools import product

import pytest

import lisgraph
from lisgraph import artifact, vocab

from .helpers import PROJECT_DIR
from .layering import (
    ENTRY_POINTS,
    PACKAGE,
    Import,
    Rules,
    defines_blueprint,
    import_table,
    imports_of,
    read_rules,
    rule_errors,
    violations,
)

RULES = read_rules((PACKAGE / "README.md").read_text(encoding="utf-8"))
FILES = sorted(PACKAGE.rglob("*.py")) + sorted((PROJECT_DIR / "bench").rglob("*.py"))
BLUEPRINTS = {
    f"lisgraph.web.{path.stem}"
    for path in sorted((PACKAGE / "web").glob("*.py"))
    if defines_blueprint(path.read_text(encoding="utf-8"))
}


def _member(layer: str) -> str:
    """A module of ``layer``, for made-up import tables."""
    top = sorted(RULES.members[layer])[0]
    return "lisgraph" if top == "__init__" else f"lisgraph.{top}"


def test_the_readme_table_is_read_and_is_a_dag() -> None:
    assert list(RULES.members) == [
        "leaves", "shacl", "builder", "store", "publish", "views", "web", ENTRY_POINTS
    ]  # fmt: skip
    assert {"errors", "config", "artifact", "queries"} <= RULES.members["leaves"]
    assert RULES.members[ENTRY_POINTS] == {"cli", "__main__", "__init__"}
    assert RULES.may_import["store"] == {"leaves"}
    assert RULES.may_import["publish"] == {"leaves", "builder", "store"}
    assert rule_errors(RULES) == []


def test_a_row_that_names_no_layer_is_refused() -> None:
    """A row written in prose ("everything above") would allow nothing, or be misread."""
    row = "| `web/` | the Flask app | everything above but the CLI |"
    with pytest.raises(ValueError, match="names no layer"):
        read_rules(f"| layer | what lives there | may import |\n|---|---|---|\n{row}\n")


def test_every_top_level_module_is_in_a_layer() -> None:
    tops = {path.name.removesuffix(".py") for path in PACKAGE.iterdir()}
    tops = {top for top in tops if (PACKAGE / top).is_dir() or (PACKAGE / f"{top}.py").is_file()}
    tops -= {"__pycache__"}
    placed = set().union(*RULES.members.values())
    assert tops - placed == set(), "add these to the table of lisgraph/README.md"


def test_no_import_breaks_a_rule() -> None:
    assert len(FILES) > 100, "the package's and the benchmark's modules were not found"
    assert len(BLUEPRINTS) >= 9, "the blueprints were not found"
    broken = violations(import_table(FILES), RULES, BLUEPRINTS)
    assert not broken, "imports that break the rules of lisgraph/README.md:\n" + "\n".join(broken)


# --- each rule can fail ---------------------------------------------------------------------

FORBIDDEN = [
    (layer, other)
    for layer, other in product(RULES.members, RULES.members)
    if layer != other and other not in RULES.may_import[layer]
]


@pytest.mark.parametrize(("layer", "other"), FORBIDDEN)
def test_every_import_the_table_forbids_is_found(layer: str, other: str) -> None:
    table = {f"{_member(layer)}.probe": [Import(3, _member(other))]}
    assert violations(table, RULES) == [
        f"{_member(layer)}.probe:3 imports {_member(other)}: {layer} may not import {other}"
    ]


def test_the_table_forbids_what_the_review_probed() -> None:
    assert len(FORBIDDEN) >= 20
    probed = [("store", "builder"), ("store", "shacl"), ("views", "publish"), ("web", ENTRY_POINTS)]
    assert set(probed) <= set(FORBIDDEN)


@pytest.mark.parametrize(
    ("where", "source", "imported"),
    [
        ("store", "from ..builder import build_project\n", "lisgraph.builder"),
        ("store", "from ..shacl import check\n", "lisgraph.shacl"),
        ("store", "import lisgraph\n", "lisgraph"),
        ("store", "from .. import __version__\n", "lisgraph"),
        ("store", "def f() -> None:\n    import lisgraph.cli\n", "lisgraph.cli"),
        ("views", "from ..publish.mirror import mirror\n", "lisgraph.publish.mirror"),
        ("views", "from lisgraph.web import create_app\n", "lisgraph.web"),
    ],
)
def test_the_parser_finds_a_forbidden_import_however_it_is_written(
    where: str, source: str, imported: str
) -> None:
    probe = PACKAGE / where / "probe.py"
    module = f"lisgraph.{where}.probe"
    imports = imports_of(probe, source)
    assert [i.module for i in imports] == [imported]
    assert len(violations({module: imports}, RULES)) == 1
    allowed = imports_of(probe, "from ..config import Limits\nfrom .. import errors\n")
    assert [i.module for i in allowed] == ["lisgraph.config", "lisgraph.errors"]
    assert violations({module: allowed}, RULES) == []


def test_a_blueprint_importing_another_is_found() -> None:
    assert {"lisgraph.web.pages", "lisgraph.web.sparql"} <= BLUEPRINTS
    imports = imports_of(PACKAGE / "web" / "sparql.py", "from .pages import bp\n")
    assert imports == [Import(1, "lisgraph.web.pages")]
    assert violations({"lisgraph.web.sparql": imports}, RULES, BLUEPRINTS) == [
        "lisgraph.web.sparql:1 imports lisgraph.web.pages: one blueprint imports another"
    ]
    shared = [Import(1, "lisgraph.web.documents")]
    assert violations({"lisgraph.web.sparql": shared}, RULES, BLUEPRINTS) == []


def test_the_package_and_the_benchmark_never_import_the_tests() -> None:
    table = {
        "lisgraph.store.probe": [Import(1, "tests.helpers"), Import(2, "bench.stores.server")],
        "bench.probe": [Import(1, "tests.helpers"), Import(2, "lisgraph.web")],
        "tests.probe": [Import(1, "bench.stores.server"), Import(2, "lisgraph.cli")],
    }
    assert violations(table, RULES) == [
        "lisgraph.store.probe:1 imports tests.helpers: nothing in lisgraph imports the tests",
        "lisgraph.store.probe:2 imports bench.stores.server: "
        "the package does not import the benchmark",
        "bench.probe:1 imports tests.helpers: nothing in bench imports the tests",
    ]


def test_a_module_in_no_layer_is_found() -> None:
    table = {"lisgraph.helpers": [Import(1, "lisgraph.errors")], "lisgraph.web.x": []}
    table["lisgraph.web.y"] = [Import(4, "lisgraph.extras")]
    assert violations(table, RULES) == [
        "lisgraph.helpers is in no layer of lisgraph/README.md",
        "lisgraph.web.y:4 imports lisgraph.extras, which is in no layer",
    ]


def test_rules_that_are_not_a_dag_are_found() -> None:
    members = {name: set(tops) for name, tops in RULES.members.items()}
    may_import = {name: set(allowed) for name, allowed in RULES.may_import.items()}
    may_import["store"].add("views")  # views already may import store: a cycle
    members["web"].add("errors")
    assert rule_errors(Rules(members, may_import)) == [
        "store may import ['views'], which are not above it",
        "lisgraph.errors is in two layers: leaves and web",
    ]


def test_exported_members_are_the_public_names() -> None:
    public = {name for name in dir(lisgraph) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(lisgraph, name)).__name__ == "module"}
    assert set(lisgraph.__all__) - {"__version__"} == public - modules
    assert "QueryLimitError" in lisgraph.__all__
    assert all(getattr(lisgraph, name) is not None for name in lisgraph.__all__)


def _modules_after(statement: str) -> set[str]:
    """The modules loaded in a new interpreter by ``statement``."""
    code = f"import sys\n{statement}\nprint(' '.join(sys.modules))"
    env = {"PYTHONPATH": str(PROJECT_DIR), "PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return set(done.stdout.split())


def test_importing_the_package_loads_nothing_heavy() -> None:
    """A gunicorn worker, a script reading the settings, or one catching a lisgraph error imports
    the package root: it must not pay for the build, pySHACL or rdflib (about 0.2 s and 37 MB,
    bench/RESULTS.md). The build is imported when one of its names is first used."""
    heavy = {"pyshacl", "rdflib", "pyoxigraph", "flask", "lisgraph.builder", "lisgraph.shacl"}
    for statement in ["import lisgraph", "from lisgraph import LisgraphError, Settings"]:
        loaded = _modules_after(statement)
        assert "lisgraph.config" in loaded
        assert not heavy & loaded, f"{statement!r} loads {sorted(heavy & loaded)}"
    assert "lisgraph.builder" in _modules_after("from lisgraph import build_project")
    # Nor do the layers a worker serves from, below the web app.
    serving = _modules_after("import lisgraph.store.query_pool, lisgraph.views.resource")
    assert not {"pyshacl", "flask", "lisgraph.builder", "lisgraph.shacl"} & serving


def test_a_web_worker_loads_neither_the_build_nor_pyshacl() -> None:
    """What a gunicorn worker imports (the app, its worker class, its settings) reads the build,
    release and mirror layouts from ``artifact.py``: none of the build, the SHACL layer, pySHACL
    or the publisher is loaded."""
    worker = _modules_after(
        "import lisgraph.web, lisgraph.web.worker, lisgraph.web.gunicorn_config, "
        "lisgraph.web.warming"
    )
    assert "lisgraph.web.releases" in worker and "lisgraph.artifact" in worker
    not_needed = {"pyshacl", "lisgraph.builder", "lisgraph.shacl", "lisgraph.publish"}
    assert not not_needed & worker, sorted(not_needed & worker)


def _layout_names() -> set[str]:
    """Every file or folder name of the on-disk layouts :mod:`lisgraph.artifact` defines."""
    names = {
        value
        for name in artifact.__all__
        if isinstance(value := getattr(artifact, name), str) and name.isupper()
    }
    names |= {dump.filename for dump in artifact.DUMP_FORMATS}
    names |= set(artifact.DOWNLOADS) | set(artifact.RELEASE_FILES)
    return names | {name + ".gz" for name in names}


def _spelled(source: str, names: set[str]) -> list[tuple[int, str]]:
    """Where ``source`` writes one of ``names`` as a string literal of its own (docstrings and
    other bare strings aside)."""
    tree = ast.parse(source)
    bare = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in names
        and id(node) not in bare
    ]


def test_layout_file_names_are_spelled_only_in_artifact() -> None:
    """The build's, a release's and a mirror's file names are constants of ``artifact.py``:
    code elsewhere that wrote ``"lisgraph.nq"`` would miss a renamed file."""
    names = _layout_names()
    assert {"lisgraph.nq", "build.json", "SHA256SUMS", "release.json", "changes"} <= names
    found = {
        f"{path.relative_to(PROJECT_DIR)}:{line} {value!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "artifact.py"
        for line, value in _spelled(path.read_text(encoding="utf-8"), names)
    }
    assert not found
    probe = (
        '"""Reads lisgraph.nq."""\n'
        'x = build / "lisgraph.nq"\n'
        'y = f"{path / \'changes\'}", "SHA256SUMS"\n'
    )
    assert sorted(_spelled(probe, names)) == [(2, "lisgraph.nq"), (3, "SHA256SUMS"), (3, "changes")]


def test_no_export_is_named_like_a_subpackage() -> None:
    """A root name that is also a submodule's hides it: ``lisgraph.build`` was once the build
    function, so ``import lisgraph.build.sources as sources`` failed."""
    submodules = {module.name for module in pkgutil.iter_modules(lisgraph.__path__)}
    assert {"builder", "shacl", "store", "web", "cli"} <= submodules
    assert not submodules & set(lisgraph.__all__)
    for name in sorted(submodules - {"__main__"}):
        assert getattr(lisgraph, name, None) in (None, importlib.import_module(f"lisgraph.{name}"))
    import lisgraph.builder.sources as sources

    assert sources.__name__ == "lisgraph.builder.sources"


def _namespaces() -> set[str]:
    """The namespace IRIs :mod:`lisgraph.vocab` names, and the path of ``lis:`` under a base."""
    spaces = {
        str(value)
        for name in vocab.__all__
        if name.isupper() and str(value := getattr(vocab, name)).startswith("http")
    }
    return spaces | {vocab.LIS_PATH}


def _spelling_a_namespace(source: str, spaces: set[str]) -> list[int]:
    """The lines of ``source`` with a string literal (docstrings aside) holding a namespace."""
    tree = ast.parse(source)
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in bare
            and any(space in node.value for space in spaces)
        }
    )


def test_namespaces_are_spelled_only_in_vocab() -> None:
    """Every namespace, and ``lis:`` under any base (``vocab.lis_namespace``), comes from
    ``vocab.py``: a second spelling can drift (a wrong IRI is no error, just another term)."""
    spaces = _namespaces()
    assert {"http://purl.org/dc/terms/", "http://spdx.org/rdf/terms#", "def/lis#"} <= spaces
    found = {
        f"{path.relative_to(PROJECT_DIR)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "vocab.py"
        for line in _spelling_a_namespace(path.read_text(encoding="utf-8"), spaces)
    }
    assert not found
    probe = (
        '"""Uses http://purl.org/dc/terms/."""\n'
        'lis = base + "def/lis#"\n'
        'q = f"SELECT * {{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }}"\n'
    )
    assert _spelling_a_namespace(probe, spaces) == [2, 3]


def test_the_shacl_layer_exports_what_its_readme_documents() -> None:
    """``lisgraph.shacl`` is API (``lisgraph/README.md``, "What is public"): its ``__all__`` is
    every public name it has (modules aside), and its README names each one."""
    import lisgraph.shacl as shacl

    public = {
        name
        for name in dir(shacl)
        if not name.startswith("_")
        and type(getattr(shacl, name)).__name__ != "module"
        and name != "annotations"  # the __future__ feature, not an export
    }
    assert set(shacl.__all__) == public
    readme = (PACKAGE / "shacl" / "README.md").read_text(encoding="utf-8")
    assert [name for name in shacl.__all__ if f"`{name}" not in readme] == []
