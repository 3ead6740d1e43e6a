"""The copies of a repeated run of statements, found in a module's syntax tree.

The clone finder reports copies by lines; here each becomes the run of whole statements
of one suite inside a function (:class:`Copy`), grown over the statements around it that
are the same in every copy, with how each copy names the first copy's locals.
"""

from __future__ import annotations

import ast
import copy as copy_module
from dataclasses import dataclass
from typing import Any

from gitupgrade.refactor.strategies.block_flow import every_argument, names_of, parameters_of
from gitupgrade.refactor.strategies.source import RefusedChange

Function = ast.FunctionDef | ast.AsyncFunctionDef

# How another copy names each local of the first copy (only the names that differ).
Renaming = dict[str, str]


@dataclass(frozen=True)
class Copy:
    """One copy: the run ``suite[start:stop]`` of ``function`` (a method of ``owner`` when set)."""

    function: Function
    owner: ast.ClassDef | None
    suite: list[ast.stmt]
    start: int
    stop: int

    @property
    def run(self) -> list[ast.stmt]:
        return self.suite[self.start : self.stop]

    @property
    def first_line(self) -> int:
        return self.run[0].lineno

    @property
    def kind(self) -> str:
        """``method``, ``classmethod``, ``staticmethod`` or ``function``."""
        if self.owner is None:
            return "function"
        names = {d.id for d in self.function.decorator_list if isinstance(d, ast.Name)}
        return next((k for k in ("classmethod", "staticmethod") if k in names), "method")

    @property
    def receiver(self) -> str | None:
        """The name of ``self``/``cls`` in the function, when it has one."""
        args = [*self.function.args.posonlyargs, *self.function.args.args]
        return args[0].arg if self.kind in ("method", "classmethod") and args else None


def locate(tree: ast.Module, location: dict[str, Any]) -> Copy:
    """The copy at ``location``'s lines: whole statements of one suite inside a function."""
    start, end = int(location["start"]), int(location["end"])
    found = _find(tree, None, None, start, end)
    if found is None:
        raise RefusedChange(f"lines {start}-{end} are not whole statements of one function")
    return found


def _find(node: ast.AST, function: Function | None, owner: ast.ClassDef | None, start: int, end: int) -> Copy | None:
    """The copy at lines ``start``-``end`` under ``node`` (``function`` is the one ``node`` is in)."""
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        suite = getattr(node, name, None)
        if not isinstance(suite, list):
            continue
        if name in ("handlers", "cases"):  # except clauses and match cases hold the suites
            found = next((f for part in suite if (f := _find(part, function, owner, start, end))), None)
        else:
            found = _run_in(suite, function, owner, start, end) or _find_below(node, suite, function, owner, start, end)
        if found is not None:
            return found
    return None


def _run_in(
    suite: list[ast.stmt], function: Function | None, owner: ast.ClassDef | None, start: int, end: int
) -> Copy | None:
    """The run of ``suite`` from the statement starting at ``start`` to the one ending at ``end``."""
    first = next((i for i, s in enumerate(suite) if s.lineno == start), None)
    last = next((i for i, s in enumerate(suite) if s.end_lineno == end), None)
    if function is None or first is None or last is None or last < first:
        return None
    return Copy(function, owner, suite, first, last + 1)


def _find_below(
    node: ast.AST, suite: list[ast.stmt], function: Function | None, owner: ast.ClassDef | None, start: int, end: int
) -> Copy | None:
    """Search the statements of ``suite`` that span the lines; nested functions are not helper material."""
    for child in suite:
        if not (child.lineno <= end and (child.end_lineno or child.lineno) >= start):
            continue
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if function is not None:
                return None
            found = _find(child, child, node if isinstance(node, ast.ClassDef) else None, start, end)
        elif isinstance(child, ast.ClassDef):
            found = None if function is not None else _find(child, None, child, start, end)
        else:
            found = _find(child, function, owner, start, end)
        if found is not None:
            return found
    return None


def grown(copies: list[Copy]) -> list[Copy]:
    """The copies extended over the statements after them that are the same in every copy.

    The clone finder reports runs by lines; a run that stops one statement short of its
    function's end cannot be returned, while the whole tail can. Statements before a run
    are not taken: the finder started it where the copies start to say the same thing.
    """
    if len({id(c.suite) for c in copies}) < len(copies):  # two copies in one suite: growing could overlap them
        return copies
    while all(c.start == 0 and c.stop == len(c.suite) for c in copies):
        # the whole body of an ``if`` the same in every copy: the ``if`` is the step
        # (``if flow_func is None:`` around the run, not just its body). A loop stays out:
        # its body is the step for one item (``_check_name(name)`` for each name)
        outer = [_enclosing(c) for c in copies]
        if not all(o and isinstance(o.run[0], ast.If) for o in outer) or not _same([o.run[0] for o in outer if o]):
            break
        copies = [o for o in outer if o]
    stop = 0
    while all(c.stop + stop < len(c.suite) for c in copies) and _same([c.suite[c.stop + stop] for c in copies]):
        stop += 1
    return [Copy(c.function, c.owner, c.suite, c.start, c.stop + stop) for c in copies]


def _enclosing(copy: Copy) -> Copy | None:
    """The statement whose suite the copy is, as a one-statement copy (None in an ``except`` clause)."""
    suites = ("body", "orelse", "finalbody")
    for node in ast.walk(copy.function):
        for field in suites:
            suite: list[ast.stmt] = getattr(node, field, None) or []
            for i, statement in enumerate(suite if isinstance(suite, list) else []):
                if any(getattr(statement, name, None) is copy.suite for name in suites):
                    return Copy(copy.function, copy.owner, suite, i, i + 1)
    return None


def _same(statements: list[ast.stmt]) -> bool:
    return len({ast.dump(s) for s in statements}) == 1


def renamings_of(copies: list[Copy]) -> list[Renaming]:
    """Each copy's names for the first copy's locals; refuses copies that differ in anything else."""
    (first, first_order), *others = [canonical(c.run, locals_of(c.function)) for c in copies]
    renamings: list[Renaming] = [{}]
    for dumps, order in others:
        if dumps != first:
            raise RefusedChange("the copies differ in more than the names of their locals")
        renamings.append({a: b for a, b in zip(first_order, order, strict=True) if a != b})
    return renamings


def locals_of(function: Function) -> set[str]:
    """The names local to ``function``: its parameters and what its body binds."""
    return parameters_of(function) | names_of(function.body).binds


def canonical(statements: list[ast.stmt], local: set[str]) -> tuple[list[str], list[str]]:
    """``statements`` with the ``local`` names numbered by first use, and those locals in that order."""
    order: list[str] = []

    class Number(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.Name:
            if node.id not in local:
                return node
            if node.id not in order:
                order.append(node.id)
            return ast.Name(f"_{order.index(node.id)}", node.ctx)

    dumps = [ast.dump(Number().visit(copy_module.deepcopy(s))) for s in statements]
    return dumps, order


def arguments_of(function: Function) -> list[ast.arg]:
    """The function's parameters, in signature order."""
    return every_argument(function.args)
