"""The layers of ../shared/ARCHITECTURE.md, checked on the source: formats/ is bytes <->
records and never touches the database; the way records come in (sync/) is one trip down
and back, with no module importing another that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rolodex"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every rolodex module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "rolodex"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rolodex"))
    return found


GRAPH = {_module(p): _imports(p) for p in PACKAGE.rglob("*.py")}
GRAPH = {m: {i for i in deps if i in GRAPH and i != m} for m, deps in GRAPH.items()}


def test_formats_touch_no_database():
    for module, deps in GRAPH.items():
        if not module.startswith("rolodex.formats."):
            continue
        below = {d for d in deps if d.startswith(("rolodex.store", "rolodex.sync",
                                                   "rolodex.cli", "rolodex.session"))}
        assert not below, f"{module} imports {sorted(below)}"
        text = (PACKAGE.parent / (module.replace(".", "/") + ".py")).read_text()
        assert ".execute(" not in text and "Database" not in text, module


def test_nothing_below_imports_sync():
    for module, deps in GRAPH.items():
        if module.startswith(("rolodex.store", "rolodex.formats", "rolodex.reports")):
            assert not any(d.startswith("rolodex.sync") for d in deps), module


def _cycle_through(start: str) -> list[str] | None:
    """A chain of imports from ``start`` back to itself, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        module, path = stack.pop()
        for dep in GRAPH.get(module, ()):
            if dep == start:
                return [*path, dep]
            if dep not in seen:
                seen.add(dep)
                stack.append((dep, [*path, dep]))
    return None


def test_the_import_walk_has_no_cycles():
    for module in GRAPH:
        if module.startswith(("rolodex.sync", "rolodex.formats")):
            assert _cycle_through(module) is None, " -> ".join(_cycle_through(module))


def test_commands_hold_no_sql_and_open_no_transaction():
    """A command parses, makes one call below cli/ (which owns its transaction), renders."""
    import re

    found = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.execute(many)?\(|db\.write\(|\.query\(", line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []
