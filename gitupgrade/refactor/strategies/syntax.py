"""Small libcst edits shared by strategies, each keeping comments and formatting around it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias, TypeGuard

import libcst as cst
from libcst.helpers import get_full_name_for_node

# A statement as a module's body holds it; libcst's BaseStatement has these two kinds only, but
# declares ``leading_lines`` on each, not on the base.
Statement: TypeAlias = cst.SimpleStatementLine | cst.BaseCompoundStatement


def is_docstring(statement: cst.CSTNode) -> TypeGuard[cst.SimpleStatementLine]:
    """True for a statement that is a bare string (a docstring)."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def is_future_import(statement: cst.CSTNode) -> TypeGuard[cst.SimpleStatementLine]:
    """True for ``from __future__ import ...``."""
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.ImportFrom) and s.module is not None and get_full_name_for_node(s.module) == "__future__"
        for s in statement.body
    )


def is_import(statement: cst.CSTNode) -> TypeGuard[cst.SimpleStatementLine]:
    """True for a line of import statements."""
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def is_type_checking_block(statement: cst.CSTNode) -> TypeGuard[cst.If]:
    """True for ``if TYPE_CHECKING:`` (or ``t.TYPE_CHECKING``) with no else.

    Such a block never runs: copying it to another module cannot change behaviour,
    whatever it holds (imports, ``P = te.ParamSpec("P")``, a Protocol class).
    """
    return (
        isinstance(statement, cst.If)
        and statement.orelse is None
        and dotted(statement.test).rpartition(".")[2] == "TYPE_CHECKING"
        and isinstance(statement.body, cst.IndentedBlock)
    )


def suite_statements(block: cst.BaseSuite) -> list[Statement]:
    """The statements of an indented block (none for a one-line suite), typed as a module's are."""
    if not isinstance(block, cst.IndentedBlock):
        return []
    return [s for s in block.body if isinstance(s, (cst.SimpleStatementLine, cst.BaseCompoundStatement))]


def preamble_end(body: Sequence[Statement]) -> int:
    """Index of the first statement after the module docstring and future imports."""
    index = 0
    if body and is_docstring(body[0]):
        index = 1
    while index < len(body) and is_future_import(body[index]):
        index += 1
    return index


def imports_end(body: Sequence[Statement]) -> int:
    """Index just after the leading block of imports (docstring, future imports and module dunders included).

    PEP 8 puts module dunders (``__docformat__``, ``__author__``) between the docstring and
    the imports: an import added at the leading block goes after those, with the others
    (found on docutils, where re-exports landed above ``__docformat__``).
    """
    index = preamble_end(body)
    while index < len(body) and is_dunder_assignment(body[index]):
        index += 1
    while index < len(body) and is_import(body[index]):
        index += 1
    return index


def is_dunder_assignment(statement: Statement) -> bool:
    """True for a module dunder line (``__docformat__ = ...``, ``__all__ = [...]``), as PEP 8 places them."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else []
    return bool(targets) and all(
        isinstance(t, cst.Name) and t.value.startswith("__") and t.value.endswith("__") for t in targets
    )


def move_leading_lines(removed: Statement, target: Statement) -> Statement:
    """Give ``target`` the comments that sat above a statement being removed."""
    carried = tuple(getattr(removed, "leading_lines", ()))
    if not any(line.comment is not None for line in carried):
        return target
    return target.with_changes(leading_lines=(*carried, *target.leading_lines))


def add_future_annotations(module: cst.Module) -> cst.Module:
    """Add ``from __future__ import annotations`` unless present."""
    body = list(module.body)
    for statement in body:
        if is_future_import(statement) and "annotations" in cst.Module(body=[statement]).code:
            return module
    index = 1 if body and is_docstring(body[0]) else 0
    line = cst.parse_statement("from __future__ import annotations\n")
    if index < len(body) and not body[index].leading_lines:
        body[index] = body[index].with_changes(leading_lines=(cst.EmptyLine(),))
    body.insert(index, line)
    return module.with_changes(body=body)


def ensure_type_checking(module: cst.Module) -> cst.Module:
    """Make ``TYPE_CHECKING`` a module-level name (``from typing import TYPE_CHECKING``)."""
    body = list(module.body)
    for i, statement in enumerate(body):
        if not is_import(statement):
            continue
        small = _from_typing(statement)
        if small is None:
            continue
        assert not isinstance(small.names, cst.ImportStar)  # _from_typing skips those
        if "TYPE_CHECKING" in [get_full_name_for_node(a.name) for a in small.names]:
            return module
        aliases = [
            cst.ImportAlias(
                name=cst.Name("TYPE_CHECKING"), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            ),
            *small.names,
        ]
        new_small = small.with_changes(names=aliases)
        body[i] = statement.with_changes(body=[new_small if s is small else s for s in statement.body])
        return module.with_changes(body=body)
    # last in the leading import block, so comments and order above it stay as they were
    index = imports_end(body)
    line = cst.parse_statement("from typing import TYPE_CHECKING\n")
    if index == preamble_end(body) and index > 0:
        line = line.with_changes(leading_lines=(cst.EmptyLine(),))
    body.insert(index, line)
    return module.with_changes(body=body)


def _from_typing(statement: cst.SimpleStatementLine) -> cst.ImportFrom | None:
    """The first ``from typing import names`` (not ``*``) of an import line, if it has one."""
    for small in statement.body:
        if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
            continue
        if get_full_name_for_node(small.module) == "typing" and not isinstance(small.names, cst.ImportStar):
            return small
    return None


def _bare_code(statement: cst.BaseStatement) -> str:
    """A statement's code without its comments (a comment line above it included)."""
    return cst.Module(body=[]).code_for_node(statement.with_changes(leading_lines=())).split("#")[0].strip()


def _body_insert(block: cst.BaseSuite, line: cst.SimpleStatementLine) -> cst.BaseSuite:
    if isinstance(block, cst.SimpleStatementSuite):
        # ``def f(): return X`` becomes an indented block so the import gets its own line
        block = cst.IndentedBlock(body=[cst.SimpleStatementLine(body=list(block.body))])
    assert isinstance(block, cst.IndentedBlock)
    statements = suite_statements(block)
    index = 1 if statements and is_docstring(statements[0]) else 0
    if any(_bare_code(s) == _bare_code(line) for s in statements[: index + 3]):
        return block
    following = statements[index] if index < len(statements) else None
    if following is not None and not is_import(following) and not following.leading_lines:
        # black and ruff format put a blank line between a function's imports and its code
        statements[index] = following.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    statements.insert(index, line)
    return block.with_changes(body=statements)


def insert_at_function_top(
    module: cst.Module, lines: Iterable[tuple[cst.FunctionDef, cst.SimpleStatementLine]]
) -> cst.Module:
    """Insert each line as the first statement (after the docstring) of its function, in one pass."""
    targets = {id(function): line for function, line in lines}

    class Inserter(cst.CSTTransformer):
        def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
            line = targets.get(id(original))
            if line is not None:
                return updated.with_changes(body=_body_insert(updated.body, line))
            return updated

    return module.visit(Inserter())


def dotted(node: cst.CSTNode) -> str:
    """``a.b.c`` for a Name/Attribute chain, '' for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def imports_needed(node: Statement, reads: set[str]) -> Statement | None:
    """The import line (or ``if TYPE_CHECKING:`` block) restricted to the names ``reads`` needs, or None."""
    if isinstance(node, cst.If):
        # imports are narrowed to what is read; ``P = te.ParamSpec("P")`` and the like come along
        lines = [imports_needed(line, reads) if is_import(line) else line for line in node.body.body]
        kept = [line for line in lines if line is not None]
        return node.with_changes(body=node.body.with_changes(body=kept)) if kept else None
    assert isinstance(node, cst.SimpleStatementLine)
    smalls = []
    for small in node.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
            keep = [a for a in small.names if bound_name(a) in reads]
            if keep:
                fixed = [
                    a.with_changes(comma=cst.MaybeSentinel.DEFAULT) if i == len(keep) - 1 else a
                    for i, a in enumerate(keep)
                ]
                if isinstance(small, cst.ImportFrom) and small.lpar is None:
                    fixed[-1] = fixed[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                smalls.append(small.with_changes(names=fixed))
    if not smalls:
        return None
    # blank lines between import groups stay; comments describe the original context
    return node.with_changes(
        body=smalls, leading_lines=tuple(line for line in node.leading_lines if line.comment is None)
    )


def bound_name(alias: cst.ImportAlias) -> str:
    """The name an import alias binds: ``x`` for ``import x.y``, ``z`` for ``... as z``."""
    if alias.asname is not None:
        return dotted(alias.asname.name)
    name = dotted(alias.name)
    return name.split(".")[0]


def self_attributes(function: cst.FunctionDef) -> set[str]:
    """Attributes read or written through the method's first parameter (``self``/``cls``)."""
    params = function.params.params or function.params.posonly_params
    if not params:
        return set()
    me = params[0].name.value
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            if isinstance(node.value, cst.Name) and node.value.value == me:
                found.add(node.attr.value)

    function.body.visit(Finder())
    return found


def dunder_all_values(module: cst.Module) -> list[cst.BaseExpression] | None:
    """The values the module assigns or adds to ``__all__`` at module level, or None without one."""
    found: list[cst.BaseExpression] | None = None
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [small.target]
            if any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                assert isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign))
                found = found if found is not None else []
                if small.value is not None:  # ``__all__: list[str]`` declares it, lists nothing
                    found.append(small.value)
    return found


def names_in(node: cst.CSTNode) -> set[str]:
    """Every ``Name`` used inside ``node``."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    node.visit(Finder())
    return found
