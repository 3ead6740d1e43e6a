"""Import lines the writers add or leave behind, in the form a project's checkers accept.

A re-export is marked as one (``from .new import A as A``, or ``# noqa: F401`` where the
project's ruff reports redundant aliases) when ``__all__`` does not list it and either
nothing left in the module reads it or the type checker counts no implicit re-export.
An import the moved code took with it is removed from the source module when nothing
left there reads it, unless someone could rely on it being there: a name in ``__all__``,
a ``from m import x as x``, or a name other modules import from it (then it is marked as
a re-export); in a package ``__init__`` what it imports from itself stays, marked as a
re-export."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

import libcst as cst

from gitupgrade.refactor.strategies.imports import resolve_relative
from gitupgrade.refactor.strategies.source import ModuleSource, Workspace
from gitupgrade.refactor.strategies.syntax import (
    Statement,
    bound_name,
    dotted,
    dunder_all_values,
    imports_needed,
    is_import,
    is_type_checking_block,
    move_leading_lines,
)
from gitupgrade.refactor.strategies.toplevel import map_module


def import_from(
    target: str, names: Iterable[str], line_length: int, explicit: set[str] | None = None, alias: bool = True
) -> str:
    """``from target import names``, wrapped to ``line_length``; the ``explicit`` names marked as re-exports.

    A re-export is ``N as N``, or with ``alias`` False (a project whose ruff reports
    redundant aliases, PLC0414) the line carries ``# noqa: F401``.
    """
    explicit = explicit or set()
    spelled = [f"{n} as {n}" if alias and n in explicit else n for n in names]
    noqa = "  # noqa: F401" if explicit and not alias else ""
    one_line = f"from {target} import {', '.join(spelled)}"
    if len(one_line) + len(noqa) <= line_length:
        return f"{one_line}{noqa}\n"
    inner = "".join(f"    {n},\n" for n in spelled)
    return f"from {target} import ({noqa}\n{inner})\n"


def all_names(module: cst.Module) -> set[str] | None:
    """The strings of the module's ``__all__`` (assigned or extended), or None without one."""
    values = dunder_all_values(module)
    if values is None:
        return None
    found: set[str] = set()
    for value in values:
        elements = value.elements if isinstance(value, (cst.List, cst.Tuple, cst.Set)) else ()
        for element in elements:
            if isinstance(element.value, cst.SimpleString):
                name = element.value.evaluated_value
                if isinstance(name, str):  # a bytes literal names nothing
                    found.add(name)
    return found


def explicit_reexports(module: cst.Module, names: Iterable[str], used: set[str], implicit: bool) -> set[str]:
    """The moved names a re-export must mark as one: not in ``__all__``, and unused or checked strictly.

    ``used`` are the names the code left in the module reads (no linter calls them unused);
    ``implicit`` says the project's type checker counts a plain import as an export.
    """
    listed = all_names(module) or set()
    return {n for n in names if n not in listed and (n not in used or not implicit)}


def merge_typing_import(head: list[Statement], extra: list[Statement], width: int) -> list[Statement]:
    """``extra`` with its ``from typing import`` names moved into the module's own such line, if it has one.

    Names in the order isort and ruff give them by default: constants, classes, the rest.
    """
    if not extra or not _is_typing_import(extra[0]):
        return extra
    for i, statement in enumerate(head):
        if _is_typing_import(statement):
            names = _typing_names(statement) | _typing_names(extra[0])
            order = sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n.lower()))
            line = cst.parse_statement(import_from("typing", order, width))
            head[i] = line.with_changes(leading_lines=statement.leading_lines)
            rest = extra[1:]
            return [rest[0].with_changes(leading_lines=extra[0].leading_lines), *rest[1:]] if rest else []
    return extra


def _typing_names(statement: Statement) -> set[str]:
    """The names a ``from typing import ...`` line imports."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
    return {dotted(a.name) for a in small.names}


def _is_typing_import(statement: Statement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    return (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and isinstance(small.module, cst.Name)
        and small.module.value == "typing"
        and not isinstance(small.names, cst.ImportStar)
        and all(a.asname is None and isinstance(a.name, cst.Name) for a in small.names)
    )


def _spelled_outside_imports(module: cst.Module, names: set[str]) -> set[str]:
    """The ``names`` that appear as words in the module's text outside its import statements."""
    if not names:
        return set()
    text = "".join(
        cst.Module(body=[statement]).code
        for statement in module.body
        if not is_import(statement) and not is_type_checking_block(statement)
    )
    return {name for name in names if re.search(rf"(?<![\w.]){re.escape(name)}\b", text)}


def prune_imports(ws: Workspace, source: ModuleSource, module: cst.Module, candidates: set[str]) -> cst.Module:
    """``module`` without the imports of ``candidates`` that nothing left in it reads.

    ``candidates`` are the names the moved code read: an import that was unused before
    the move is none of ours. Users' reliance (see the module docstring) keeps an import.
    """
    if not candidates:
        return module
    if source.is_package:
        # what a package imports from itself is its API: left unused, it stays, marked as re-exported
        statements = map_module(module)
        imported = {n for s in statements if s.kind == "import" for n in s.binds}
        read = {n for s in statements for n in s.reads}
        own = _own_imports(module, source.module) & candidates & imported
        unused = own - read - (all_names(module) or set())
        module = module.visit(_MarkReexported(unused)) if unused else module
        candidates = candidates - own
    for _ in range(2):  # a second pass for ``TYPE_CHECKING`` once its block is gone
        statements = map_module(module)
        imported = {n for s in statements if s.kind == "import" for n in s.binds}
        read = {n for s in statements for n in s.reads}
        unused = (candidates & imported) - read - (all_names(module) or set()) - _self_aliased(module)
        # a doctest or a string the code evaluates reads module globals too: a name the rest of
        # the module still spells anywhere outside its imports stays imported
        unused -= _spelled_outside_imports(module, unused)
        # a definition moved earlier in this refactoring is re-exported for the module's users
        relied_on = (unused & _from_created(ws, source, module)) | imported_elsewhere(ws, source, unused)
        if relied_on and not ws.style.alias_flagged:
            # now only a re-export: say so, or linters call it unused
            module = module.visit(_MarkReexported(relied_on))
        unused -= relied_on
        if not unused:
            return module
        body: list[Statement] = []
        pending: Statement | None = None
        emptied = False
        for statement in module.body:
            kept = _without(statement, unused)
            emptied = emptied or (kept is None and is_type_checking_block(statement))
            if kept is None:
                pending = statement if pending is None else pending
                continue
            if pending is not None:
                kept = move_leading_lines(pending, kept)
                if not kept.leading_lines:
                    # the blank line that set the removed import apart now sets this one apart
                    kept = kept.with_changes(leading_lines=pending.leading_lines)
                pending = None
            body.append(kept)
        module = module.with_changes(body=body)
        if not emptied:
            return module
        candidates = {"TYPE_CHECKING"}  # its block is gone: the flag may be unused now
    return module


def _without(statement: Statement, unused: set[str]) -> Statement | None:
    """The import line or ``TYPE_CHECKING`` block without ``unused`` (None when nothing is left)."""
    if is_type_checking_block(statement):
        assert isinstance(statement, cst.If)
        lines = [_without(line, unused) if is_import(line) else line for line in statement.body.body]
        kept = [line for line in lines if line is not None]
        return statement.with_changes(body=statement.body.with_changes(body=kept)) if kept else None
    if not is_import(statement):
        return statement
    assert isinstance(statement, cst.SimpleStatementLine)
    bound = {
        bound_name(a)
        for s in statement.body
        if isinstance(s, (cst.Import, cst.ImportFrom)) and not isinstance(s.names, cst.ImportStar)
        for a in s.names
    }
    if not bound & unused:
        return statement
    narrowed = imports_needed(statement, bound - unused)
    return narrowed.with_changes(leading_lines=statement.leading_lines) if narrowed is not None else None


def _self_aliased(module: cst.Module) -> set[str]:
    """Names imported as ``x as x``: explicit re-exports by convention."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_ImportAlias(self, alias: cst.ImportAlias) -> None:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                if alias.asname.name.value == cst.Module(body=()).code_for_node(alias.name):
                    found.add(alias.asname.name.value)

    module.visit(Finder())
    return found


def imported_elsewhere(ws: Workspace, source: ModuleSource, names: set[str]) -> set[str]:
    """Those of ``names`` another work-dir module imports from ``source`` or reads as ``mod.name``."""
    found: set[str] = set()
    if not names:
        return found
    for path in ws.python_files():
        if path == source.path:
            continue
        try:
            text = (ws.workdir / path).read_text(encoding="utf-8", errors="replace")
            if source.stem not in text:
                continue
            tree = ast.parse(text)
        except (OSError, SyntaxError, ValueError):
            continue
        try:
            package = ws.module_of(path)
        except ValueError:
            package = ""  # outside the source root (tests/ beside src/): absolute imports only
        if not path.endswith("__init__.py"):
            package = package.rpartition(".")[0]
        aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = resolve_relative(package, node.level, node.module)
                if base == source.module:
                    found |= {a.name for a in node.names} & names
                elif base == source.package:
                    aliases |= {a.asname or a.name for a in node.names if a.name == source.stem}
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == source.module:
                        aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.Attribute) and node.attr in names:
                if ast.unparse(node.value) in aliases or ast.unparse(node.value) == source.module:
                    found.add(node.attr)
    return found


def _from_created(ws: Workspace, source: ModuleSource, module: cst.Module) -> set[str]:
    """Names the module imports from modules this refactoring created (its re-exports)."""
    found: set[str] = set()
    for statement in module.body:
        if not is_import(statement):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            name = cst.Module(body=()).code_for_node(small.module) if small.module else None
            path = ws.path_of(resolve_relative(source.package, len(small.relative), name))
            if path is not None and ws.original(path) is None:
                found |= {bound_name(a) for a in small.names}
    return found


def _own_imports(module: cst.Module, package: str) -> set[str]:
    """Names the module-level imports bind from ``package`` itself (relative or spelled out)."""
    found: set[str] = set()
    for statement in module.body:
        if not is_import(statement):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                origin = cst.Module(body=()).code_for_node(small.module) if small.module else ""
                if small.relative or origin == package or origin.startswith(f"{package}."):
                    found |= {bound_name(a) for a in small.names}
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    origin = cst.Module(body=()).code_for_node(alias.name)
                    if origin.startswith(f"{package}."):
                        found.add(bound_name(alias))
    return found


class _MarkReexported(cst.CSTTransformer):
    """``from m import x`` becomes ``from m import x as x`` for the names given (module level only)."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_ImportAlias(self, original: cst.ImportAlias, updated: cst.ImportAlias) -> cst.ImportAlias:
        if updated.asname is None and isinstance(updated.name, cst.Name) and updated.name.value in self.names:
            return updated.with_changes(asname=cst.AsName(name=cst.Name(updated.name.value)))
        return updated
