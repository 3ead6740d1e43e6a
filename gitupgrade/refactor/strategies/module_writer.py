"""Writing a god module's groups into new modules the original re-exports from.

One new module per group, named after what the group is about, holding the moved
statements unchanged (comments and order kept) and the imports they need; the original
imports every moved name back at the end of its import block, so ``from mod import X``,
``mod.X`` and ``__all__`` keep working. The re-exports are explicit (``X as X`` unless
``__all__`` lists ``X``), imports only the moved code read leave the original, and the
files are sorted and formatted with the project's own tools when it has them.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

import libcst as cst

from gitupgrade.refactor.strategies.base import Outcome
from gitupgrade.refactor.strategies.definition_groups import Group
from gitupgrade.refactor.strategies.import_edits import (
    explicit_reexports,
    import_from,
    prune_imports,
)
from gitupgrade.refactor.strategies.import_sections import first_party, insert_import
from gitupgrade.refactor.strategies.imports import imported_modules, reaches
from gitupgrade.refactor.strategies.module_docs import module_docstring
from gitupgrade.refactor.strategies.module_names import ModuleNamer
from gitupgrade.refactor.strategies.package_conventions import convention_refusal
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace, target_of
from gitupgrade.refactor.strategies.syntax import Statement, imports_end, is_future_import
from gitupgrade.refactor.strategies.toplevel import (
    TopLevel,
    carried_header,
    copied_imports,
    module_head,
)


def split_module(
    ws: Workspace,
    source: ModuleSource,
    module: cst.Module,
    statements: list[TopLevel],
    plan: list[Group],
    accepted: Mapping[int, str] | Sequence[int],
    outcome: Outcome,
) -> None:
    """Write one new module per accepted group and re-export its names from the original.

    ``accepted``: the indexes of the groups to write, with the module name each was given
    (named here when only indexes come).
    """
    if not isinstance(accepted, Mapping):
        # god_class moving a class's module helpers out first: the package's conventions hold for it too
        convention = convention_refusal(ws, source)
        if convention:
            raise RefusedChange(convention)
        namer = ModuleNamer(ws, source)
        accepted = {i: namer.name(plan[i].names, lead_of(plan[i].statements)) for i in accepted}
    future = [s.node for s in statements if s.kind == "import" and is_future_import(s.node)]
    moved_indexes: set[int] = set()
    reexports: list[Statement] = []
    lines: list[Statement] = []
    targets: dict[int, str] = {}
    written: list[str] = []
    width = ws.style.line_length
    moved_reads: set[str] = set()
    moving = {s.index for i in accepted for s in plan[i].statements}
    # what the code left behind reads needs no marking as a re-export (no linter calls it unused)
    used = {n for s in statements if s.index not in moving and s.kind != "import" for n in s.reads}
    ours = first_party(ws.workdir, ws.source_root)
    for i, new_stem in accepted.items():
        group = plan[i]
        names = group.names
        new_path = source.sibling_path(new_stem)
        reads = {n for s in group.statements for n in s.reads}
        moved_reads |= reads
        imports = copied_imports(statements, reads)
        # names of groups moved before it come from their new modules, never from the original
        for j in group.reads_from:
            needed = cst.parse_statement(import_from(targets[j], [n for n in plan[j].names if n in reads], width))
            imports = insert_import(imports, needed, ours) if ws.style.sorter is None else [*imports, needed]
        docstring = module_docstring(group.statements, lead_of(group.statements), new_stem, width)
        body = module_head(docstring, future, imports)
        for k, statement in enumerate(group.statements):
            node = statement.node
            if k == 0:
                node = node.with_changes(leading_lines=_spaced(node.leading_lines, 2 if body else 0))
            body.append(node)
        # the cookie (the new file is written in the same encoding), the licence, file pragmas
        new_module = module.with_changes(body=body, header=carried_header(module))
        ws.create(new_path, new_module.code, source.encoding, source.newline)
        written.append(new_path)
        moved_indexes.update(s.index for s in group.statements)
        targets[i] = target_of(source, module, new_stem)
        explicit = explicit_reexports(module, names, used, ws.style.implicit_reexport)
        line = import_from(targets[i], names, width, explicit, alias=source.is_package or not ws.style.alias_flagged)
        reexports.append(_reexport(line, not reexports, ws.style.sorter is None))
        lines.append(cst.parse_statement(line))
        outcome.summary.append(
            f"moved {len(names)} definitions ({', '.join(names[:6])}{' ...' if len(names) > 6 else ''}) to {new_path}"
        )
    body = [s.node for s in statements if s.index not in moved_indexes]
    # comments above a moved definition travel with it; blank lines around it collapse
    by_section = _by_section(ws, source, body, lines) if ws.style.sorter is None else None
    at = imports_end(body)
    if by_section is not None:
        body, reexports = by_section, []
    body[at:at] = reexports
    if reexports and at + len(reexports) < len(body):
        follower = body[at + len(reexports)]
        if not follower.leading_lines:
            body[at + len(reexports)] = follower.with_changes(leading_lines=(cst.EmptyLine(),))
    left = prune_imports(ws, source, module.with_changes(body=body), moved_reads)
    ws.write(source, left.code)
    ws.tidy([*written, source.path])
    outcome.summary.append(f"{source.path} re-exports every moved name")


def lead_of(statements: list[TopLevel]) -> str:
    """The public class or function that makes up most of the group's lines, or ''."""
    size = {s.name: s.end - s.start + 1 for s in statements}
    public = [s.name for s in statements if s.is_definition and not s.name.startswith("_")]
    classes = [s for s in statements if isinstance(s.node, cst.ClassDef) and not s.name.startswith("_")]
    if len(classes) > 1:
        return ""  # peers (``FIFOCache``, ``LRUCache``): one of them does not name the others
    biggest = max(public, key=size.__getitem__, default="")
    return biggest if biggest and 2 * size[biggest] > sum(size.values()) else ""


_WHY = "# re-exported so existing imports keep working"


def _by_section(
    ws: Workspace, source: ModuleSource, body: list[Statement], lines: list[Statement]
) -> list[Statement] | None:
    """``body`` with the re-export ``lines`` each in its isort section, sorted; None when that is unsafe.

    Placed before an import of the block that leads back to this module, a re-export would
    run its new module earlier inside an import cycle than the end of the block did (see
    :func:`group_hazards.cycle_hazard`): then they go at the end of the block, as before.
    """
    ours = first_party(ws.workdir, ws.source_root)
    placed = list(body)
    for k, line in enumerate(lines):
        placed = insert_import(placed, line, ours, "" if k else _WHY)
    spelled = {_code(line) for line in lines}
    first = next(i for i, statement in enumerate(placed) if _code(statement) in spelled)
    for statement in placed[first + 1 : imports_end(placed)]:
        if _code(statement) in spelled:
            continue
        tree = ast.parse(cst.Module(body=[statement]).code)
        for imported in imported_modules(tree, source.package):
            if imported != source.module and ws.path_of(imported) and reaches(ws, imported, source.module):
                return None
    return placed


def _code(statement: Statement) -> str:
    return cst.Module(body=[statement.with_changes(leading_lines=())]).code


def _reexport(line: str, first: bool, comment: bool) -> Statement:
    """A re-export line; the first stands apart and says why it is there (unless a sorter would move that)."""
    statement = cst.parse_statement(line)
    if not first:
        return statement
    why = cst.Comment(_WHY)
    return statement.with_changes(leading_lines=(cst.EmptyLine(), *([cst.EmptyLine(comment=why)] if comment else [])))


def _spaced(lines: Sequence[cst.EmptyLine], blank: int) -> tuple[cst.EmptyLine, ...]:
    comments = list(lines)
    while comments and comments[0].comment is None:
        comments.pop(0)
    return (*([cst.EmptyLine()] * blank), *comments)
