"""The order a module's top level runs in: what it binds, imports and reads, statement by statement.

These are the facts the import-order model (:mod:`gitupgrade.analysis.import_order`) replays
to tell a cycle that fails at import time from one that imports fine. A statement's reads
come before its bindings (``class A(b.Base)`` reads ``b.Base``, then binds ``A``); class
bodies, decorators, defaults and (without postponed evaluation) annotations run with the
module, function bodies do not. Both branches of a top-level ``if`` or ``try`` are replayed
(the model cannot know which one runs); the body of ``if TYPE_CHECKING:`` never runs.
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from gitupgrade.analysis.facts import Step
from gitupgrade.analysis.fingerprints import is_type_checking

# A module that runs ``exec`` or writes through ``globals()`` (``globals().update(...)``,
# ``globals()[name] = ...``) binds names the model cannot see: its namespace stays open.
_NAMESPACES = frozenset({"globals", "locals", "vars"})
_WRITES = frozenset({"update", "setdefault", "__setitem__"})
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_GLOBAL_STATEMENT = re.compile(r"^[ \t]*global[ \t]", re.MULTILINE)
# Nodes with nothing below them worth a look: skipped before asking for their children.
_LEAVES = frozenset({ast.Constant, ast.Name, ast.Load, ast.Store, ast.Del})


class ExecOrder(NamedTuple):
    """A module's top-level steps, whether its namespace is open to unseen bindings, its ``__all__``."""

    steps: list[Step]
    dynamic: bool
    all_names: tuple[str, ...] | None


def exec_order(tree: ast.Module, text: str) -> ExecOrder:
    """The execution steps of a parsed module (``text`` is its source, to skip costly searches)."""
    lazy = any(
        isinstance(s, ast.ImportFrom) and s.module == "__future__" and any(a.name == "annotations" for a in s.names)
        for s in tree.body
    )
    order = _Order(lazy)
    if _GLOBAL_STATEMENT.search(text):
        # a function declaring a name global may bind it whenever it is called: assume it is
        # bound from the start rather than report a failure the model cannot prove
        declared = sorted({n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names})
        if declared:
            order.steps.append(Step("bind", 0, tuple(declared)))
    order.body(tree.body, module_level=True)
    return ExecOrder(order.steps, order.dynamic, order.all_names)


class _Order:
    def __init__(self, lazy_annotations: bool) -> None:
        self.lazy = lazy_annotations
        self.steps: list[Step] = []
        self.dynamic = False
        self.all_names: tuple[str, ...] | None = None
        # module-level functions so far: a call at import time runs their body then
        self.functions: dict[str, ast.FunctionDef] = {}

    def body(self, statements: list[ast.stmt], module_level: bool) -> None:
        for statement in statements:
            self.statement(statement, module_level)

    def bind(self, line: int, names: list[str], module_level: bool) -> None:
        if module_level and names:
            self.steps.append(Step("bind", line, tuple(names)))

    def statement(self, node: ast.stmt, module_level: bool) -> None:
        line = node.lineno
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.steps.append(Step("import" if module_level else "local_import", line))
        elif isinstance(node, _FUNCS):
            self.expressions([*node.decorator_list, *_defaults(node.args)])
            self.decorated(node.decorator_list)
            if not self.lazy:
                self.expressions([*_annotations(node.args), node.returns])
            self.bind(line, [node.name], module_level)
            if module_level and isinstance(node, ast.FunctionDef):
                self.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            self.expressions([*node.decorator_list, *node.bases, *(k.value for k in node.keywords)])
            self.decorated(node.decorator_list)
            self.body(node.body, module_level=False)
            self.bind(line, [node.name], module_level)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            self.assignment(node, module_level)
        elif isinstance(node, ast.If):
            if is_type_checking(node.test):
                self.body(node.orelse, module_level)
                return
            self.expressions([node.test])
            self.body(node.body, module_level)
            self.body(node.orelse, module_level)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            self.body(node.body, module_level)
            for handler in node.handlers:
                self.expressions([handler.type])
                self.body(handler.body, module_level)
            self.body(node.orelse, module_level)
            self.body(node.finalbody, module_level)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expressions([node.iter])
            self.bind(line, _targets(node.target), module_level)
            self.body(node.body, module_level)
            self.body(node.orelse, module_level)
        elif isinstance(node, ast.While):
            self.expressions([node.test])
            self.body(node.body, module_level)
            self.body(node.orelse, module_level)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expressions([item.context_expr])
                if item.optional_vars is not None:
                    self.bind(line, _targets(item.optional_vars), module_level)
            self.body(node.body, module_level)
        elif isinstance(node, ast.Match):
            self.expressions([node.subject])
            for case in node.cases:
                self.body(case.body, module_level)
        else:
            self.expressions([node])

    def assignment(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign, module_level: bool) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        self.expressions([node.value])
        if isinstance(node, ast.AnnAssign) and not self.lazy and module_level:
            self.expressions([node.annotation])
        for target in targets:
            # ``sys.modules[__name__] = ...`` swaps the module for an object the model cannot see
            if isinstance(target, ast.Subscript) and (
                _dotted(target.value) == ("sys", "modules") or _namespace_call(target.value)
            ):
                self.dynamic = True
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return
        names = [n for target in targets for n in _targets(target)]
        if module_level and "__all__" in names:
            self.all_names = _all_names(node, self.all_names)
        self.bind(node.lineno, names, module_level)

    def expressions(self, nodes: list[ast.expr | ast.stmt | None]) -> None:
        """Record the attribute chains read by ``nodes`` as they run now (not in lambdas' bodies)."""
        stack: list[ast.AST] = [n for n in nodes if n is not None]
        while stack:
            node = stack.pop()
            if type(node) in _LEAVES:
                continue
            if isinstance(node, ast.Attribute):
                chain = _dotted(node)
                if chain is not None:
                    if isinstance(node.ctx, ast.Load):
                        self.steps.append(Step("read", node.lineno, chain))
                    continue
            elif isinstance(node, ast.Lambda):
                stack.extend(_defaults(node.args))
                continue
            elif isinstance(node, ast.Call):
                if _writes_namespace(node):
                    self.dynamic = True
                elif isinstance(node.func, ast.Name) and node.func.id in self.functions:
                    self.called(self.functions[node.func.id], node.lineno)
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                self.steps.append(Step("bind", node.lineno, (node.target.id,)))
            elif isinstance(node, (*_FUNCS, ast.ClassDef)):
                continue  # nested definitions of a compound statement are walked as statements
            stack.extend(ast.iter_child_nodes(node))

    def decorated(self, decorators: list[ast.expr]) -> None:
        """A decorator that is a function of this module runs its body as the definition is made."""
        for decorator in decorators:
            if isinstance(decorator, ast.Name) and decorator.id in self.functions:
                self.called(self.functions[decorator.id], decorator.lineno)

    def called(self, function: ast.FunctionDef, line: int) -> None:
        """The attribute chains ``function``'s body reads, read at ``line`` where it is called.

        One level deep: the functions it calls in turn are not followed.
        """
        stack: list[ast.AST] = list(function.body)
        while stack:
            node = stack.pop()
            if type(node) in _LEAVES or isinstance(node, (*_FUNCS, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                chain = _dotted(node)
                if chain is not None:
                    self.steps.append(Step("read", line, chain))
                    continue
            stack.extend(ast.iter_child_nodes(node))


def _namespace_call(node: ast.expr) -> bool:
    """Whether ``node`` is ``globals()`` (or ``locals()``, ``vars()`` without arguments)."""
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _NAMESPACES and not node.args
    )


def _writes_namespace(call: ast.Call) -> bool:
    """``exec(...)`` or ``globals().update(...)``: names bound that the source does not show."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "exec"
    return isinstance(func, ast.Attribute) and func.attr in _WRITES and _namespace_call(func.value)


def _defaults(args: ast.arguments) -> list[ast.expr]:
    return [*args.defaults, *(d for d in args.kw_defaults if d is not None)]


def _annotations(args: ast.arguments) -> list[ast.expr | None]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return [a.annotation for a in every if a is not None]


def _targets(node: ast.expr) -> list[str]:
    """The names an assignment target binds."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [n for element in node.elts for n in _targets(element)]
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return []


def _dotted(node: ast.expr) -> tuple[str, ...] | None:
    """``("a", "b", "c")`` for the expression ``a.b.c``; None when it is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return (node.id, *reversed(parts))


def _all_names(
    node: ast.Assign | ast.AugAssign | ast.AnnAssign, known: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """``__all__`` after this assignment when it is a literal list of strings, else None (unknown)."""
    value = node.value
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    names = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    if len(names) != len(value.elts):
        return None
    if isinstance(node, ast.AugAssign):
        return None if known is None else (*known, *names)
    return tuple(names)
