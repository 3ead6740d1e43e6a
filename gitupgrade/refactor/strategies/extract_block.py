"""Replace copies of a run of statements in one module by calls to one private helper.

The copies must be the same code (their locals may be named differently), each a run of
whole statements inside a function of the same module (:mod:`block_copies`). The helper
is a method of their class when the run reads ``self`` (or ``cls``) or is tied to its
class, a module-level function otherwise. The locals the run reads become its
parameters, the locals it binds that the function reads later come back as its result
(in the order it binds them), and when the run ends the function the call is returned.
The helper is typed from the functions' own annotations when they have any, and named
from what the run does (:mod:`block_names`), or the copies stay. :mod:`block_writer`
writes it.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import replace
from difflib import SequenceMatcher
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from gitupgrade.refactor.strategies.base import Outcome
from gitupgrade.refactor.strategies.block_copies import (
    Copy,
    Function,
    Renaming,
    arguments_of,
    canonical,
    grown,
    locals_of,
    locate,
    renamings_of,
)
from gitupgrade.refactor.strategies.block_flow import BlockFlow, flow
from gitupgrade.refactor.strategies.block_names import comment_name, helper_name
from gitupgrade.refactor.strategies.block_writer import Plan, renamed, rewrite
from gitupgrade.refactor.strategies.package_conventions import copy_refusal
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace

if TYPE_CHECKING:
    from gitupgrade.suggestion import Suggestion

MAX_PARAMETERS = 4
MAX_RESULTS = 2


def extract(ws: Workspace, suggestion: Suggestion, llm: Mapping[str, Any] | None = None) -> Outcome:
    """Write one helper for the copies of ``suggestion`` and call it from each copy.

    ``llm``: the configured model's section; it may name a run no rule names.
    """
    locations: list[dict[str, Any]] = suggestion.evidence["locations"]
    if len({loc["path"] for loc in locations}) != 1:
        raise RefusedChange("the copies are in different modules")
    source = ws.read(locations[0]["path"], locations[0]["module"])
    copied = copy_refusal(source)
    if copied:
        raise RefusedChange(copied)
    tree = ast.parse(source.text)
    copies = grown([locate(tree, loc) for loc in locations])
    renamings = renamings_of(copies)
    _check_whole_idiom(tree, copies)
    _check_opening_elsewhere(tree, copies)
    _check_parallel_functions(source.text, copies)
    plan = _plan(source, copies, renamings, llm)
    _check_inputs_made_for_it(copies, renamings, plan)
    if plan.kind != "function":
        _check_unused_elsewhere(ws, source, plan.name)
    _check_types(copies, renamings, plan, typed=ws.style.type_checker is not None or mostly_annotated(tree))
    ws.write(source, rewrite(source, copies, renamings, plan))
    ws.tidy([source.path])
    owner = f"{plan.owner.name}." if plan.kind != "function" and plan.owner else ""
    return Outcome(
        summary=_summary(source, copies, renamings, plan, owner),
        title=f"Extract {owner}{plan.name} from {len(copies)} copies in {source.path}",
    )


def _summary(source: ModuleSource, copies: list[Copy], renamings: list[Renaming], plan: Plan, owner: str) -> list[str]:
    """What moved, what the helper takes and gives back, and why a maintainer would want it."""
    where = [f"{c.function.name} (line {c.first_line})" for c in copies]
    said = ", ".join(where[:-1]) + f" and {where[-1]}"
    call = f"{owner}{plan.name}({', '.join(plan.parameters)})"
    same = "the same" if all(r == {} for r in renamings) else "the same (locals renamed)"
    count = len(copies[0].run)
    statements = f"{count} statements" if count > 1 else "statement"
    copies_said = {2: "two", 3: "three", 4: "four"}.get(len(copies), str(len(copies)))
    summary = [
        f"{source.path}: {said} ran {same} {statements}; each now calls {call} instead.",
        "The helper is "
        + ("those statements unchanged: it takes the locals they read" if count > 1 else "that statement unchanged:")
        + ("" if count > 1 else " it takes the locals it reads")
        + (f" and gives back {', '.join(plan.flow.outputs)}" if plan.flow.outputs else "")
        + ("; its result is returned where the copies returned" if plan.flow.returns_value else "")
        + ".",
        # reviewers asked what the change buys, not only what it does
        f"Why: one version of the step instead of {copies_said} that can drift apart as each is"
        " edited; a fix to it now reaches every caller.",
    ]
    if plan.named_by:
        summary.append(f"No rule named the run; the name is {plan.named_by}'s, checked by the naming rules.")
    return summary


def _check_whole_idiom(tree: ast.Module, copies: list[Copy]) -> None:
    """Refuse a run with a statement that also stands in other places of the module.

    Found on sympy: four ``matches`` methods shared ``sympify`` and an ``if repl_dict is
    None`` block that five more methods have alone; a helper for the four leaves the
    idiom spelled two ways. Only statements of two lines or more count.
    """
    inside = {id(node) for c in copies for statement in c.run for node in ast.walk(statement)}
    long = [s for s in copies[0].run if len(_span(s)) > 1]
    shapes = {(type(s), len(_span(s))) for s in long}  # dump only statements of a shape the run has
    dumps = {ast.dump(s) for s in long}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or id(node) in inside or (type(node), len(_span(node))) not in shapes:
            continue
        if ast.dump(node) in dumps:
            raise RefusedChange(
                f"line {node.lineno} has a statement of the run outside its copies: "
                "a helper would leave that code spelled two ways"
            )


def _check_opening_elsewhere(tree: ast.Module, copies: list[Copy]) -> None:
    """Refuse a run whose first two statements open the same step elsewhere, with other locals.

    Found on numpy: two binary operations end with the same five statements that make
    their result a masked array, and ``outer`` opens that step with locals of its own
    (``masked_d = d.view(...)``), too short for the clone finder; a helper for the two
    leaves the step spelled two ways.
    """
    first = copies[0]
    if len(first.run) < 2:
        return
    opening, _ = canonical(first.run[:2], locals_of(first.function))
    kinds = [type(s) for s in first.run[:2]]
    inside = {id(s) for c in copies for s in c.run}
    for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        local: set[str] | None = None  # read once a pair of the run's kinds turns up
        for pair in _consecutive(function):
            if [type(s) for s in pair] != kinds or inside & {id(s) for s in pair}:
                continue
            local = local if local is not None else locals_of(function)
            if canonical(list(pair), local)[0] == opening:
                raise RefusedChange(
                    f"line {pair[0].lineno} opens the same step with other names: "
                    "a helper for the copies would leave it spelled two ways"
                )


def _consecutive(function: Function) -> Iterator[tuple[ast.stmt, ast.stmt]]:
    """Every two statements in a row of the suites in ``function``."""
    for node in ast.walk(function):
        for field in ("body", "orelse", "finalbody"):
            suite = getattr(node, field, None)
            if isinstance(suite, list):
                yield from pairwise(suite)


def _check_parallel_functions(text: str, copies: list[Copy]) -> None:
    """Refuse copies in functions that are near copies of each other beyond the run.

    Found on boltons: ``namedtuple`` and ``namedlist`` are parallel versions, alike in 46
    more lines than the run; a helper for one run of them is a half deduplication that
    breaks their line-by-line likeness. Alike means the same stripped line, comments and
    docstrings aside; functions count as parallel when what they share outside the run is
    at least the run's size and half of the shorter one.
    """
    lines = text.splitlines()

    def code_lines(copy: Copy) -> list[str]:
        body = copy.function.body
        skip = {n for s in copy.run for n in _span(s)}
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.update(_span(body[0]))  # the docstring
        numbers = range(body[0].lineno, (copy.function.end_lineno or body[-1].lineno) + 1)
        return [lines[n - 1].strip() for n in numbers if n not in skip and lines[n - 1].strip()[:1] not in ("", "#")]

    run_size = len({n for s in copies[0].run for n in _span(s)})
    first = code_lines(copies[0])
    for copy in copies[1:]:
        if copy.function is copies[0].function:
            continue
        other = code_lines(copy)
        alike = sum(b.size for b in SequenceMatcher(None, first, other, autojunk=False).get_matching_blocks())
        if alike >= run_size and 2 * alike >= min(len(first), len(other)):
            same = copy.function.name == copies[0].function.name  # say whose: two classes' methods
            one, two = (
                (_qualified(copies[0]), _qualified(copy)) if same else (copies[0].function.name, copy.function.name)
            )
            raise RefusedChange(
                f"{one} and {two} are near copies of each other "
                f"({alike} more of their lines alike): a helper for this run would leave the rest copied"
            )


def _span(statement: ast.stmt) -> range:
    return range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)


def _qualified(copy: Copy) -> str:
    return f"{copy.owner.name}.{copy.function.name}" if copy.owner else copy.function.name


def _check_unused_elsewhere(ws: Workspace, source: ModuleSource, name: str) -> None:
    """Refuse a method name another module spells: a subclass there could override the helper."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for path in ws.python_files():
        if path != source.path and pattern.search(ws.inside(path).read_text(encoding="utf-8", errors="replace")):
            raise RefusedChange(f"{name} is spelled in {path}: a class there could override the helper")


def _plan(source: ModuleSource, copies: list[Copy], renamings: list[Renaming], llm: Mapping[str, Any] | None) -> Plan:
    agreed = _agreed_flow(copies, renamings)
    # results in the order the run binds them (``start, count``), as a reader follows it, not by name
    agreed = replace(agreed, outputs=_in_binding_order(copies[0].run, agreed.outputs))
    kind, receiver = _helper_kind(copies, agreed)
    parameters = _in_signature_order(copies[0].function, [n for n in agreed.inputs if n != receiver])
    if len(parameters) > MAX_PARAMETERS:
        raise RefusedChange(f"a helper would take {len(parameters)} parameters ({', '.join(parameters)})")
    owner = copies[0].owner if kind != "function" else None
    namer = None
    if llm is not None:
        from gitupgrade.refactor.llm.naming import ModelNamer  # only with a model configured

        code = "\n".join(ast.unparse(s) for s in copies[0].run)
        namer = ModelNamer(llm, code, [c.function.name for c in copies], parameters)
    renamed = frozenset(local for renaming in renamings for local in renaming)
    runs = [c.run for c in copies]
    name = helper_name(source.text, runs, [c.function for c in copies], agreed, parameters, namer, renamed)
    named_by = namer.label if namer is not None and namer.asked else ""
    said = comment_name(source.text, runs) == name  # the comment above the copies is now the name
    return Plan(name, kind, receiver, parameters, agreed, owner, named_by, said)


def _in_signature_order(function: Function, names: list[str]) -> tuple[str, ...]:
    """The function's own parameters first, in its signature's order; other locals by first use."""
    signature = [a.arg for a in arguments_of(function)]
    return tuple(
        sorted(names, key=lambda n: (signature.index(n) if n in signature else len(signature), names.index(n)))
    )


def _in_binding_order(run: list[ast.stmt], names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` in the order the run first assigns them."""

    def first_binding(name: str) -> tuple[int, int]:
        places = [
            (node.lineno, node.col_offset)
            for statement in run
            for node in ast.walk(statement)
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        ]
        return min(places, default=(sys.maxsize, 0))

    return tuple(sorted(names, key=first_binding))


def _agreed_flow(copies: list[Copy], renamings: list[Renaming]) -> BlockFlow:
    """The flow every copy has (in the first copy's names); refuses copies whose functions use the run differently."""
    first, *others = [flow(c.function, c.suite, c.start, c.stop) for c in copies]
    for other, renaming in zip(others, renamings[1:], strict=True):
        if other.inputs != renamed(first.inputs, renaming):
            raise RefusedChange("a name the copies read is a local in one function and not in another")
        if set(other.outputs) != set(renamed(first.outputs, renaming)) or other.terminal != first.terminal:
            raise RefusedChange("the functions go on differently after the copies")
    if first.terminal and not first.returns_value and not all(_is_tail(c) for c in copies):
        raise RefusedChange("the copies end by raising inside their functions: a call would hide that")
    if len(first.outputs) > MAX_RESULTS:
        raise RefusedChange(f"the run sets {len(first.outputs)} locals the functions read later")
    constant = [n for n in first.outputs if _only_set_to_constants(copies[0].run, n)]
    if constant:
        raise RefusedChange(f"the run sets {', '.join(constant)} to a constant the callers would get back as a result")
    return first


def _only_set_to_constants(run: list[ast.stmt], name: str) -> bool:
    """Whether every binding of ``name`` in the run is ``name = <literal>`` (``changed = True``)."""
    bindings = [
        node
        for statement in run
        for node in ast.walk(statement)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.With, ast.NamedExpr))
        and name in {t.id for t in ast.walk(node) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)}
    ]
    return bool(bindings) and all(isinstance(b, ast.Assign) and isinstance(b.value, ast.Constant) for b in bindings)


def _check_inputs_made_for_it(copies: list[Copy], renamings: list[Renaming], plan: Plan) -> None:
    """Refuse parameters every function sets to the same value right before its copy.

    Found on sympy: ``xmax = -INF`` (and three more) before both copies, left in the
    callers to be passed in: the helper should own its starting values, and a run found
    without them is not the whole repeated step.
    """
    preset = [
        name
        for name in plan.parameters
        if len({_value_before(c, r.get(name, name)) for c, r in zip(copies, renamings, strict=True)} - {None}) == 1
        and all(_value_before(c, r.get(name, name)) for c, r in zip(copies, renamings, strict=True))
    ]
    if preset:
        raise RefusedChange(
            f"every function sets {', '.join(preset)} to the same value right before the copy: "
            "the helper should own it, and the run is not the whole repeated step"
        )


def _value_before(copy: Copy, name: str) -> str | None:
    """The value ``name = value`` among the statements right before the copy, when it reads no local."""
    local = locals_of(copy.function)
    for statement in reversed(copy.suite[: copy.start]):
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            return None  # only the assignments that open the run's step count
        target = statement.targets[0]
        if isinstance(target, ast.Name) and target.id == name:
            reads = {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
            return None if reads & local else ast.dump(statement.value)
    return None


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
    owner = copies[0].owner
    if any(
        isinstance(b, (ast.Name, ast.Attribute)) and ast.unparse(b).rpartition(".")[2] == "Protocol"
        for b in owner.bases
    ):
        raise RefusedChange(
            f"{owner.name} is a Protocol: a new method would be one more member its implementations need"
        )
    return kinds.pop(), receiver


def _is_tail(copy: Copy) -> bool:
    return copy.suite is copy.function.body and copy.stop == len(copy.suite)


# A module whose functions are this annotated is typed code, whatever checker runs on it.
TYPED_SHARE = 0.8


def mostly_annotated(tree: ast.Module) -> bool:
    """Whether most functions of the module carry annotations (at least three functions)."""
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    typed = [f for f in functions if f.returns is not None or any(a.annotation for a in arguments_of(f)[1:])]
    return len(functions) >= 3 and len(typed) >= TYPED_SHARE * len(functions)


def _check_types(copies: list[Copy], renamings: list[Renaming], plan: Plan, typed: bool) -> None:
    """In typed code, refuse a helper whose parameters or result the functions do not type.

    Typed code: the project runs a type checker, or most of the module's functions are
    annotated (a lone unannotated helper in such a file is what reviewers send back).
    """
    annotated = any(a.annotation is not None for c in copies for a in arguments_of(c.function)) or any(
        c.function.returns is not None for c in copies
    )
    if not (typed and annotated):
        return
    for name in plan.parameters + plan.flow.outputs:
        types = {_annotation_of(c.function, r.get(name, name)) for c, r in zip(copies, renamings, strict=True)}
        if len(types) != 1 or None in types:
            raise RefusedChange(f"{name} has no type the functions agree on, and the code is typed")
    if (
        plan.flow.returns_value
        and len({ast.dump(c.function.returns) if c.function.returns else "" for c in copies}) != 1
    ):
        raise RefusedChange("the functions return different types")


def _annotation_of(function: Function, name: str) -> str | None:
    for arg in arguments_of(function):
        if arg.arg == name and arg.annotation is not None:
            return ast.unparse(arg.annotation)
    for node in ast.walk(function):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return ast.unparse(node.annotation)
    return None
