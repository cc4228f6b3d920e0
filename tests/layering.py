"""Who may import whom: the one import parser of the layering tests, and the checker that holds
an import table against the rules of ``lisgraph/README.md``.

The parser and the checker are separate so that the checker can be run on made-up import tables
(``tests/test_package.py`` shows each rule failing that way) as well as on the real files.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .helpers import PROJECT_DIR

PACKAGE = PROJECT_DIR / "lisgraph"
#: The layer of the package root, ``__main__`` and the CLI (the last row of the README's table).
ENTRY_POINTS = "entry points"
#: The layer of the top-level modules listed in the first row of the README's table.
LEAVES = "leaves"


@dataclass(frozen=True)
class Import:
    """One import statement's target: the module it loads, resolved to a dotted name."""

    line: int
    module: str


def module_name(path: Path, root: Path = PROJECT_DIR) -> str:
    """The dotted name of the module at ``path`` (a package is named by its folder)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str, root: Path) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path: Path, source: str | None = None, root: Path = PROJECT_DIR) -> list[Import]:
    """Every module imported by the file at ``path`` (whose text is ``source``, or read from
    ``path``), wherever the statement is (function bodies and ``TYPE_CHECKING`` blocks too).

    Relative imports are resolved against ``path``. ``from package import name`` names the
    module ``package.name`` when there is such a file under ``root``, else ``package`` (the name
    is an attribute). ``import a.b`` names ``a.b``.
    """
    this = module_name(path, root)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    text = source if source is not None else path.read_text(encoding="utf-8")
    found: list[Import] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [Import(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                origin = ".".join(p for p in (base, node.module or "") if p)
            else:
                origin = node.module or ""
            for alias in node.names:
                candidate = f"{origin}.{alias.name}" if origin else alias.name
                target = candidate if _is_module(candidate, root) else origin
                found.append(Import(node.lineno, target))
    return list(dict.fromkeys(found))


# --- the rules, read from lisgraph/README.md ---------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The README's table: each layer's members (top-level names under ``lisgraph``) and the
    other layers it may import, in the table's order."""

    members: dict[str, set[str]]
    may_import: dict[str, set[str]]

    def layer_of(self, module: str) -> str | None:
        """The layer of a ``lisgraph`` module (``lisgraph`` itself is the entry points')."""
        top = module.split(".")[1] if "." in module else "__init__"
        return next((layer for layer, tops in self.members.items() if top in tops), None)


_ROW = re.compile(r"^\| (?P<layer>[^|]+?) \| (?P<holds>[^|]+?) \| (?P<may>[^|]+?) \|$", re.M)


def read_rules(readme: str) -> Rules:
    """The layers table of ``lisgraph/README.md``: the leaves and entry points are the modules
    their row names (``x.py``, ``x/``); any other layer is its folder. The "may import" column
    lists ``leaves`` and folder names in backquotes; a layer's own modules are always allowed."""
    members: dict[str, set[str]] = {}
    may_import: dict[str, set[str]] = {}
    for row in _ROW.finditer(readme):
        name = row["layer"].strip("` ").rstrip("/")
        if name in ("layer", "---"):
            continue
        if name in (LEAVES, ENTRY_POINTS):
            members[name] = set(re.findall(r"`(\w+)(?:\.py|/)`", row["holds"]))
        else:
            members[name] = {name.rstrip("/")}
        allowed = set(re.findall(r"`(\w+)/?`", row["may"]))
        if re.search(rf"\b{LEAVES}\b", row["may"]):
            allowed.add(LEAVES)
        if not allowed:
            raise ValueError(
                f"the row of {name} names no layer it may import ({row['may'].strip()!r}): "
                "name them (leaves, `store`, ...), as the other rows do"
            )
        may_import[name] = allowed - {name}
    return Rules(members, may_import)


def rule_errors(rules: Rules) -> list[str]:
    """What is wrong with the rules themselves: a layer allowed to import one not above it in
    the table (so the table is a DAG, in the table's order), an unknown layer, or a module in
    two layers."""
    errors = []
    order = list(rules.members)
    for position, (layer, allowed) in enumerate(rules.may_import.items()):
        unknown = allowed - set(order)
        if unknown:
            errors.append(f"{layer} may import unknown layers {sorted(unknown)}")
        below = allowed & set(order[position:])
        if below:
            errors.append(f"{layer} may import {sorted(below)}, which are not above it")
    seen: dict[str, str] = {}
    for layer, tops in rules.members.items():
        for top in sorted(tops):
            if top in seen:
                errors.append(f"lisgraph.{top} is in two layers: {seen[top]} and {layer}")
            seen[top] = layer
    return errors


# --- the checker ---------------------------------------------------------------------------


def violations(
    table: Mapping[str, Iterable[Import]], rules: Rules, blueprints: Iterable[str] = ()
) -> list[str]:
    """Every import in ``table`` (module -> its imports) that breaks a rule:

    - a lisgraph module imports a layer that its row does not allow, or is in no layer;
    - a module defining a Flask blueprint imports another such module (``lisgraph/web/README.md``);
    - lisgraph imports ``bench`` or ``tests``; ``bench`` imports ``tests`` (``bench/README.md``).
    """
    blueprint_set = set(blueprints)
    found = []
    for module, imports in table.items():
        top = module.split(".")[0]
        here = rules.layer_of(module) if top == "lisgraph" else None
        if top == "lisgraph" and here is None:
            found.append(f"{module} is in no layer of lisgraph/README.md")
            continue
        for imp in imports:
            target_top = imp.module.split(".")[0]
            where = f"{module}:{imp.line} imports {imp.module}"
            if target_top == "tests" and top in ("lisgraph", "bench"):
                found.append(f"{where}: nothing in {top} imports the tests")
            elif target_top == "bench" and top == "lisgraph":
                found.append(f"{where}: the package does not import the benchmark")
            elif target_top == "lisgraph" and here is not None:
                there = rules.layer_of(imp.module)
                if there is None:
                    found.append(f"{where}, which is in no layer")
                elif there != here and there not in rules.may_import[here]:
                    found.append(f"{where}: {here} may not import {there}")
            if module in blueprint_set and imp.module in blueprint_set and imp.module != module:
                found.append(f"{where}: one blueprint imports another")
    return found


def defines_blueprint(source: str) -> bool:
    """Whether the module's text makes a ``Blueprint(...)``."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name | ast.Attribute)
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "Blueprint"
        for node in ast.walk(ast.parse(source))
    )


def import_table(files: Iterable[Path], root: Path = PROJECT_DIR) -> dict[str, list[Import]]:
    """The imports of each file, by module name."""
    return {module_name(path, root): imports_of(path, root=root) for path in files}
