"""Module-level import edges of work-dir files, read with ``ast``: the local rescan.

Strategies that cut or add imports use these to prove the import graph they leave:
an import cycle gone, no new cycle made. Imports inside functions and under
``if TYPE_CHECKING:`` do not run when the module is imported, so they are no edges.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from gitupgrade.refactor.strategies.source import RefusedChange, Workspace


def resolve_relative(package: str, level: int, module: str | None) -> str:
    """The absolute name of ``from <level dots><module> import ...`` inside ``package``."""
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return module or ""
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run at import time: descend into if/try/with/class, not into functions."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        yield node
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _runtime_statements(node.body)
            yield from _runtime_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _runtime_statements(block)
            for handler in node.handlers:
                yield from _runtime_statements(handler.body)
        elif isinstance(node, (ast.With, ast.ClassDef)):
            yield from _runtime_statements(node.body)


def imported_modules(tree: ast.Module, package: str) -> set[str]:
    """Absolute names of the modules ``tree`` imports at import time (incl. ``pkg.name`` guesses)."""
    found: set[str] = set()
    for node in _runtime_statements(tree.body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(package, node.level, node.module)
            found.add(base)
            found.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
    return found


def module_graph(ws: Workspace, modules: Iterable[str]) -> dict[str, set[str]]:
    """Import-time edges among ``modules`` as they are now in the work dir."""
    names = set(modules)
    graph: dict[str, set[str]] = {}
    for module in names:
        path = ws.path_of(module)
        if path is None:
            continue
        source = ws.read(path, module)
        try:
            tree = ast.parse(source.text)
        except SyntaxError as exc:
            raise RefusedChange(f"{path} no longer parses: {exc.msg}") from exc
        graph[module] = (imported_modules(tree, source.package) & names) - {module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules, or None when it has none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def reaches(ws: Workspace, start: str, target: str, limit: int = 2000) -> bool:
    """True when importing ``start`` imports ``target`` (module-level edges, work-dir modules)."""
    seen = {start}
    todo = [start]
    while todo and len(seen) < limit:
        module = todo.pop()
        path = ws.path_of(module)
        if path is None:
            continue
        source = ws.read(path, module)
        try:
            tree = ast.parse(source.text)
        except SyntaxError:
            continue
        for name in imported_modules(tree, source.package):
            # importing a.b.c runs a and a.b first
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix == target:
                    return True
                if prefix not in seen and ws.path_of(prefix) is not None:
                    seen.add(prefix)
                    todo.append(prefix)
    return False
