"""The module-level statements of a module: what each binds and which globals it reads.

Built from libcst's scope analysis, so a function's local ``x`` is not confused with a
module-level ``x``; annotations, string annotations and decorators count as reads.
"""
from __future__ import annotations

import bisect
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
    dotted,
    imports_needed,
    is_docstring,
    is_future_import,
    is_import,
    is_type_checking_block,
)


@dataclass
class TopLevel:
    """One statement of the module body."""

    index: int
    node: cst.BaseStatement
    kind: str                       # docstring | import | def | other
    binds: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
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


def _kind(node: cst.BaseStatement) -> str:
    if is_docstring(node):
        return "docstring"
    if is_import(node) or is_future_import(node) or is_type_checking_block(node):
        return "import"
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return "def"
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
        small = node.body[0]
        targets: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            targets = [small.target]
        names = [t for t in targets if isinstance(t, cst.Name)]
        if targets and len(names) == len(targets) and not any(
            n.value.startswith("__") and n.value.endswith("__") for n in names
        ):
            return "def"
    return "other"


def first_line(node: cst.CSTNode, positions: Any) -> int:
    """The first line of a statement, decorators included (libcst starts a def at ``def``)."""
    lines = [positions[node].start.line]
    lines += [positions[d].start.line for d in getattr(node, "decorators", ())]
    return min(lines)


def map_module(module: cst.Module) -> list[TopLevel]:
    """The statements of ``module`` (which must not be reused after a copy) with binds/reads."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    positions = wrapper.resolve(PositionProvider)
    statements = []
    for index, node in enumerate(module.body):
        statements.append(TopLevel(index, node, _kind(node), start=first_line(node, positions),
                                   end=positions[node].end.line))
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
        node = getattr(assignment, "node", None)
        name = assignment.name.split(".")[0]
        binder = owner(node) if node is not None else None
        if binder is not None:
            binder.binds.add(name)
        for access in assignment.references:
            reader = owner(access.node)
            if reader is not None:
                reader.reads.add(name)
    return statements


def copied_imports(statements: list[TopLevel], reads: set[str]) -> list[cst.BaseStatement]:
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
            needed[i] = needed[i].with_changes(leading_lines=(cst.EmptyLine(),))   # a block stands apart
    return needed
