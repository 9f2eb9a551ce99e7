"""The layers of ../shared/ARCHITECTURE.md, checked on the source: formats/ is bytes <->
records and never touches the database; the store imports nothing above it; every walk
(an import, a search, a finished task) is one trip down and back, with no module
importing another that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rolodex"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every rolodex module a file imports, at the top or inside a function: for ``from
    rolodex.store import journal`` that is ``rolodex.store.journal`` (not the package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "rolodex"):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rolodex"))
    return found


GRAPH = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}


def test_formats_touch_no_database():
    for module, deps in GRAPH.items():
        if not module.startswith("rolodex.formats."):
            continue
        below = {d for d in deps if d.startswith(("rolodex.store", "rolodex.sync",
                                                   "rolodex.cli", "rolodex.session"))}
        assert not below, f"{module} imports {sorted(below)}"
        text = (PACKAGE.parent / (module.replace(".", "/") + ".py")).read_text()
        assert ".execute(" not in text and "Database" not in text, module


def test_formats_reports_and_sync_do_not_import_each_other_sideways():
    """The three share a floor: formats/ renders a report through the model below both
    (``rolodex.report_model``); sync/ asks the store, not the reports, what is due."""
    for module, deps in GRAPH.items():
        if module.startswith("rolodex.formats."):
            assert not any(d.startswith("rolodex.reports") for d in deps), module
        if module.startswith("rolodex.sync."):
            assert not any(d.startswith(("rolodex.reports", "rolodex.cli")) for d in deps), module


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


def test_no_module_imports_itself_back():
    """No circle anywhere, not even one held apart by an import inside a function."""
    for module in GRAPH:
        cycle = _cycle_through(module)
        assert cycle is None, " -> ".join(cycle)


def test_the_store_imports_only_the_store_and_the_ground_floor():
    upper = ("rolodex.cli", "rolodex.formats", "rolodex.reports", "rolodex.sync",
             "rolodex.session")
    for module, deps in GRAPH.items():
        if module.startswith("rolodex.store"):
            assert not {d for d in deps if d.startswith(upper)}, module


def test_commands_hold_no_sql_and_open_no_transaction():
    """A command parses, makes one call below cli/ (which owns its transaction), renders."""
    import re

    found = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.execute(many)?\(|db\.write\(|\.query\(", line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_a_command_is_found_by_its_module_name_or_docstring():
    """A newcomer looking for ``rolodex doctor`` opens cli/doctor.py; a module holding
    several commands names each in the first paragraph of its docstring."""
    from rolodex.cli.app import COMMANDS, GROUPS

    for name, (module, _) in {**GROUPS, **COMMANDS}.items():
        if module == name.replace("-", "_"):
            continue
        doc = ast.get_docstring(ast.parse((PACKAGE / "cli" / f"{module}.py").read_text()))
        first = (doc or "").split("\n\n")[0]
        assert f"``{name}" in first or f"``rolodex {name}" in first, (name, module)
