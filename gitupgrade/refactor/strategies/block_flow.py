"""What a run of statements inside a function reads, binds and how control leaves it.

The duplicate strategy turns a repeated run into one helper. That keeps behaviour only
when the run's data flow fits a call: the locals it reads become parameters, the locals
it binds that the function reads elsewhere come back as results, and control leaves it
only by falling through or, when the run ends the function on every path, by returning.
Anything else (``yield``, ``await``, ``global``, a ``break`` out of the run, frame
introspection) is refused with the reason.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from gitupgrade.refactor.strategies.source import RefusedChange

# Calls whose result depends on the frame they run in.
_FRAME_CALLS = frozenset({"locals", "vars", "eval", "exec", "dir", "globals"})
_FRAME_ATTRIBUTES = frozenset({"_getframe", "currentframe", "stack", "extract_stack"})


@dataclass
class Names:
    """Names one piece of code reads (in first-read order) and binds, in its function's scope."""

    reads: list[str] = field(default_factory=list)
    binds: set[str] = field(default_factory=set)
    # what ties the code to its place: zero-argument super(), __class__, name-mangled attributes
    class_ties: set[str] = field(default_factory=set)
    returns: list[ast.Return] = field(default_factory=list)

    def read(self, name: str) -> None:
        if name not in self.reads:
            self.reads.append(name)


class _Collector(ast.NodeVisitor):
    """Collects :class:`Names` of statements without entering nested scopes' own names."""

    def __init__(self, strict: bool, skip: frozenset[int] = frozenset()) -> None:
        self.names = Names()
        self.strict = strict  # refuse what a helper cannot carry (only for the copied run)
        self.skip = skip  # ids of nodes not to enter (the run, when collecting around it)
        self.loop_depth = 0

    def visit(self, node: ast.AST) -> None:
        if id(node) not in self.skip:
            super().visit(node)

    def refuse(self, why: str) -> None:
        if self.strict:
            raise RefusedChange(why)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.names.read(node.id)
            if node.id == "__class__":
                self.names.class_ties.add("__class__")
        else:
            if isinstance(node.ctx, ast.Del):
                self.refuse(f"it deletes the local {node.id}")
            self.names.binds.add(node.id)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):  # ``n += 1`` reads n before binding it
            self.names.read(node.target.id)
        self.visit(node.value)
        self.visit(node.target)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("__") and not node.attr.endswith("__"):
            self.names.class_ties.add(node.attr)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name):
            if node.func.id == "super" and not node.args:
                self.names.class_ties.add("super()")
            if node.func.id in _FRAME_CALLS:
                self.refuse(f"it calls {node.func.id}(), which reads the frame it runs in")
        if isinstance(node.func, ast.Attribute) and node.func.attr in _FRAME_ATTRIBUTES:
            self.refuse(f"it calls {node.func.attr}(), which reads the stack it runs on")
        if any(k.arg == "stacklevel" for k in node.keywords):
            self.refuse("it passes stacklevel=: a helper would move where the warning points")
        self.generic_visit(node)

    def _scope(self, params: ast.arguments | None, body: list[ast.AST]) -> None:
        """A nested scope: its free names are reads of ours; its own bindings are not ours."""
        inner = _Collector(strict=False)
        for node in body:
            inner.visit(node)
        own = set(inner.names.binds) | parameters_of(params)
        for name in inner.names.reads:
            if name not in own:
                self.names.read(name)
        self.names.class_ties |= inner.names.class_ties

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            self.visit(default)
        self._scope(node.args, [node.body])

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        first, *rest = node.generators
        self.visit(first.iter)  # evaluated in the enclosing scope
        parts: list[ast.AST] = [first.target, *first.ifs]
        for generator in rest:
            parts += [generator.iter, generator.target, *generator.ifs]
        parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        self._scope(None, parts)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.refuse(f"it defines the function {node.name}")
        self.names.binds.add(node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._scope(node.args, list(node.body))

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.refuse(f"it defines the class {node.name}")
        self.names.binds.add(node.name)

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        self.refuse(f"it declares {', '.join(node.names)} {type(node).__name__.lower()}")
        self.names.binds.update(node.names)

    visit_Nonlocal = visit_Global

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            self.names.binds.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_Yield(self, node: ast.AST) -> None:
        self.refuse("it yields: the function is a generator")
        self.generic_visit(node)

    visit_YieldFrom = visit_Yield

    def visit_Await(self, node: ast.Await) -> None:
        self.refuse("it awaits: a helper would have to be a coroutine")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        self.names.returns.append(node)
        self.generic_visit(node)

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        if isinstance(node, ast.AsyncFor):
            self.refuse("it loops asynchronously")
        for name in ("target", "iter", "test"):
            part = getattr(node, name, None)
            if part is not None:
                self.visit(part)
        self.loop_depth += 1
        for statement in node.body:
            self.visit(statement)
        self.loop_depth -= 1
        for statement in node.orelse:
            self.visit(statement)

    visit_For = visit_AsyncFor = visit_While = _loop

    def visit_Break(self, node: ast.Break | ast.Continue) -> None:
        if not self.loop_depth:
            self.refuse(f"its {type(node).__name__.lower()} leaves a loop around it")

    visit_Continue = visit_Break

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        self.refuse("it enters an async context")


def parameters_of(arguments: ast.arguments | ast.FunctionDef | ast.AsyncFunctionDef | None) -> set[str]:
    """The parameter names of a function (or of its ``arguments``)."""
    if isinstance(arguments, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = arguments.args
    return set() if arguments is None else {a.arg for a in every_argument(arguments)}


def every_argument(arguments: ast.arguments) -> list[ast.arg]:
    """Every parameter of a signature, in order: positional-only, positional, keyword-only, ``*``, ``**``."""
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return every + [a for a in (arguments.vararg, arguments.kwarg) if a]


def names_of(nodes: list[ast.stmt], strict: bool = False) -> Names:
    """The names ``nodes`` read and bind in their function's scope."""
    collector = _Collector(strict)
    for node in nodes:
        collector.visit(node)
    return collector.names


@dataclass(frozen=True)
class BlockFlow:
    """How a run of statements fits a call."""

    inputs: tuple[str, ...]  # locals it reads that are bound before it, in first-read order
    outputs: tuple[str, ...]  # locals it binds that the function reads elsewhere
    terminal: bool  # control never comes back from it: the call can be returned
    returns_value: bool  # some ``return`` in it gives a value
    class_ties: frozenset[str]  # it only works inside its class (super(), __class__, mangled names)


def flow(function: ast.FunctionDef | ast.AsyncFunctionDef, suite: list[ast.stmt], start: int, stop: int) -> BlockFlow:
    """The flow of ``suite[start:stop]``, a run of statements of ``function``; refuses what no call can keep."""
    run = suite[start:stop]
    inside = names_of(run, strict=True)
    outside = _Collector(strict=False, skip=frozenset(map(id, run)))
    for statement in function.body:
        outside.visit(statement)
    declared = {n for node in ast.walk(function) if isinstance(node, (ast.Global, ast.Nonlocal)) for n in node.names}
    shared = sorted(declared & (set(inside.reads) | inside.binds))
    if shared:
        raise RefusedChange(f"the function declares {', '.join(shared)} global or nonlocal")
    bound_outside = parameters_of(function.args) | outside.names.binds
    # a name the run reads only as its own loop's variable is not an input (``for key in ...``)
    inputs = tuple(n for n in inside.reads if n in bound_outside and reads_first(run, n) is True)
    tail = suite is function.body and stop == len(suite)
    terminal = tail or isinstance(run[-1], (ast.Return, ast.Raise))
    if inside.returns and not terminal:
        raise RefusedChange("it returns from the function, but not on every path out of the copy")
    return BlockFlow(
        inputs=inputs,
        outputs=()
        if terminal
        else _results(_chain(function.body, suite, stop), run, inside.binds & set(outside.names.reads), inputs),
        terminal=terminal,
        returns_value=any(r.value is not None for r in inside.returns),
        class_ties=frozenset(inside.class_ties),
    )


def _results(chain: list[Level], run: list[ast.stmt], candidates: set[str], inputs: tuple[str, ...]) -> tuple[str, ...]:
    """The ``candidates`` (bound in ``run``) that may be read after it; each must be bound on every path."""
    results = tuple(sorted(n for n in candidates if _live_after(chain, n)))
    unsure = [n for n in results if n not in inputs and reads_first(run, n) is not False]
    if unsure:
        raise RefusedChange(f"it binds {', '.join(unsure)} only on some paths, and the function reads it later")
    return results


# A level of the statements around a run: the statement owning a suite, the suite, where the path goes on.
Level = tuple[ast.AST | None, list[ast.stmt], int]


def _chain(body: list[ast.stmt], suite: list[ast.stmt], stop: int) -> list[Level]:
    """The suites from ``suite`` out to the function's body, each with the index control goes on at."""

    def search(owner: ast.AST | None, statements: list[ast.stmt], path: list[Level]) -> list[Level] | None:
        if statements is suite:
            return [(owner, statements, stop), *path]
        for index, statement in enumerate(statements):
            around = [(owner, statements, index + 1), *path]
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                inner = getattr(statement, name, None)
                if not isinstance(inner, list):
                    continue
                parts = [part.body for part in inner] if name in ("handlers", "cases") else [inner]
                for part in parts:
                    found = search(statement, part, around)
                    if found:
                        return found
        return None

    return search(None, body, []) or [(None, suite, stop)]


def _live_after(chain: list[Level], name: str) -> bool:
    """Whether a value ``name`` holds when the run ends may be read later."""
    for owner, statements, index in chain:
        if isinstance(owner, (ast.For, ast.AsyncFor, ast.While, ast.Try)) and name in names_of([owner]).reads:
            return True  # the next iteration (or an exception handler) may read it
        found = reads_first(statements[index:], name)
        if found is not None:
            return found
    return False


def reads_first(statements: list[ast.stmt], name: str) -> bool | None:
    """True when ``statements`` may read ``name`` before binding it, False when they bind it first.

    None when neither is certain: they do not touch it, or bind it on some paths only.
    """
    for statement in statements:
        found = _statement_reads_first(statement, name)
        if found is not None:
            return found
    return None


def _reads(node: ast.AST, name: str) -> bool:
    collector = _Collector(strict=False)
    collector.visit(node)
    return name in collector.names.reads


def _bound_by(target: ast.expr) -> set[str]:
    """The names an assignment target binds (``a, (b, c)``; not ``x.a`` or ``x[a]``)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return {n for element in target.elts for n in _bound_by(element)}
    if isinstance(target, ast.Starred):
        return _bound_by(target.value)
    return set()


def _statement_reads_first(statement: ast.stmt, name: str) -> bool | None:
    """:func:`reads_first` for one statement."""
    if isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
        return _loop_reads_first(statement, name)
    if isinstance(statement, ast.If):
        if _reads(statement.test, name):
            return True
        branches = reads_first(statement.body, name), reads_first(statement.orelse, name)
        return True if True in branches else False if branches == (False, False) else None
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        if any(_reads(item.context_expr, name) for item in statement.items):
            return True
        bound = {n for item in statement.items if item.optional_vars for n in _bound_by(item.optional_vars)}
        return False if name in bound else reads_first(statement.body, name)
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return _assignment_reads_first(statement, name)
    if _reads(statement, name):
        return True
    if isinstance(statement, (ast.Import, ast.ImportFrom)) and name in names_of([statement]).binds:
        return False
    return None


def _loop_reads_first(loop: ast.For | ast.AsyncFor | ast.While, name: str) -> bool | None:
    """A loop may not run at all: it never binds first, it reads first if any part may."""
    if isinstance(loop, ast.While):
        return True if _reads(loop.test, name) or reads_first(loop.body + loop.orelse, name) else None
    if _reads(loop.iter, name) or reads_first(loop.orelse, name):
        return True
    if name in _bound_by(loop.target):
        return None  # the body reads the loop's own value
    return True if reads_first(loop.body, name) else None


def _assignment_reads_first(statement: ast.Assign | ast.AnnAssign, name: str) -> bool | None:
    if statement.value is not None and _reads(statement.value, name):
        return True
    assigned: list[ast.expr] = list(statement.targets) if isinstance(statement, ast.Assign) else [statement.target]
    if any(_reads(t, name) for t in assigned):
        return True
    binds = any(name in _bound_by(t) for t in assigned)
    return False if binds and statement.value is not None else None
