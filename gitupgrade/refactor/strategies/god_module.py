"""god_module: split a large module into new modules beside it, re-exporting every name.

Which definitions move, and in which groups, is planned by :mod:`.definition_groups`:
connected parts of the module's own reference graph first, then, while the module is
over its limits, shared bases and helpers to a module of their own and what falls apart
without them, each group closed under what it needs. Each group moves with the imports
it needs to a new module named after its dominant words; the original module re-exports
every moved name, so ``from mod import X``, ``mod.X`` and ``__all__`` keep working. A
group is left alone, with the reason recorded, when moving it could change what it sees:
it reads a module global rebound elsewhere (``global``, ``mod.NAME = ...``, monkeypatch
or ``mock.patch`` targets), uses ``globals()``/``__name__``/``__file__``, depends on
conditional definitions, or carries decorators whose registration order would change.
When the module is over its limits, one refused group refuses the whole split: a partial
split would be proposed again by the next scan.
"""
from __future__ import annotations

import ast
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import libcst as cst

from gitupgrade.refactor.strategies import hazards, naming
from gitupgrade.refactor.strategies.base import Outcome, RuleStrategy, config_value
from gitupgrade.refactor.strategies.definition_groups import (
    Graph,
    Group,
    ModuleLimits,
    plan_groups,
)
from gitupgrade.refactor.strategies.imports import imported_modules, reaches
from gitupgrade.refactor.strategies.limits import exceeded
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.syntax import dotted, imports_end
from gitupgrade.refactor.strategies.toplevel import TopLevel, copied_imports, map_module

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
        limits = ModuleLimits(int(config_value(config, "analysis.god_module_max_lines", 500)),
                              int(config_value(config, "analysis.god_module_max_definitions", 40)),
                              int(config_value(config, "refactor.min_group_size", 3)))
        statements = map_module(module)
        total_lines = len(source.text.splitlines())
        over = (total_lines > limits.max_lines
                or sum(s.is_definition for s in statements) > limits.max_definitions)
        plan, short = plan_groups(statements, total_lines, limits)
        if short:
            raise RefusedChange(short)
        outcome = Outcome()
        rebound = hazards.global_statements(module) | hazards.patched_names(ws, source.module, skip=source.path)
        spelled = hazards.spelled_paths(ws, source.module, skip=source.path)
        accepted: list[int] = []
        for i, group in enumerate(plan):
            names = group.names
            label = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
            moved_before = [s for j in accepted for s in plan[j].statements]
            reason = (
                next((f"it needs {', '.join(plan[j].names[:3])}, which stay" for j in group.reads_from
                      if j not in accepted), None)
                or group_refusal(ws, source, group.statements, statements, rebound, spelled, moved_before)
            )
            if reason:
                outcome.refusals.append(f"group {label}: {reason}")
            else:
                accepted.append(i)
        if over and len(accepted) < len(plan):
            raise RefusedChange("; ".join(outcome.refusals))
        if not accepted:
            if outcome.refusals:
                raise RefusedChange("; ".join(outcome.refusals))
            graph = Graph(statements)
            if len(graph.components(set(graph.units))) < 2:
                raise RefusedChange("the module's definitions form a single connected group")
            raise RefusedChange(f"no cohesive group of at least {limits.minimum} definitions apart from the main one")
        split_module(ws, source, module, statements, plan, accepted, outcome)
        if over:
            for change in ws.changes():
                reason = exceeded(change.path, ws.read(change.path).text, config)
                if reason:
                    raise RefusedChange(f"the split falls short: {reason}")
        return outcome


def group_refusal(ws: Workspace, source: ModuleSource, group: list[TopLevel], statements: list[TopLevel],
                  rebound: set[str], spelled: AbstractSet[str],
                  moved_before: Sequence[TopLevel] = ()) -> str | None:
    """Why ``group`` cannot move to a module of its own, or None (it may take statements along).

    ``rebound`` and ``spelled`` are what other files do to the module's names
    (:func:`hazards.patched_names`, :func:`hazards.spelled_paths`), read once per module.
    """
    return (attach_interleaved(group, statements)
            or group_hazard(group, statements, rebound, moved_before, spelled)
            or cycle_hazard(ws, source, group, statements))


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
        # a loop variable (``for keyword in _keywords:``, found on pycparser) comes along
        # when nothing else uses its name; it is re-exported like the rest
        own = statement.binds - bound
        elsewhere = {n for s in statements if s is not statement and s not in group for n in s.binds | s.reads}
        if statement.reads - bound - imported - own or own & elsewhere:
            return f"line {statement.start} works on its names between their definitions"
        group.append(statement)
    group.sort(key=lambda s: s.index)
    return None


def cycle_hazard(ws: Workspace, source: ModuleSource, group: list[TopLevel],
                 statements: list[TopLevel]) -> str | None:
    """Why the group's imports would run in another order inside an import cycle, or None.

    The new module is imported at the end of the original's leading import block. An
    import copied from that block runs after the original's own copy of it, so it finds
    the imported module at least as far along and the same names bound: safe even in a
    cycle. An import from further down (a late import that breaks a cycle) that leads back
    to the original would run earlier than before and meet it half-initialised.
    """
    reads = {n for s in group for n in s.reads}
    leading = imports_end([s.node for s in statements])
    for statement in statements:
        late_import = statement.kind == "import" and statement.binds & reads
        moved_block = statement in group and isinstance(statement.node, (cst.If, cst.Try))
        if statement.index < leading or not (late_import or moved_block):
            continue
        tree = ast.parse(cst.Module(body=[statement.node]).code)
        for imported in sorted(imported_modules(tree, source.package)):
            if imported != source.module and ws.path_of(imported) and reaches(ws, imported, source.module):
                return f"its import of {imported} leads back to {source.module} (an import cycle)"
    return None


def group_hazard(group: list[TopLevel], statements: list[TopLevel], rebound: set[str],
                 moved: Sequence[TopLevel] = (), spelled: AbstractSet[str] = frozenset()) -> str | None:
    """Why moving ``group`` could change behaviour, or None.

    ``moved``: statements of groups moved before it; ``spelled``: names whose full path
    other files write out.
    """
    bound = {name for s in group for name in s.binds}
    reads = {name for s in group for name in s.reads}
    optional = {name for s in group for name in s.optional}
    for statement in statements:
        if statement in group:
            continue
        if statement.reads & optional:
            # found on boltons: ``try: from .typeutils import make_sentinel`` is not re-exported
            names = ", ".join(sorted(statement.reads & optional))
            return f"line {statement.start} reads {names}, which the moved code binds on some paths only"
        if statement in moved or not (statement.binds & (reads | bound)):
            continue
        if statement.kind != "import":
            names = ", ".join(sorted(statement.binds & (reads | bound)))
            return f"uses {names}, (re)defined at module level by code that stays (line {statement.start})"
    touched = sorted((bound | reads) & rebound)
    if touched:
        return f"reads or defines {', '.join(touched)}, which is rebound elsewhere (global, patch or assignment)"
    named = sorted(bound & spelled)
    if named:
        return f"other files spell out the module path of {', '.join(named[:3])}, which moving would change"
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
    plan: list[Group], accepted: list[int], outcome: Outcome,
) -> None:
    """Write one new module per accepted group and re-export its names from the original."""
    stem = PurePosixPath(source.path).stem
    if stem == "__init__":
        stem = source.module.rpartition(".")[2]
    folder = PurePosixPath(source.path).parent
    relative = any(isinstance(s, cst.ImportFrom) and s.relative for st in module.body
                   if isinstance(st, cst.SimpleStatementLine) for s in st.body)
    future = [s.node for s in statements if s.kind == "import" and "__future__" in _code(s.node)]
    moved_indexes: set[int] = set()
    reexports: list[cst.BaseStatement] = []
    targets: dict[int, str] = {}
    created: set[str] = set()
    for i in accepted:
        group = plan[i]
        names = group.names
        new_stem = naming.module_name(
            names, stem, lambda n: n in created or ws.exists(str(folder / f"{n}.py")) or ws.exists(str(folder / n)),
            lead=_lead(group.statements),
        )
        created.add(new_stem)
        new_path = str(folder / f"{new_stem}.py")
        reads = {n for s in group.statements for n in s.reads}
        imports = copied_imports(statements, reads)
        # names of groups moved before it come from their new modules, never from the original
        imports += [_import_from(targets[j], [n for n in plan[j].names if n in reads]) for j in group.reads_from]
        header = cst.parse_module(
            f'"""{_title(names)}, split out of ``{source.module}``.\n\n'
            f"Moved unchanged from {source.path}, which re-exports every name defined here\n"
            f'so that existing imports keep working.\n"""\n'
        )
        body: list[cst.BaseStatement] = [*header.body, *future]
        if imports:
            imports[0] = imports[0].with_changes(leading_lines=(cst.EmptyLine(),) if future else ())
        body += imports
        for k, statement in enumerate(group.statements):
            node = statement.node
            if k == 0:
                node = node.with_changes(leading_lines=_spaced(node.leading_lines, 2 if body else 0))
            body.append(node)
        # a PEP 263 cookie must come along: the new file is written in the same encoding
        cookie = tuple(line for line in module.header if line.comment and "coding" in line.comment.value)
        new_module = module.with_changes(body=body, header=cookie)
        ws.create(new_path, new_module.code, source.encoding)
        moved_indexes.update(s.index for s in group.statements)
        targets[i] = f".{new_stem}" if relative and source.package else ".".join(
            filter(None, [source.package, new_stem]))
        reexports.append(_reexport(targets[i], names, new_path))
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


def _lead(statements: list[TopLevel]) -> str:
    """The public class or function that makes up most of the group's lines, or ''."""
    size = {s.name: s.end - s.start + 1 for s in statements}
    public = [s.name for s in statements if s.is_definition and not s.name.startswith("_")]
    biggest = max(public, key=size.__getitem__, default="")
    return biggest if biggest and 2 * size[biggest] > sum(size.values()) else ""


def _import_from(target: str, names: list[str]) -> cst.BaseStatement:
    one_line = f"from {target} import {', '.join(names)}"
    if len(one_line) <= 88:
        return cst.parse_statement(f"{one_line}\n")
    inner = "".join(f"    {n},\n" for n in names)
    return cst.parse_statement(f"from {target} import (\n{inner})\n")


def _reexport(target: str, names: list[str], new_path: str) -> cst.BaseStatement:
    comment = cst.Comment(f"# moved to {new_path}; re-exported so existing imports keep working")
    return _import_from(target, names).with_changes(
        leading_lines=(cst.EmptyLine(), cst.EmptyLine(comment=comment)))


def _spaced(lines: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine], blank: int) -> tuple[cst.EmptyLine, ...]:
    comments = list(lines)
    while comments and comments[0].comment is None:
        comments.pop(0)
    return (*([cst.EmptyLine()] * blank), *comments)


def _title(names: list[str]) -> str:
    words = naming.dominant_words(names, count=2, recurring=True) or ["helper"]
    return " and ".join(words).capitalize() + " code"


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[node]).code  # type: ignore[list-item]
