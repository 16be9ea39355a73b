"""The house rules of DESIGN.md "Layout", checked on the source: the import graph of ``newsfacts/`` has no cycle
(every import statement counts, module-level or not), the library imports neither Prefect nor ``flows``, and no
module of the library or the flows grows past 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

FORBIDDEN = {"prefect", "prefect_dask", "flows"}
MAX_LINES = 600


def _graph() -> dict[str, set[str]]:
    files = {}
    for f in (REPO / "newsfacts").rglob("*.py"):
        parts = list(f.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = f

    def resolve(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in files}
    for module, f in files.items():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # "from pkg import sub" imports the module pkg.sub; "from pkg import name" imports pkg
                names = [
                    f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in files else node.module
                    for a in node.names
                ]
            for name in names:
                target = resolve(name) if name.startswith("newsfacts") else None
                if target is not None and target != module:
                    graph[module].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return [*path[path.index(n) :], n]
            if n not in state and (found := visit(n)) is not None:
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)) is not None:
            return found
    return None


def test_the_import_graph_of_newsfacts_has_no_cycle() -> None:
    graph = _graph()
    assert "newsfacts.storage.delta" in graph and "newsfacts.views" in graph
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def _imported_names(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def test_the_library_imports_neither_prefect_nor_flows() -> None:
    offenders = {
        str(f.relative_to(REPO)): sorted(n for n in _imported_names(f) if n.split(".")[0] in FORBIDDEN)
        for f in sorted((REPO / "newsfacts").rglob("*.py"))
    }
    assert {f: names for f, names in offenders.items() if names} == {}


def test_the_import_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """The checkers themselves: a cycle is found, and so is a Prefect import inside a function."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from prefect import flow\n    import flows.cli\n")
    assert _imported_names(module) == {"prefect", "flows.cli"}


@pytest.mark.parametrize("folder", ["newsfacts", "flows"])
def test_no_module_is_over_600_lines(folder: str) -> None:
    long = {
        str(f.relative_to(REPO)): n
        for f in sorted((REPO / folder).rglob("*.py"))
        if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
