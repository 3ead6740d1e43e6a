"""Writing a god module's groups into new modules the original re-exports from.

One new module per group, named after what the group is about, holding the moved
statements unchanged (comments and order kept) and the imports they need; the original
imports every moved name back at the end of its import block, so ``from mod import X``,
``mod.X`` and ``__all__`` keep working.
"""

from __future__ import annotations

import libcst as cst

from gitupgrade.refactor.strategies import naming
from gitupgrade.refactor.strategies.base import Outcome
from gitupgrade.refactor.strategies.definition_groups import Group
from gitupgrade.refactor.strategies.source import ModuleSource, Workspace, target_of
from gitupgrade.refactor.strategies.syntax import imports_end, is_future_import
from gitupgrade.refactor.strategies.toplevel import (
    TopLevel,
    copied_imports,
    module_head,
)


def split_module(
    ws: Workspace,
    source: ModuleSource,
    module: cst.Module,
    statements: list[TopLevel],
    plan: list[Group],
    accepted: list[int],
    outcome: Outcome,
) -> None:
    """Write one new module per accepted group and re-export its names from the original."""
    future = [s.node for s in statements if s.kind == "import" and is_future_import(s.node)]
    moved_indexes: set[int] = set()
    reexports: list[cst.BaseStatement] = []
    targets: dict[int, str] = {}
    created: set[str] = set()
    # a module named like a name the package binds would shadow it (``import pkg.name``)
    reserved = naming.reserved_names(ws, source)
    for i in accepted:
        group = plan[i]
        names = group.names
        new_stem = naming.module_name(
            names,
            source.stem,
            lambda n: n in created or n in reserved or ws.sibling_taken(source, n),
            lead=lead_of(group.statements),
        )
        created.add(new_stem)
        new_path = source.sibling_path(new_stem)
        reads = {n for s in group.statements for n in s.reads}
        imports = copied_imports(statements, reads)
        # names of groups moved before it come from their new modules, never from the original
        imports += [_import_from(targets[j], [n for n in plan[j].names if n in reads]) for j in group.reads_from]
        body = module_head(
            f'"""{naming.module_title(names, lead_of(group.statements))}, split out of ``{source.module}``.\n\n'
            f"Moved unchanged from {source.path}, which re-exports every name defined here\n"
            f'so that existing imports keep working.\n"""\n',
            future,
            imports,
        )
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
        targets[i] = target_of(source, module, new_stem)
        reexports.append(_reexport(targets[i], names, new_path))
        outcome.summary.append(
            f"moved {len(names)} definitions ({', '.join(names[:6])}{' ...' if len(names) > 6 else ''}) to {new_path}"
        )
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


def lead_of(statements: list[TopLevel]) -> str:
    """The public class or function that makes up most of the group's lines, or ''."""
    size = {s.name: s.end - s.start + 1 for s in statements}
    public = [s.name for s in statements if s.is_definition and not s.name.startswith("_")]
    classes = [s for s in statements if isinstance(s.node, cst.ClassDef) and not s.name.startswith("_")]
    if len(classes) > 1:
        return ""  # peers (``FIFOCache``, ``LRUCache``): one of them does not name the others
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
    return _import_from(target, names).with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine(comment=comment)))


def _spaced(lines: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine], blank: int) -> tuple[cst.EmptyLine, ...]:
    comments = list(lines)
    while comments and comments[0].comment is None:
        comments.pop(0)
    return (*([cst.EmptyLine()] * blank), *comments)
