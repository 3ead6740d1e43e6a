"""Why a group of top-level statements cannot move to a module of its own.

Shared by the god_module split and by god_class when it moves module helpers out first:
moving a group must not change what it sees (a global rebound elsewhere, a patch target,
``globals()``, a public function users could patch on the module), the order its
statements run in (statements between its definitions, registering decorators, imports
inside an import cycle) or what other files spell out.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import libcst as cst

from gitupgrade.refactor.strategies import hazards
from gitupgrade.refactor.strategies.import_edits import all_names
from gitupgrade.refactor.strategies.imports import imported_modules, reaches
from gitupgrade.refactor.strategies.source import ModuleSource, Workspace
from gitupgrade.refactor.strategies.syntax import dotted, imports_end
from gitupgrade.refactor.strategies.toplevel import TopLevel

# Decorators that only wrap or describe: moving a decorated definition keeps behaviour.
PURE_DECORATORS = {
    "property",
    "staticmethod",
    "classmethod",
    "wraps",
    "functools.wraps",
    "lru_cache",
    "functools.lru_cache",
    "cache",
    "functools.cache",
    "cached_property",
    "functools.cached_property",
    "total_ordering",
    "functools.total_ordering",
    "contextmanager",
    "contextlib.contextmanager",
    "asynccontextmanager",
    "contextlib.asynccontextmanager",
    "overload",
    "typing.overload",
    "abstractmethod",
    "abc.abstractmethod",
    "abstractproperty",
    "abstractclassmethod",
    "abstractstaticmethod",
    "final",
    "typing.final",
    "dataclass",
    "dataclasses.dataclass",
    "runtime_checkable",
    "typing.runtime_checkable",
}


def group_refusal(
    ws: Workspace,
    source: ModuleSource,
    group: list[TopLevel],
    statements: list[TopLevel],
    rebound: set[str],
    spelled: AbstractSet[str],
    moved_before: Sequence[TopLevel] = (),
) -> str | None:
    """Why ``group`` cannot move to a module of its own, or None (it may take statements along).

    ``rebound`` and ``spelled`` are what other files do to the module's names
    (:func:`hazards.patched_names`, :func:`hazards.spelled_paths`), read once per module.
    """
    return (
        attach_interleaved(group, statements)
        or group_hazard(group, statements, rebound, moved_before, spelled)
        or patch_hazard(group, statements)
        or cycle_hazard(ws, source, group, statements)
    )


def attach_interleaved(group: list[TopLevel], statements: list[TopLevel]) -> str | None:
    """Take along the statements between the group's definitions that work on them.

    ``BOUNDS.append(...)`` between ``BOUNDS = [...]`` and ``RANGES = f(BOUNDS)`` must run
    in the same order: it moves with the group when it reads nothing but the group's
    names and imports and binds nothing new; otherwise the group stays. Mutates ``group``.
    """
    bound = {name for s in group for name in s.binds}
    imported = {name for s in statements if s.kind == "import" for name in s.binds}
    first, last = group[0].index, group[-1].index
    for statement in statements[first : last + 1]:
        if statement.kind != "other" or not statement.reads & bound:
            continue
        # a loop variable (``for keyword in _keywords:``, found on pycparser) comes along
        # when nothing else uses its name; it is re-exported like the rest
        own = statement.binds - bound
        elsewhere = {n for s in statements if s is not statement and s not in group for n in s.binds | s.reads}
        if statement.reads - bound - imported - own or own & elsewhere:
            return f"line {statement.start} works on its names between their definitions"
        group.append(statement)
    group.sort(key=lambda s: s.index)
    return None


def cycle_hazard(ws: Workspace, source: ModuleSource, group: list[TopLevel], statements: list[TopLevel]) -> str | None:
    """Why the group's imports would run in another order inside an import cycle, or None.

    The new module is imported at the end of the original's leading import block. An
    import copied from that block runs after the original's own copy of it, so it finds
    the imported module at least as far along and the same names bound: safe even in a
    cycle. An import from further down (a late import that breaks a cycle) that leads back
    to the original would run earlier than before and meet it half-initialised.
    """
    reads = {n for s in group for n in s.reads}
    leading = imports_end([s.node for s in statements])
    for statement in statements:
        late_import = statement.kind == "import" and statement.binds & reads
        moved_block = statement in group and isinstance(statement.node, (cst.If, cst.Try))
        if statement.index < leading or not (late_import or moved_block):
            continue
        tree = ast.parse(cst.Module(body=[statement.node]).code)
        for imported in sorted(imported_modules(tree, source.package)):
            if imported != source.module and ws.path_of(imported) and reaches(ws, imported, source.module):
                return f"its import of {imported} leads back to {source.module} (an import cycle)"
    return None


def group_hazard(
    group: list[TopLevel],
    statements: list[TopLevel],
    rebound: set[str],
    moved: Sequence[TopLevel] = (),
    spelled: AbstractSet[str] = frozenset(),
) -> str | None:
    """Why moving ``group`` could change behaviour, or None.

    ``moved``: statements of groups moved before it; ``spelled``: names whose full path
    other files write out.
    """
    bound = {name for s in group for name in s.binds}
    reads = {name for s in group for name in s.reads}
    # bound on one path by a statement, but always by another (``_FLAGS = ...`` then ``if ...: _FLAGS |= ...``)
    optional = {name for s in group for name in s.optional} - {name for s in group for name in s.binds - s.optional}
    for statement in statements:
        if statement in group:
            continue
        if statement.reads & optional:
            # found on boltons: ``try: from .typeutils import make_sentinel`` is not re-exported
            names = ", ".join(sorted(statement.reads & optional))
            return f"line {statement.start} reads {names}, which the moved code binds on some paths only"
        if statement in moved or not (statement.binds & (reads | bound)):
            continue
        if statement.kind != "import":
            names = ", ".join(sorted(statement.binds & (reads | bound)))
            return f"uses {names}, (re)defined at module level by code that stays (line {statement.start})"
    touched = sorted((bound | reads) & rebound)
    if touched:
        return f"reads or defines {', '.join(touched)}, which is rebound elsewhere (global, patch or assignment)"
    named = sorted(bound & spelled)
    if named:
        return f"other files spell out the module path of {', '.join(named[:3])}, which moving would change"
    for statement in group:
        identity = hazards.identity_names(statement.node)
        if identity:
            return f"{statement.name} uses {', '.join(sorted(identity))}, which depends on the module"
        decorators = getattr(statement.node, "decorators", ())
        for decorator in decorators:
            target = decorator.decorator
            if isinstance(target, cst.Call):
                target = target.func
            name = dotted(target)
            if not is_pure_decorator(name, bound):
                shown = name or "an expression"
                return f"{statement.name} is decorated with {shown}, whose registration order would change"
    return None


def is_pure_decorator(name: str, local: set[str]) -> bool:
    """True for a decorator that only wraps (``functools.wraps``, ``t.overload`` ...) or a local one."""
    if name in PURE_DECORATORS or name.split(".")[0] in local:
        return True
    last = name.rpartition(".")[2]
    # ``t.overload`` with ``import typing as t``: judge by the attribute, the base is a module
    return (
        "." in name
        and last in {d.rpartition(".")[2] for d in PURE_DECORATORS}
        or last in {"setter", "getter", "deleter"}
    )


def patch_hazard(group: list[TopLevel], statements: list[TopLevel]) -> str | None:
    """Why users patching a public function or class of the module would no longer reach the moved code.

    After a move the module still offers ``f`` (it stays, or is re-exported), so
    ``monkeypatch.setattr(mod, "f", fake)`` by a user or a test keeps working, but code
    that moved and calls ``f`` by its bare name now looks it up in its new module and
    never sees the fake (found in a blind review of merged splits). Only reads at call
    time count, inside a function body: a base class or a decorator is looked up once at
    import, patched or not. A function calling itself is left out (patching it never
    reached its own recursion in practice), and code that reads ``mod.f`` is not
    affected: it reads no bare ``f``.
    """
    offered = _patchable(statements)
    for statement in group:
        reads = (call_time_reads(statement.node) & statement.reads & offered) - statement.binds
        if isinstance(statement.node, cst.ClassDef):
            # ``Cache.__setitem__(self, ...)`` in a subclass names its own base (found on cachetools):
            # a patch of the module's ``Cache`` would not change the class's MRO either
            reads -= {dotted(base.value) for base in statement.node.bases}
        if reads:
            names = ", ".join(sorted(reads)[:3])
            return (
                f"{statement.name} calls {names} by its bare name: "
                f"users patching it on the module would no longer reach the moved code"
            )
    return None


def _patchable(statements: list[TopLevel]) -> set[str]:
    """Public functions and classes the module offers: its own, and the ones it re-exports explicitly."""
    found = {
        s.name for s in statements if isinstance(s.node, (cst.FunctionDef, cst.ClassDef)) and not s.name.startswith("_")
    }
    module = cst.Module(body=[s.node for s in statements])
    listed = all_names(module) or set()
    for statement in statements:
        if statement.kind != "import" or not isinstance(statement.node, cst.SimpleStatementLine):
            continue
        for small in statement.node.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            for alias in small.names:
                bound = dotted(alias.asname.name) if alias.asname else dotted(alias.name)
                explicit = bound in listed or (alias.asname is not None and bound == dotted(alias.name))
                # ``X as X`` or ``__all__``: part of the module's API; ALL_CAPS names are constants
                if explicit and not bound.startswith("_") and not bound.isupper():
                    found.add(bound)
    return found


def call_time_reads(node: cst.CSTNode) -> set[str]:
    """Names read inside the function bodies (and lambdas) of ``node``: looked up when it runs."""
    found: set[str] = set()

    class Reads(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0

        def visit_FunctionDef(self, function: cst.FunctionDef) -> bool:
            # decorators, defaults and annotations run at definition time: only the body counts
            self.depth += 1
            function.body.visit(self)
            self.depth -= 1
            return False

        def visit_Lambda(self, function: cst.Lambda) -> bool:
            self.depth += 1
            function.body.visit(self)
            self.depth -= 1
            return False

        def visit_Name(self, name: cst.Name) -> None:
            if self.depth:
                found.add(name.value)

        def visit_Attribute(self, attribute: cst.Attribute) -> bool:
            attribute.value.visit(self)  # ``x.f`` reads ``x``, not a global ``f``
            return False

        def visit_Arg(self, arg: cst.Arg) -> bool:
            arg.value.visit(self)  # ``g(f=1)`` names a parameter
            return False

    node.visit(Reads())
    return found
