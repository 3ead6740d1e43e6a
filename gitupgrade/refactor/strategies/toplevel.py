"""The module-level statements of a module: what each binds and which globals it reads.

Built from libcst's scope analysis, so a function's local ``x`` is not confused with a
module-level ``x``; annotations, string annotations and decorators count as reads.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    ScopeProvider,
)

from gitupgrade.refactor.strategies.syntax import (
    Statement,
    bound_name,
    dotted,
    imports_needed,
    is_docstring,
    is_future_import,
    is_import,
    is_type_checking_block,
    suite_statements,
)


@dataclass
class TopLevel:
    """One statement of the module body."""

    index: int
    node: Statement
    kind: str  # docstring | import | def | other
    binds: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
    # bound on some paths only, in a conditional definition (``try: from x import f``)
    optional: set[str] = field(default_factory=set)
    leading: int = 0  # blank and comment lines above it, which travel with it
    start: int = 0
    end: int = 0

    @property
    def is_definition(self) -> bool:
        """A ``def`` or ``class`` (what the analyzer counts as a definition)."""
        return isinstance(self.node, (cst.FunctionDef, cst.ClassDef))

    @property
    def name(self) -> str:
        """The defined name (first bound name) of a definition."""
        node = self.node
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return node.name.value
        return min(self.binds) if self.binds else ""


def _kind(node: Statement) -> str:
    if is_docstring(node):
        return "docstring"
    if is_import(node) or is_future_import(node) or is_type_checking_block(node):
        return "import"
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)) or _movable_conditional(node):
        return "def"
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
        small = node.body[0]
        targets: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            targets = [small.target]
        # ``PREV, NEXT, KEY, VALUE = range(4)`` (found on boltons) unpacks into names too
        targets = [
            e for t in targets for e in ([x.value for x in t.elements] if isinstance(t, (cst.Tuple, cst.List)) else [t])
        ]
        names = [t for t in targets if isinstance(t, cst.Name)]
        if (
            targets
            and len(names) == len(targets)
            and not any(n.value.startswith("__") and n.value.endswith("__") for n in names)
        ):
            return "def"
    return "other"


# What a fallback import may catch: ``try: from math import sumprod except ImportError: ...``
_FALLBACK_ERRORS = {"ImportError", "ModuleNotFoundError"}


def conditional_binds(node: cst.CSTNode) -> tuple[set[str], set[str]] | None:
    """(bound on every path, bound on some) of a conditional definition, or None.

    A conditional definition is an ``if``/``else`` chain or a ``try`` whose handlers catch
    only import errors, holding nothing but imports, plain assignments, undecorated
    ``def``/``class`` and such blocks again (``try: from .typeutils import make_sentinel;
    _MISSING = make_sentinel() except ImportError: _MISSING = object()``). Moved as a
    whole, it decides the same way in another module.
    """
    if isinstance(node, cst.If):
        branches: list[Sequence[Statement]] = []
        current: cst.If | cst.Else | None = node
        while isinstance(current, cst.If):
            branches.append(suite_statements(current.body))
            current = current.orelse
        branches.append(suite_statements(current.body) if current is not None else ())
    elif isinstance(node, cst.Try):
        if node.finalbody is not None or not all(
            h.type is not None and h.name is None and _error_names(h.type) <= _FALLBACK_ERRORS for h in node.handlers
        ):
            return None
        tried = [*suite_statements(node.body), *(suite_statements(node.orelse.body) if node.orelse else ())]
        branches = [tried, *(suite_statements(h.body) for h in node.handlers)]
    else:
        return None
    bound: list[set[str]] = []
    optional: set[str] = set()
    for branch in branches:
        names: set[str] = set()
        for statement in branch:
            found = _definition_binds(statement, names)
            if found is None:
                return None
            names |= found[0]
            optional |= found[1]
        bound.append(names)
    always = set.intersection(*bound)
    return always, (set.union(*bound) | optional) - always


def _movable_conditional(node: Statement) -> bool:
    """A conditional definition whose public names exist on every path (they are the module's API).

    Names imported on one path only (``make_sentinel``) are not re-exported after a move.
    """
    binds = conditional_binds(node)
    if binds is None:
        return False
    imported: set[str] = set()

    class Imports(cst.CSTVisitor):
        def visit_ImportAlias(self, alias: cst.ImportAlias) -> None:
            imported.add(bound_name(alias))

    node.visit(Imports())
    return not any(not name.startswith("_") for name in binds[1] - imported)


def _definition_binds(statement: Statement, earlier: set[str]) -> tuple[set[str], set[str]] | None:
    """(always, sometimes) bound by one statement of a conditional definition, or None if not allowed."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return ({statement.name.value}, set()) if not statement.decorators else None
    if isinstance(statement, (cst.If, cst.Try)):
        return conditional_binds(statement)
    if not isinstance(statement, cst.SimpleStatementLine):
        return None
    names = _line_binds(statement, earlier)
    return (names, set()) if names is not None else None


def _line_binds(statement: cst.SimpleStatementLine, earlier: set[str]) -> set[str] | None:
    """Names a line of imports and assignments binds, or None for anything else."""
    names: set[str] = set()
    for small in statement.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
            names |= {bound_name(alias) for alias in small.names}
        elif isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            for target in targets:
                if isinstance(target, cst.Name) and not target.value.startswith("__"):
                    names.add(target.value)
                elif not (
                    isinstance(target, cst.Attribute)
                    and isinstance(target.value, cst.Name)
                    and target.value.value in earlier | names
                ):
                    return None  # ``batched.__doc__ = ...`` on its own function only
        elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            names.add(small.target.value)  # ``if hasattr(os, "O_BINARY"): _FLAGS |= os.O_BINARY``
        elif not isinstance(small, cst.Pass):
            return None
    return names


def _error_names(node: cst.BaseExpression) -> set[str]:
    if isinstance(node, cst.Tuple):
        return {dotted(e.value) for e in node.elements}
    return {dotted(node)}


def first_line(node: cst.CSTNode, positions: Any) -> int:
    """The first line of a statement, decorators included (libcst starts a def at ``def``)."""
    lines: list[int] = [positions[node].start.line]
    lines += [positions[d].start.line for d in getattr(node, "decorators", ())]
    return min(lines)


def map_module(module: cst.Module) -> list[TopLevel]:
    """The statements of ``module`` (which must not be reused after a copy) with binds/reads."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    positions = wrapper.resolve(PositionProvider)
    statements = []
    for index, node in enumerate(module.body):
        statement = TopLevel(
            index,
            node,
            _kind(node),
            start=first_line(node, positions),
            end=positions[node].end.line,
            leading=len(node.leading_lines),
        )
        if statement.kind == "def" and isinstance(node, (cst.If, cst.Try)):
            binds = conditional_binds(node)
            statement.optional = binds[1] if binds is not None else set()
        statements.append(statement)
    starts = [s.start for s in statements]

    def owner(node: cst.CSTNode) -> TopLevel | None:
        try:
            line = positions[node].start.line
        except KeyError:
            return None
        at = bisect.bisect_right(starts, line) - 1
        return statements[at] if at >= 0 and statements[at].end >= line else None

    global_scope = next((s for s in scopes.values() if isinstance(s, GlobalScope)), None)
    if global_scope is None:
        return statements
    for assignment in global_scope.assignments:
        bound_at = getattr(assignment, "node", None)
        name = assignment.name.split(".")[0]
        binder = owner(bound_at) if bound_at is not None else None
        if binder is not None:
            binder.binds.add(name)
        for access in assignment.references:
            reader = owner(access.node)
            if reader is not None:
                reader.reads.add(name)
    return statements


def copied_imports(statements: list[TopLevel], reads: set[str]) -> list[Statement]:
    """The module's imports (future imports aside) restricted to what ``reads`` needs, in order.

    An ``if TYPE_CHECKING:`` block comes with the names its test reads (``typing``/``t``).
    """
    imports = [s for s in statements if s.kind == "import" and not is_future_import(s.node)]
    reads = set(reads)
    reads |= {n for s in imports if s.binds & reads for n in s.reads}
    needed = [n for s in imports if s.binds & reads and (n := imports_needed(s.node, reads)) is not None]
    # ``TYPE_CHECKING = False`` before ``if TYPE_CHECKING:`` (found on docutils): the flag comes along
    flags = {dotted(n.test).partition(".")[0] for n in needed if isinstance(n, cst.If)}
    flags -= {b for s in imports if s.binds & reads for b in s.binds}
    blocks = [i for i, n in enumerate(needed) if isinstance(n, cst.If)]
    for statement in statements:
        if blocks and statement.kind == "def" and statement.binds & flags:
            needed.insert(blocks[0], statement.node.with_changes(leading_lines=()))
    for i in range(1, len(needed)):
        if isinstance(needed[i - 1], cst.If) and not needed[i].leading_lines:
            needed[i] = needed[i].with_changes(leading_lines=(cst.EmptyLine(),))  # a block stands apart
    return needed


def module_head(docstring: str, future: Sequence[Statement], imports: Sequence[Statement]) -> list[Statement]:
    """The first statements of a new module: its docstring (source text, '' for none), future imports, imports.

    A blank line follows the docstring and the future imports, as black and ruff format put them.
    """
    head = list(cst.parse_module(docstring).body)
    if future:
        future = [future[0].with_changes(leading_lines=(cst.EmptyLine(),) if head else ()), *future[1:]]
    if imports:
        blank = (cst.EmptyLine(),) if head or future else ()
        imports = [imports[0].with_changes(leading_lines=blank), *imports[1:]]
    return [*head, *future, *imports]


# Header comments a new module needs as much as its source: the encoding it is written in,
# the licence (ruff's CPY001 asks for it), file-level pragmas that cover the moved lines.
_CARRIED = re.compile(
    r"coding[:=]|copyright|spdx-|licen[cs]e|^#\s*(mypy|pyright|ruff|flake8|pylint|type|isort)\s*:", re.I
)


def carried_header(module: cst.Module) -> tuple[cst.EmptyLine, ...]:
    """The header blocks of ``module`` a module split off it keeps: cookie, licence, pragmas.

    A block (comment lines between blank ones) comes whole when one of its lines says so:
    a licence notice is kept as written, never as the few lines that name the licence
    (found on boltons and docutils, whose BSD and public-domain notices came in fragments).
    """
    lines = list(module.header)
    blocks: list[list[cst.EmptyLine]] = [[]]
    for line in lines:
        if line.comment is None:
            blocks.append([])
        else:
            blocks[-1].append(line)
    kept: list[cst.EmptyLine] = []
    for block in blocks:
        if any(line.comment is not None and _CARRIED.search(line.comment.value) for line in block):
            if kept:
                kept.append(cst.EmptyLine())
            kept += [line for line in block if not line.comment or not line.comment.value.startswith("#!")]
    if kept and lines[-1].comment is None:
        kept.append(cst.EmptyLine())  # the source sets its header apart from the docstring
    return tuple(kept)
