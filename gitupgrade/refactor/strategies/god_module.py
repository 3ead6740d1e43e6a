"""god_module: split cohesive groups of definitions into new modules beside the original.

The module's own reference graph (which top-level definition reads which) falls into
connected parts. Each part but the largest, when it has at least
``refactor.min_group_size`` definitions, moves with the imports it needs to a new
module named after its dominant words; the original module re-exports every moved
name, so ``from mod import X``, ``mod.X`` and ``__all__`` keep working. A part is
left alone, with the reason recorded, when moving it could change what it sees:
it reads a module global rebound elsewhere (``global``, ``mod.NAME = ...``,
monkeypatch or ``mock.patch`` targets), uses ``globals()``/``__name__``/``__file__``,
depends on conditional definitions, or carries decorators whose registration order
would change.
"""
from __future__ import annotations

import ast
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import libcst as cst

from gitupgrade.refactor.strategies import hazards, naming
from gitupgrade.refactor.strategies.base import Outcome, RuleStrategy, config_value
from gitupgrade.refactor.strategies.imports import imported_modules, reaches
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.syntax import dotted, imports_end, imports_needed
from gitupgrade.refactor.strategies.toplevel import TopLevel, map_module

if TYPE_CHECKING:

    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

# Decorators that only wrap or describe: moving a decorated definition keeps behaviour.
PURE_DECORATORS = {
    "property", "staticmethod", "classmethod", "wraps", "functools.wraps", "lru_cache",
    "functools.lru_cache", "cache", "functools.cache", "cached_property", "functools.cached_property",
    "total_ordering", "functools.total_ordering", "contextmanager", "contextlib.contextmanager",
    "asynccontextmanager", "contextlib.asynccontextmanager", "overload", "typing.overload",
    "abstractmethod", "abc.abstractmethod", "abstractproperty", "abstractclassmethod",
    "abstractstaticmethod", "final", "typing.final", "dataclass",
    "dataclasses.dataclass", "runtime_checkable", "typing.runtime_checkable",
}


class GodModuleStrategy(RuleStrategy):
    """Move cohesive groups of a large module into new modules, re-exported by the original."""

    type = "god_module"
    description = "split a large module into cohesive modules, re-exporting every moved name"
    risk = "medium"

    def run(self, ws: Workspace, suggestion: Suggestion, config: Config) -> Outcome:
        evidence = suggestion.evidence
        source = ws.read(evidence["path"], evidence["module"])
        module = source.parse()
        if hazards.has_star_import(module):
            raise RefusedChange("the module has a star import: its names cannot be resolved")
        minimum = int(config_value(config, "refactor.min_group_size", 3))
        statements = map_module(module)
        groups = cohesive_groups(statements)
        if len(groups) < 2:
            raise RefusedChange("the module's definitions form a single connected group")
        outcome = Outcome()
        rebound = hazards.global_statements(module) | hazards.patched_names(ws, source.module, skip=source.path)
        movable: list[list[TopLevel]] = []
        for group in groups[1:]:  # the largest group stays: it is what the module is about
            label = ", ".join(s.name for s in group[:4]) + (" ..." if len(group) > 4 else "")
            if len({name for s in group for name in s.binds}) < minimum:
                continue  # overloads and redefinitions of one name are one definition
            reason = (attach_interleaved(group, statements) or group_hazard(group, statements, rebound)
                      or cycle_hazard(ws, source, group, statements))
            if reason:
                outcome.refusals.append(f"group {label}: {reason}")
            else:
                movable.append(group)
        if not movable:
            raise RefusedChange(
                "; ".join(outcome.refusals)
                or f"no cohesive group of at least {minimum} definitions apart from the main one"
            )
        split_module(ws, source, module, statements, movable, outcome)
        return outcome


def cohesive_groups(statements: list[TopLevel]) -> list[list[TopLevel]]:
    """Connected parts of the definitions' reference graph, largest first, in source order."""
    definitions = [s for s in statements if s.kind == "def"]
    binder: dict[str, list[TopLevel]] = {}
    for statement in statements:
        for name in statement.binds:
            binder.setdefault(name, []).append(statement)
    parent = {s.index: s.index for s in definitions}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for statement in definitions:
        for name in statement.reads | statement.binds:
            for other in binder.get(name, ()):
                if other.kind == "def" and other is not statement:
                    parent[find(statement.index)] = find(other.index)
    groups: dict[int, list[TopLevel]] = {}
    for statement in definitions:
        groups.setdefault(find(statement.index), []).append(statement)
    ordered = sorted(groups.values(), key=lambda g: (-sum(s.end - s.start + 1 for s in g), g[0].index))
    return ordered


def attach_interleaved(group: list[TopLevel], statements: list[TopLevel]) -> str | None:
    """Take along the statements between the group's definitions that work on them.

    ``BOUNDS.append(...)`` between ``BOUNDS = [...]`` and ``RANGES = f(BOUNDS)`` must run
    in the same order: it moves with the group when it reads nothing but the group's
    names and imports and binds nothing new; otherwise the group stays. Mutates ``group``.
    """
    bound = {name for s in group for name in s.binds}
    imported = {name for s in statements if s.kind == "import" for name in s.binds}
    first, last = group[0].index, group[-1].index
    for statement in statements[first:last + 1]:
        if statement.kind != "other" or not statement.reads & bound:
            continue
        if statement.reads - bound - imported or statement.binds - bound:
            return f"line {statement.start} works on its names between their definitions"
        group.append(statement)
    group.sort(key=lambda s: s.index)
    return None


def cycle_hazard(ws: Workspace, source: ModuleSource, group: list[TopLevel],
                 statements: list[TopLevel]) -> str | None:
    """Why the group's imports would run in another order inside an import cycle, or None.

    The new module is imported from the original's import block; an import it copies
    that leads back to the original would meet it half-initialised at another point.
    """
    reads = {n for s in group for n in s.reads}
    for statement in statements:
        if statement.kind != "import" or not statement.binds & reads:
            continue
        tree = ast.parse(cst.Module(body=[statement.node]).code)
        for imported in sorted(imported_modules(tree, source.package)):
            if imported != source.module and ws.path_of(imported) and reaches(ws, imported, source.module):
                return f"its import of {imported} leads back to {source.module} (an import cycle)"
    return None


def group_hazard(group: list[TopLevel], statements: list[TopLevel], rebound: set[str]) -> str | None:
    """Why moving ``group`` could change behaviour, or None."""
    bound = {name for s in group for name in s.binds}
    reads = {name for s in group for name in s.reads}
    for statement in statements:
        if statement in group or not (statement.binds & (reads | bound)):
            continue
        if statement.kind != "import":
            names = ", ".join(sorted(statement.binds & (reads | bound)))
            return f"uses {names}, (re)defined at module level by code that stays (line {statement.start})"
    touched = sorted((bound | reads) & rebound)
    if touched:
        return f"reads or defines {', '.join(touched)}, which is rebound elsewhere (global, patch or assignment)"
    for statement in group:
        identity = hazards.identity_names(statement.node)
        if identity:
            return f"{statement.name} uses {', '.join(sorted(identity))}, which depends on the module"
        decorators = getattr(statement.node, "decorators", ())
        for decorator in decorators:
            target = decorator.decorator
            if isinstance(target, cst.Call):
                target = target.func
            name = dotted(target)
            if not is_pure_decorator(name, bound):
                return f"{statement.name} is decorated with {name or 'an expression'}, whose registration order would change"
    return None


def is_pure_decorator(name: str, local: set[str]) -> bool:
    """True for a decorator that only wraps (``functools.wraps``, ``t.overload`` ...) or a local one."""
    if name in PURE_DECORATORS or name.split(".")[0] in local:
        return True
    last = name.rpartition(".")[2]
    # ``t.overload`` with ``import typing as t``: judge by the attribute, the base is a module
    return "." in name and last in {d.rpartition(".")[2] for d in PURE_DECORATORS} or last in {
        "setter", "getter", "deleter"}


def split_module(
    ws: Workspace, source: ModuleSource, module: cst.Module, statements: list[TopLevel],
    groups: list[list[TopLevel]], outcome: Outcome,
) -> None:
    """Write one new module per group and re-export its names from the original."""
    stem = PurePosixPath(source.path).stem
    if stem == "__init__":
        stem = source.module.rpartition(".")[2]
    folder = PurePosixPath(source.path).parent
    relative = any(isinstance(s, cst.ImportFrom) and s.relative for st in module.body
                   if isinstance(st, cst.SimpleStatementLine) for s in st.body)
    future = [s.node for s in statements if s.kind == "import" and "__future__" in _code(s.node)]
    moved_indexes: set[int] = set()
    reexports: list[cst.BaseStatement] = []
    for group in groups:
        names = sorted({n for s in group for n in s.binds}, key=lambda n: min(s.index for s in group if n in s.binds))
        new_stem = naming.module_name(
            names, stem, lambda n: ws.exists(str(folder / f"{n}.py")) or ws.exists(str(folder / n))
        )
        new_path = str(folder / f"{new_stem}.py")
        reads = {n for s in group for n in s.reads}
        needed = [imports_needed(s.node, reads) for s in statements
                  if s.kind == "import" and s.node not in future and s.binds & reads]
        header = cst.parse_module(
            f'"""{_title(names)}, split out of ``{source.module}``.\n\n'
            f"Moved unchanged from {source.path}, which re-exports every name defined here\n"
            f'so that existing imports keep working.\n"""\n'
        )
        body: list[cst.BaseStatement] = [*header.body, *future]
        imports = [n for n in needed if n is not None]
        if imports:
            imports[0] = imports[0].with_changes(leading_lines=(cst.EmptyLine(),) if future else ())
        body += imports
        for i, statement in enumerate(group):
            node = statement.node
            if i == 0:
                node = node.with_changes(leading_lines=_spaced(node.leading_lines, 2 if body else 0))
            body.append(node)
        # a PEP 263 cookie must come along: the new file is written in the same encoding
        cookie = tuple(line for line in module.header if line.comment and "coding" in line.comment.value)
        new_module = module.with_changes(body=body, header=cookie)
        ws.create(new_path, new_module.code, source.encoding)
        moved_indexes.update(s.index for s in group)
        target = f".{new_stem}" if relative and source.package else ".".join(
            filter(None, [source.package, new_stem]))
        reexports.append(_reexport(target, names, new_path))
        outcome.summary.append(f"moved {len(names)} definitions ({', '.join(names[:6])}"
                               f"{' ...' if len(names) > 6 else ''}) to {new_path}")
    body = [s.node for s in statements if s.index not in moved_indexes]
    # comments above a moved definition travel with it; blank lines around it collapse
    at = imports_end(body)
    body[at:at] = reexports
    if at + len(reexports) < len(body):
        follower = body[at + len(reexports)]
        if not follower.leading_lines:
            body[at + len(reexports)] = follower.with_changes(leading_lines=(cst.EmptyLine(),))
    ws.write(source, module.with_changes(body=body).code)
    outcome.summary.append(f"{source.path} re-exports every moved name")


def _reexport(target: str, names: list[str], new_path: str) -> cst.BaseStatement:
    comment = cst.Comment(f"# moved to {new_path}; re-exported so existing imports keep working")
    one_line = f"from {target} import {', '.join(names)}"
    if len(one_line) <= 88:
        text = f"{one_line}\n"
    else:
        inner = "".join(f"    {n},\n" for n in names)
        text = f"from {target} import (\n{inner})\n"
    statement = cst.parse_statement(text)
    return statement.with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine(comment=comment)))


def _spaced(lines: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine], blank: int) -> tuple[cst.EmptyLine, ...]:
    comments = list(lines)
    while comments and comments[0].comment is None:
        comments.pop(0)
    return (*([cst.EmptyLine()] * blank), *comments)


def _title(names: list[str]) -> str:
    words = naming.dominant_words(names, count=2) or ["support"]
    return " and ".join(words).capitalize() + " code"


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[node]).code  # type: ignore[list-item]
