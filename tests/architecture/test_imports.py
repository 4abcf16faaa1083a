"""The project's own modules import each other one way only: no cycles, counting imports inside functions.

Imports under `if TYPE_CHECKING:` are left out: they never run. The graph is built from the source with ast,
so an import hidden in a function body counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("careers_site", "microcredentials")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every module name this one imports at run time, resolved to the most specific name given."""
    names: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if _is_type_checking_block(node):
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package
                package_parts = module.split(".") if is_package else module.split(".")[:-1]
                anchor = package_parts[: len(package_parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        pending.extend(ast.iter_child_nodes(node))
    return names


def import_graph() -> dict[str, set[str]]:
    modules = _project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported = _imported_names(ast.parse(path.read_text()), name, path.name == "__init__.py")
        graph[name] = {target for target in imported if target in modules and target != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first repeated at the end), or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_the_project_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function() -> None:
    # The check itself must be able to fail: a two-module cycle made only of a function-level import.
    source_a = ast.parse("import microcredentials.b\n")
    source_b = ast.parse("def f():\n    from microcredentials import a\n")
    graph = {
        "microcredentials.a": _imported_names(source_a, "microcredentials.a", False) & {"microcredentials.b"},
        "microcredentials.b": _imported_names(source_b, "microcredentials.b", False) & {"microcredentials.a"},
    }
    assert find_cycle(graph) == ["microcredentials.a", "microcredentials.b", "microcredentials.a"]


def test_type_checking_imports_are_not_counted() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from microcredentials import models\n")
    assert "microcredentials.models" not in _imported_names(tree, "microcredentials.x", False)


@pytest.mark.parametrize("package", ["careers_site.pagecache", "microcredentials.lib"])
def test_lower_layers_import_no_feature(package: str) -> None:
    """The page cache and lib/ know no feature, and lib/ no model: features register with them instead."""
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith(package):
            assert not {t for t in targets if t.startswith("microcredentials")} - {
                t for t in targets if t.startswith("microcredentials.lib")
            }, f"{module} imports {sorted(targets)}"


def test_the_app_top_level_holds_only_django_entry_points_and_packages() -> None:
    allowed = {"__init__.py", "models.py", "apps.py", "urls.py", "admin.py", "signals.py"}
    top = ROOT / "microcredentials"
    modules = {path.name for path in top.glob("*.py")}
    assert modules <= allowed, sorted(modules - allowed)
