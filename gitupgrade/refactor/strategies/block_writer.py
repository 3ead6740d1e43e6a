"""Writing a helper made of repeated statements, and the calls that replace the copies.

The helper's body is the first copy's statements as libcst holds them (comments and
layout kept), typed from the function's own annotations; each copy becomes one call in
its own names. A method goes after the last method that calls it, a module function
before the first top-level statement that does, or above that statement's section banner
(``### namedtuple``) when its callers are in more than one section.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from gitupgrade.refactor.strategies.block_copies import Copy, Function, Renaming, arguments_of
from gitupgrade.refactor.strategies.block_flow import BlockFlow
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange


@dataclass(frozen=True)
class Plan:
    """The helper to write and how each copy calls it."""

    name: str
    kind: str  # "method", "classmethod" or "function"
    receiver: str | None  # self / cls for methods
    parameters: tuple[str, ...]  # besides the receiver
    flow: BlockFlow
    owner: ast.ClassDef | None
    named_by: str = ""  # the model that proposed the name, when no rule gave one
    named_by_comment: bool = False  # the comment above the copies says what the name says


def renamed(names: tuple[str, ...], renaming: Renaming) -> tuple[str, ...]:
    """``names`` as a copy with ``renaming`` spells them."""
    return tuple(renaming.get(n, n) for n in names)


def rewrite(source: ModuleSource, copies: list[Copy], renamings: list[Renaming], plan: Plan) -> str:
    """The module's text with each copy replaced by its call and the helper written in."""
    wrapper = MetadataWrapper(cst.parse_module(source.text))
    positions = wrapper.resolve(PositionProvider)
    module = wrapper.module
    lines = {c.first_line: c for c in copies}
    cuts: dict[int, tuple[int, int, int]] = {}  # id of a libcst suite -> the statements to replace, the copy
    suites: list[cst.IndentedBlock] = []
    anchor = _anchor(copies, plan)

    def spans(node: cst.CSTNode, line: int) -> bool:
        where = positions[node]
        return where.start.line <= line <= where.end.line

    class Find(cst.CSTVisitor):
        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
            for i, statement in enumerate(node.body):
                copy = lines.get(positions[statement].start.line)
                if copy is not None and id(node) not in cuts:
                    cuts[id(node)] = (i, i + copy.stop - copy.start, copies.index(copy))
                    suites.append(node)

    module.visit(Find())
    if len(cuts) != len(copies):
        raise RefusedChange("the copies could not be found in the module's syntax tree")
    start, stop, _ = cuts[id(suites[0])]
    helper = _helper(module, source, copies[0], plan, list(suites[0].body[start:stop]))
    owner = next((s for s in module.body if plan.owner and spans(s, plan.owner.lineno)), None)
    callers = [i for i, s in enumerate(module.body) if any(spans(s, c.function.lineno) for c in copies)]

    class Rewrite(cst.CSTTransformer):
        def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
            cut = cuts.get(id(original))
            if cut is None:
                return updated
            i, j, index = cut
            # the comment above a copy describes the run: it goes into the helper (or is its name)
            leading = [line for line in getattr(updated.body[i], "leading_lines", ()) if line.comment is None]
            line = _call(plan, renamings[index]).with_changes(leading_lines=leading)
            return updated.with_changes(body=[*updated.body[:i], line, *updated.body[j:]])

        def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
            if original is not owner or not isinstance(updated.body, cst.IndentedBlock):
                return updated
            members = list(updated.body.body)
            after = next(i for i, s in enumerate(original.body.body) if spans(s, anchor.lineno)) + 1
            blank = _blank_lines(members[after - 1], default=1)
            members.insert(after, helper.with_changes(leading_lines=[cst.EmptyLine(indent=False)] * blank))
            return updated.with_changes(body=updated.body.with_changes(body=members))

    rewritten = module.visit(Rewrite())
    if plan.kind != "function":
        return rewritten.code
    body = list(rewritten.body)
    top, above_banner = _section_start(body, callers)
    blank_line = cst.EmptyLine(indent=False)
    leading = list(getattr(body[top], "leading_lines", ()))
    # a banner above the first caller heads the callers' one section: the helper goes under it
    heading = [] if above_banner else leading[: _last_banner(leading) + 1]
    leading = leading[len(heading) :]
    blank = next((i for i, line in enumerate(leading) if line.comment is not None), len(leading))
    helper_lines = heading + [blank_line] * (blank if heading else max(2, blank))
    # PEP 8's two blank lines after the helper, before what it now precedes (E302, E305)
    below_lines = [blank_line] * max(2, blank) + leading[blank:]
    body[top] = body[top].with_changes(leading_lines=below_lines)
    body.insert(top, helper.with_changes(leading_lines=helper_lines))
    return rewritten.with_changes(body=body).code


# A comment that marks a section rather than saying something: ``### namedtuple``,
# ``# ---- parsing ----``, ``## Helpers``.
_BANNER = re.compile(r"#\s*([#=*~_-])\1{2,}|##+\s*\w")


def _section_start(body: Sequence[cst.CSTNode], callers: list[int]) -> tuple[int, bool]:
    """Where a module helper goes, and whether above a banner: before its first caller, or
    above the banner of that caller's section when a later caller is in another section
    (the helper serves both)."""
    first, last = min(callers), max(callers)
    if not any(_last_banner(getattr(s, "leading_lines", ())) >= 0 for s in body[first + 1 : last + 1]):
        return first, False
    found = (i for i in range(first, -1, -1) if _last_banner(getattr(body[i], "leading_lines", ())) >= 0)
    return next(found, first), True


def _last_banner(lines: Sequence[cst.EmptyLine]) -> int:
    """The index of the last banner comment among a statement's leading lines, or -1."""
    banners = [i for i, line in enumerate(lines) if line.comment is not None and _BANNER.match(line.comment.value)]
    return banners[-1] if banners else -1


def _blank_lines(statement: cst.CSTNode, default: int) -> int:
    """How many blank lines separate ``statement`` from what comes before it."""
    leading = getattr(statement, "leading_lines", ())
    count = 0
    for line in leading:
        if line.comment is not None:
            break
        count += 1
    return count or default


def _anchor(copies: list[Copy], plan: Plan) -> ast.stmt:
    """Where the helper goes: after the last method that calls it, or before the first top-level user."""
    if plan.kind != "function":
        return max((c.function for c in copies), key=lambda f: f.lineno)
    return min((c.owner or c.function for c in copies), key=lambda n: n.lineno)


def _helper(
    module: cst.Module, source: ModuleSource, copy: Copy, plan: Plan, body: list[cst.BaseStatement]
) -> cst.FunctionDef:
    """The helper's definition: the run of the first copy, its returns, typed like the function."""
    function = _cst_function(module, copy)
    annotations = [_param_annotation(function, name) for name in plan.parameters]
    returns = _return_annotation(function, copy, plan)
    if None in annotations or (returns is None and (annotations or plan.flow.outputs or plan.flow.returns_value)):
        # a half-typed signature reads worse than none: typed fully, or not at all
        annotations, returns = [None] * len(plan.parameters), None
    params = [cst.Param(cst.Name(plan.receiver))] if plan.receiver else []
    params += [cst.Param(cst.Name(n), annotation=a) for n, a in zip(plan.parameters, annotations, strict=True)]
    comments = [] if plan.named_by_comment else _comments(body[0])
    statements = _returned_directly([body[0].with_changes(leading_lines=comments), *body[1:]], plan)
    decorators = [cst.Decorator(cst.Name("classmethod"))] if plan.kind == "classmethod" else []
    return cst.FunctionDef(
        name=cst.Name(plan.name),
        params=cst.Parameters(params),
        body=cst.IndentedBlock(statements),
        decorators=decorators,
        returns=returns,
    )


def _comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The comment lines right above a statement (blank lines before them dropped)."""
    leading = list(getattr(statement, "leading_lines", ()))
    while leading and leading[0].comment is None:
        leading.pop(0)
    return leading


def _returned_directly(statements: list[cst.BaseStatement], plan: Plan) -> list[cst.BaseStatement]:
    """The helper's body with its results returned: ``return expr``, not ``x = expr; return x``."""
    results = plan.flow.outputs
    last = statements[-1]
    if plan.flow.terminal:
        before = statements[-2] if len(statements) > 1 else None
        value = _assigned_to(before, last) if before is not None else None
        return [*statements[:-2], _return(value, before)] if value is not None and before is not None else statements
    if len(results) == 1 and results[0] not in plan.parameters:
        value = _assigned_value(last, results[0])
        if value is not None:
            return [*statements[:-1], _return(value, last)]
    if not results:
        return statements
    names = [cst.Name(n) for n in results]
    returned = names[0] if len(names) == 1 else cst.Tuple([cst.Element(n) for n in names], lpar=[], rpar=[])
    return [*statements, cst.SimpleStatementLine([cst.Return(returned)])]


def _return(value: cst.BaseExpression, replacing: cst.BaseStatement) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Return(value)], leading_lines=getattr(replacing, "leading_lines", ()))


def _assigned_value(statement: cst.BaseStatement, name: str) -> cst.BaseExpression | None:
    """``expr`` when the statement is exactly ``name = expr``."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name) and target.value == name:
            return small.value
    return None


def _assigned_to(before: cst.BaseStatement, last: cst.BaseStatement) -> cst.BaseExpression | None:
    """``expr`` of ``x = expr`` followed by ``return x``."""
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1):
        return None
    returned = last.body[0]
    if isinstance(returned, cst.Return) and isinstance(returned.value, cst.Name):
        return _assigned_value(before, returned.value.value)
    return None


def _cst_function(module: cst.Module, copy: Copy) -> cst.FunctionDef | None:
    found: list[cst.FunctionDef] = []

    class Find(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            if node.name.value == copy.function.name:
                found.append(node)

    module.visit(Find())
    text = ast.unparse(copy.function.args)
    for node in found:
        params = cst.Module([]).code_for_node(node.params)
        if _same_params(params, text):
            return node
    return found[0] if found else None


def _same_params(cst_text: str, ast_text: str) -> bool:
    try:
        parsed = ast.parse(f"def f({cst_text}): pass").body[0]
    except SyntaxError:
        return False
    return isinstance(parsed, ast.FunctionDef) and ast.unparse(parsed.args) == ast_text


def _param_annotation(function: cst.FunctionDef | None, name: str) -> cst.Annotation | None:
    if function is None:
        return None
    params = function.params
    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
        if param.name.value == name and param.annotation is not None:
            return cst.Annotation(param.annotation.annotation)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param) and star.name.value == name and star.annotation is not None:
            return None  # *args: tuple[T, ...] is not T: leave it to the checker's inference
    annotated: list[cst.Annotation] = []

    class Find(cst.CSTVisitor):
        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if isinstance(node.target, cst.Name) and node.target.value == name:
                annotated.append(cst.Annotation(node.annotation.annotation))

    function.visit(Find())
    return annotated[0] if annotated else None


def _return_annotation(function: cst.FunctionDef | None, copy: Copy, plan: Plan) -> cst.Annotation | None:
    if function is None or not _is_annotated(copy.function):
        return None
    if plan.flow.terminal and plan.flow.returns_value:
        return cst.Annotation(function.returns.annotation) if function.returns else None
    outputs = [_param_annotation(function, n) for n in plan.flow.outputs]
    if any(a is None for a in outputs):
        return None
    if not outputs:
        return cst.Annotation(cst.Name("None"))
    if len(outputs) == 1 and outputs[0] is not None:
        return outputs[0]
    elements = [cst.SubscriptElement(cst.Index(a.annotation)) for a in outputs if a is not None]
    return cst.Annotation(cst.Subscript(cst.Name("tuple"), elements))


def _is_annotated(function: Function) -> bool:
    return function.returns is not None or any(a.annotation is not None for a in arguments_of(function))


def _call(plan: Plan, renaming: Renaming) -> cst.SimpleStatementLine:
    """The statement a copy becomes, in its own names."""
    target = f"{plan.receiver}.{plan.name}" if plan.receiver else plan.name
    call = f"{target}({', '.join(renamed(plan.parameters, renaming))})"
    if plan.flow.terminal and plan.flow.returns_value:
        text = f"return {call}"
    elif plan.flow.outputs:
        text = f"{', '.join(renamed(plan.flow.outputs, renaming))} = {call}"
    else:
        text = call
    statement = cst.parse_statement(text + "\n")
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement
