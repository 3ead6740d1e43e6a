"""Replace exact copies of a run of statements in one module by calls to one private helper.

The copies must be the same code, each a run of whole statements inside a function of
the same module. The helper is a method of their class when the run reads ``self`` (or
``cls``) or is tied to its class, a module-level function otherwise. The locals the run
reads become its parameters, the locals it binds that the function reads later come back
as its result, and when the run ends the function the call is returned. The helper is
typed from the functions' own annotations when they have any, and named from what the
run does (:mod:`block_names`), or the copies stay.
"""

from __future__ import annotations

import ast
import copy as copy_module
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from gitupgrade.refactor.strategies.base import Outcome
from gitupgrade.refactor.strategies.block_flow import BlockFlow, flow, names_of, parameters_of
from gitupgrade.refactor.strategies.block_names import helper_name
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace

if TYPE_CHECKING:
    from gitupgrade.suggestion import Suggestion

MAX_PARAMETERS = 4
MAX_RESULTS = 2

Function = ast.FunctionDef | ast.AsyncFunctionDef


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


@dataclass(frozen=True)
class Plan:
    """The helper to write and how each copy calls it."""

    name: str
    kind: str  # "method", "classmethod" or "function"
    receiver: str | None  # self / cls for methods
    parameters: tuple[str, ...]  # besides the receiver
    flow: BlockFlow
    owner: ast.ClassDef | None


def extract(ws: Workspace, suggestion: Suggestion) -> Outcome:
    """Write one helper for the exact copies of ``suggestion`` and call it from each copy."""
    locations: list[dict[str, Any]] = suggestion.evidence["locations"]
    if len({loc["path"] for loc in locations}) != 1:
        raise RefusedChange("the copies are in different modules")
    source = ws.read(locations[0]["path"], locations[0]["module"])
    tree = ast.parse(source.text)
    copies = _grown([_locate(tree, loc) for loc in locations])
    renamings = _renamings(copies)
    plan = _plan(source, copies, renamings)
    if plan.kind != "function":
        _check_unused_elsewhere(ws, source, plan.name)
    _check_types(copies, renamings, plan, typed=ws.style.type_checker is not None)
    ws.write(source, _rewrite(source, copies, renamings, plan))
    ws.tidy([source.path])
    owner = f"{plan.owner.name}." if plan.kind != "function" and plan.owner else ""
    where = [f"{c.function.name} (line {c.first_line})" for c in copies]
    said = ", ".join(where[:-1]) + f" and {where[-1]}"
    call = f"{owner}{plan.name}({', '.join(plan.parameters)})"
    same = "the same" if all(r == {} for r in renamings) else "the same (locals renamed)"
    summary = [
        f"{source.path}: {said} ran {same} {len(copies[0].run)} statements; each now calls {call} instead.",
        "The helper is those statements unchanged: it takes the locals they read"
        + (f" and gives back {', '.join(plan.flow.outputs)}" if plan.flow.outputs else "")
        + ("; its result is returned where the copies returned" if plan.flow.returns_value else "")
        + ".",
    ]
    return Outcome(summary=summary, title=f"Extract {owner}{plan.name} from {len(copies)} copies in {source.path}")


def _locate(tree: ast.Module, location: dict[str, Any]) -> Copy:
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


def _grown(copies: list[Copy]) -> list[Copy]:
    """The copies extended over the statements around them that are the same in every copy.

    The clone finder reports runs by lines; a run that stops one statement short of its
    function's end cannot be returned, while the whole tail can.
    """
    start, stop = 0, 0
    while all(c.stop + stop < len(c.suite) for c in copies) and _same([c.suite[c.stop + stop] for c in copies]):
        stop += 1
    while all(c.start - start > 0 for c in copies) and _same([c.suite[c.start - start - 1] for c in copies]):
        start += 1
    if len({id(c.suite) for c in copies}) < len(copies):  # two copies in one suite: growing could overlap them
        return copies
    return [Copy(c.function, c.owner, c.suite, c.start - start, c.stop + stop) for c in copies]


def _same(statements: list[ast.stmt]) -> bool:
    return len({ast.dump(s) for s in statements}) == 1


# How another copy names each local of the first copy (only the names that differ).
Renaming = dict[str, str]


def _renamings(copies: list[Copy]) -> list[Renaming]:
    """Each copy's names for the first copy's locals; refuses copies that differ in anything else."""
    (first, first_order), *others = [_canonical(c) for c in copies]
    renamings: list[Renaming] = [{}]
    for dumps, order in others:
        if dumps != first:
            raise RefusedChange("the copies differ in more than the names of their locals")
        renamings.append({a: b for a, b in zip(first_order, order, strict=True) if a != b})
    return renamings


def _canonical(copy: Copy) -> tuple[list[str], list[str]]:
    """The run with its function's locals numbered by first use, and those locals in that order."""
    local = parameters_of(copy.function) | names_of(copy.function.body).binds
    order: list[str] = []

    class Number(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.Name:
            if node.id not in local:
                return node
            if node.id not in order:
                order.append(node.id)
            return ast.Name(f"_{order.index(node.id)}", node.ctx)

    dumps = [ast.dump(Number().visit(copy_module.deepcopy(s))) for s in copy.run]
    return dumps, order


def _check_unused_elsewhere(ws: Workspace, source: ModuleSource, name: str) -> None:
    """Refuse a method name another module spells: a subclass there could override the helper."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for path in ws.python_files():
        if path != source.path and pattern.search(ws.inside(path).read_text(encoding="utf-8", errors="replace")):
            raise RefusedChange(f"{name} is spelled in {path}: a class there could override the helper")


def _plan(source: ModuleSource, copies: list[Copy], renamings: list[Renaming]) -> Plan:
    agreed = _agreed_flow(copies, renamings)
    kind, receiver = _helper_kind(copies, agreed)
    parameters = _in_signature_order(copies[0].function, [n for n in agreed.inputs if n != receiver])
    if len(parameters) > MAX_PARAMETERS:
        raise RefusedChange(f"a helper would take {len(parameters)} parameters ({', '.join(parameters)})")
    owner = copies[0].owner if kind != "function" else None
    name = helper_name(source.text, [c.run for c in copies], [c.function for c in copies], agreed, parameters)
    return Plan(name, kind, receiver, parameters, agreed, owner)


def _in_signature_order(function: Function, names: list[str]) -> tuple[str, ...]:
    """The function's own parameters first, in its signature's order; other locals by first use."""
    signature = [a.arg for a in _arguments(function)]
    return tuple(
        sorted(names, key=lambda n: (signature.index(n) if n in signature else len(signature), names.index(n)))
    )


def _agreed_flow(copies: list[Copy], renamings: list[Renaming]) -> BlockFlow:
    """The flow every copy has (in the first copy's names); refuses copies whose functions use the run differently."""
    first, *others = [flow(c.function, c.suite, c.start, c.stop) for c in copies]
    for other, renaming in zip(others, renamings[1:], strict=True):
        if other.inputs != _renamed(first.inputs, renaming):
            raise RefusedChange("a name the copies read is a local in one function and not in another")
        if set(other.outputs) != set(_renamed(first.outputs, renaming)) or other.terminal != first.terminal:
            raise RefusedChange("the functions go on differently after the copies")
    if first.terminal and not first.returns_value and not all(_is_tail(c) for c in copies):
        raise RefusedChange("the copies end by raising inside their functions: a call would hide that")
    if len(first.outputs) > MAX_RESULTS:
        raise RefusedChange(f"the run sets {len(first.outputs)} locals the functions read later")
    return first


def _renamed(names: tuple[str, ...], renaming: Renaming) -> tuple[str, ...]:
    return tuple(renaming.get(n, n) for n in names)


def _helper_kind(copies: list[Copy], agreed: BlockFlow) -> tuple[str, str | None]:
    """``method``/``classmethod`` with its receiver when the run needs its object, else ``function``."""
    receivers = {c.receiver for c in copies}
    receiver = receivers.pop() if len(receivers) == 1 else None
    if not (receiver in agreed.inputs or agreed.class_ties):
        return "function", None
    kinds = {c.kind for c in copies}
    if len({id(c.owner) for c in copies}) != 1 or len(kinds) != 1 or copies[0].owner is None:
        raise RefusedChange("the run reads self, and its copies are in functions of different kinds or classes")
    if receiver is None:
        raise RefusedChange(f"the run uses {', '.join(sorted(agreed.class_ties))}, which needs its class")
    return kinds.pop(), receiver


def _is_tail(copy: Copy) -> bool:
    return copy.suite is copy.function.body and copy.stop == len(copy.suite)


def _check_types(copies: list[Copy], renamings: list[Renaming], plan: Plan, typed: bool) -> None:
    """In typed code, refuse a helper whose parameters or result the functions do not type."""
    annotated = any(a.annotation is not None for c in copies for a in _arguments(c.function)) or any(
        c.function.returns is not None for c in copies
    )
    if not (typed and annotated):
        return
    for name in plan.parameters + plan.flow.outputs:
        types = {_annotation_of(c.function, r.get(name, name)) for c, r in zip(copies, renamings, strict=True)}
        if len(types) != 1 or None in types:
            raise RefusedChange(f"{name} has no type the functions agree on, and the project is type-checked")
    if (
        plan.flow.returns_value
        and len({ast.dump(c.function.returns) if c.function.returns else "" for c in copies}) != 1
    ):
        raise RefusedChange("the functions return different types")


def _arguments(function: Function) -> list[ast.arg]:
    args = function.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]


def _annotation_of(function: Function, name: str) -> str | None:
    for arg in _arguments(function):
        if arg.arg == name and arg.annotation is not None:
            return ast.unparse(arg.annotation)
    for node in ast.walk(function):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return ast.unparse(node.annotation)
    return None


# -- writing -------------------------------------------------------------------------


def _rewrite(source: ModuleSource, copies: list[Copy], renamings: list[Renaming], plan: Plan) -> str:
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
    top = next(i for i, s in enumerate(module.body) if spans(s, anchor.lineno))

    class Rewrite(cst.CSTTransformer):
        def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
            cut = cuts.get(id(original))
            if cut is None:
                return updated
            i, j, index = cut
            leading = getattr(updated.body[i], "leading_lines", ())
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
    body.insert(
        top,
        helper.with_changes(leading_lines=[cst.EmptyLine(indent=False)] * max(2, _blank_lines(body[top], default=2))),
    )
    return rewritten.with_changes(body=body).code


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
    params: list[cst.Param] = []
    if plan.receiver:
        params.append(cst.Param(cst.Name(plan.receiver)))
    for name in plan.parameters:
        params.append(cst.Param(cst.Name(name), annotation=_param_annotation(function, name)))
    statements = [body[0].with_changes(leading_lines=()), *body[1:]]
    if plan.flow.outputs:
        values = [cst.Name(n) for n in plan.flow.outputs]
        value: cst.BaseExpression = (
            values[0] if len(values) == 1 else cst.Tuple([cst.Element(v) for v in values], lpar=[], rpar=[])
        )
        statements.append(cst.SimpleStatementLine([cst.Return(value)]))
    returns = _return_annotation(function, copy, plan)
    decorators = [cst.Decorator(cst.Name("classmethod"))] if plan.kind == "classmethod" else []
    return cst.FunctionDef(
        name=cst.Name(plan.name),
        params=cst.Parameters(params),
        body=cst.IndentedBlock(statements),
        decorators=decorators,
        returns=returns,
    )


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
    return function.returns is not None or any(a.annotation is not None for a in _arguments(function))


def _call(plan: Plan, renaming: Renaming) -> cst.SimpleStatementLine:
    """The statement a copy becomes, in its own names."""
    target = f"{plan.receiver}.{plan.name}" if plan.receiver else plan.name
    call = f"{target}({', '.join(_renamed(plan.parameters, renaming))})"
    if plan.flow.terminal and plan.flow.returns_value:
        text = f"return {call}"
    elif plan.flow.outputs:
        text = f"{', '.join(_renamed(plan.flow.outputs, renaming))} = {call}"
    else:
        text = call
    statement = cst.parse_statement(text + "\n")
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement
