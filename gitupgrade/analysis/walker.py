"""One pass over a module's AST that fills its :class:`ModuleFacts`.

A single hand-written walk (rather than several ``ast.NodeVisitor`` passes) keeps
facts extraction close to the cost of ``ast.parse`` itself, which is the floor of
a cold scan.
"""

from __future__ import annotations

import ast
from collections import Counter

from gitupgrade.analysis.facts import (
    ClassFacts,
    FunctionFacts,
    ImportFacts,
    ModuleFacts,
)
from gitupgrade.analysis.fingerprints import Fingerprints, is_type_checking
from gitupgrade.analysis.linked import linked_groups

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith, ast.Match, ast.TryStar)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
# Fields that never hold a node worth visiting (operators, contexts, names, flags): skipping
# them saves a call per operator and per context object on the hot path.
_LEAF_FIELDS = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "id",
        "attr",
        "name",
        "arg",
        "asname",
        "module",
        "level",
        "is_async",
        "conversion",
        "simple",
        "type_comment",
        "kind",
        "tag",
    }
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


class _Function:
    """Running totals of the function being walked."""

    __slots__ = ("attrs", "complexity", "depth", "nesting", "self_name")

    def __init__(self, self_name: str | None) -> None:
        self.complexity = 1
        self.nesting = 0
        self.depth = 0
        self.self_name = self_name  # first parameter of a method, for LCOM4
        self.attrs: set[str] = set()  # attributes of ``self`` this method touches


class _Walker:
    def __init__(self, lines: list[str], facts: ModuleFacts, min_clone_lines: int) -> None:
        self.lines = lines
        self.facts = facts
        self.prints = Fingerprints(lines, min_clone_lines)
        self.loads: Counter[str] = Counter()
        self.module_loads: set[str] = set()
        self.scope: list[str] = []
        self.func: _Function | None = None
        self.type_checking = False

    # -- statements and expressions -------------------------------------------------
    def visit(self, node: ast.AST) -> None:
        if type(node) is ast.Name:
            if isinstance(node.ctx, ast.Load):
                self.loads[node.id] += 1
                if self.func is None:
                    self.module_loads.add(node.id)
            return
        if type(node) is ast.Constant:
            return
        # The commonest expression nodes first, without the generic field loop.
        if type(node) is ast.Attribute:
            self._attribute(node)
            self.visit(node.value)
            return
        if type(node) is ast.Call:
            self.visit(node.func)
            for arg in node.args:
                self.visit(arg)
            for keyword in node.keywords:
                self.visit(keyword.value)
            return
        if type(node) is ast.FunctionDef or type(node) is ast.AsyncFunctionDef:
            self._function(node)
            return
        elif type(node) is ast.ClassDef:
            self._class(node)
            return
        elif type(node) is ast.Import or type(node) is ast.ImportFrom:
            self._import(node)
            return
        elif type(node) is ast.Lambda:
            self._lambda(node)
            return
        elif type(node) in _BLOCKS:
            self._block(node)
            return
        elif type(node) is ast.BoolOp and self.func is not None:
            # McCabe's decision points are statements; each extra `and`/`or` operand is a
            # branch too (as radon counts them). Comprehensions and ternaries are not counted,
            # so a data-shaping one-liner does not read as a tangle.
            self.func.complexity += len(node.values) - 1
        self._children(node)

    def _children(self, node: ast.AST) -> None:
        kind = type(node)
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            fields = _CHILD_FIELDS[kind] = tuple(f for f in node._fields if f not in _LEAF_FIELDS)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                if value and isinstance(value[0], ast.stmt):
                    self._body(value)
                else:
                    for item in value:
                        if isinstance(item, ast.AST):
                            self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def _body(self, body: list[ast.stmt]) -> None:
        if len(body) > 1:
            self.facts.blocks.extend(self.prints.windows(body))
        for stmt in body:
            self.visit(stmt)

    def _attribute(self, node: ast.Attribute) -> None:
        func = self.func
        if func is not None and func.self_name is not None:
            value = node.value
            if type(value) is ast.Name and value.id == func.self_name:
                func.attrs.add(node.attr)

    def _block(self, node: ast.AST) -> None:
        func = self.func
        if func is None:
            if type(node) is ast.If and is_type_checking(node.test):
                self.visit(node.test)
                outer, self.type_checking = self.type_checking, True
                self._body(node.body)
                self.type_checking = outer
                if node.orelse:
                    self._body(node.orelse)
                return
            self._children(node)
            return
        if type(node) is ast.If or type(node) in _LOOPS:
            func.complexity += 1
        elif type(node) is ast.Try or type(node) is ast.TryStar:
            func.complexity += len(node.handlers)
        elif type(node) is ast.Match:
            func.complexity += max(len(node.cases) - 1, 0)
        func.depth += 1
        func.nesting = max(func.nesting, func.depth)
        if type(node) is ast.If:
            self.visit(node.test)
            self._body(node.body)
            orelse = node.orelse
            # An ``elif`` chain is one level of nesting, not one more per branch.
            func.depth -= 1
            if len(orelse) == 1 and type(orelse[0]) is ast.If and orelse[0].col_offset == node.col_offset:
                self._block(orelse[0])
            elif orelse:
                func.depth += 1
                self._body(orelse)
                func.depth -= 1
            return
        self._children(node)
        func.depth -= 1

    # -- definitions ----------------------------------------------------------------
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, self_name: str | None = None) -> set[str]:
        """Record one function; returns the ``self`` attributes it touches (for its class's LCOM4)."""
        # Decorators, defaults and annotations run when the enclosing scope runs.
        for expr in node.decorator_list:
            self.visit(expr)
        self.visit(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        outer, self.func = self.func, _Function(self_name)
        self.scope.append(node.name)
        self._body(node.body)
        self.scope.pop()
        func, self.func = self.func, outer
        end = node.end_lineno or node.lineno
        start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        exact, renamed = self.prints.function(node.body, end)
        self.facts.functions.append(
            FunctionFacts(
                ".".join([*self.scope, node.name]),
                node.lineno,
                end,
                end - start + 1,
                func.complexity,
                func.nesting,
                node.body[0].lineno,
                exact,
                renamed,
            )
        )
        if outer is not None and outer.self_name is not None:
            outer.attrs |= func.attrs  # a closure inside a method works on the same self
        return func.attrs

    def _lambda(self, node: ast.Lambda) -> None:
        self.visit(node.args)
        outer = self.func
        self.func = outer or _Function(None)
        self.visit(node.body)
        self.func = outer

    def _class(self, node: ast.ClassDef) -> None:
        for expr in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(expr)
        self.scope.append(node.name)
        self.facts.blocks.extend(self.prints.windows(node.body))
        methods: dict[str, set[str]] = {}
        for stmt in node.body:
            if isinstance(stmt, _FUNCS):
                args = stmt.args.posonlyargs or stmt.args.args
                is_static = any(_decorator_name(d) == "staticmethod" for d in stmt.decorator_list)
                self_name = args[0].arg if args and not is_static else None
                methods[stmt.name] = self._function(stmt, self_name)
            else:
                self.visit(stmt)
        self.scope.pop()
        end = node.end_lineno or node.lineno
        start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        self.facts.classes.append(
            ClassFacts(
                ".".join([*self.scope, node.name]), node.lineno, end, end - start + 1, len(methods), _lcom4(methods)
            )
        )

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        kind = "function" if self.func is not None else "type_checking" if self.type_checking else "module"
        end = node.end_lineno or node.lineno
        text = " ".join(" ".join(self.lines[node.lineno - 1 : end]).split())
        text = text.replace("( ", "(").replace(" )", ")").replace(",)", ")")
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.partition(".")[0]
                self.facts.imports.append(ImportFacts(node.lineno, kind, text, alias.name, 0, (), (local,)))
            return
        names = tuple(alias.name for alias in node.names)
        bound = tuple(alias.asname or alias.name for alias in node.names if alias.name != "*")
        self.facts.imports.append(ImportFacts(node.lineno, kind, text, node.module or "", node.level, names, bound))


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _lcom4(methods: dict[str, set[str]]) -> int:
    """Connected groups of methods linked by a shared ``self`` attribute or a call of one another."""
    # touching another method's name (self.other()) links the two like a shared field
    return len(linked_groups([attrs | {name} for name, attrs in methods.items()]))


def walk_module(tree: ast.Module, lines: list[str], facts: ModuleFacts, min_clone_lines: int) -> None:
    """Fill ``facts`` from ``tree`` (the parsed ``lines``)."""
    walker = _Walker(lines, facts, min_clone_lines)
    walker._body(tree.body)
    facts.definitions = sum(isinstance(stmt, (*_FUNCS, ast.ClassDef)) for stmt in tree.body)
    facts.complexity_score = float(sum(f.complexity for f in facts.functions))
    for imp in facts.imports:
        imp.uses = sum(walker.loads[name] for name in imp.bound)
        imp.module_level_use = any(name in walker.module_loads for name in imp.bound)
    facts.functions.sort(key=lambda f: f.line)
    facts.classes.sort(key=lambda c: c.line)
