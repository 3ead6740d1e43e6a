"""The members of a class as the god_class strategy sees them: what each method reads and writes.

A member is the methods of one name (a property with its setter is one member). For
each it records the instance attributes it uses and the ones it writes (assigned,
deleted, or changed in place: ``self.items.append(x)``), the module names it reads at run
time or only in annotations, and the line span it takes. Whether it may move is decided
by :mod:`.pins`; which members move together by :mod:`.method_clusters` and
:mod:`.standalone`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import GlobalScope, MetadataWrapper, PositionProvider, ScopeProvider

from gitupgrade.refactor.strategies.syntax import (
    dotted,
    is_future_import,
    names_in,
    self_attributes,
    suite_statements,
)
from gitupgrade.refactor.strategies.toplevel import first_line

if TYPE_CHECKING:
    from gitupgrade.refactor.strategies.pins import Pin

# Special methods that make the instance or the class: they stay where a reader looks first.
CONSTRUCTION = frozenset(
    {"__init__", "__new__", "__post_init__", "__init_subclass__", "__class_getitem__", "__set_name__", "__prepare__"}
)

# Methods of the builtin containers that change the object they are called on.
_MUTATORS = frozenset(
    "append extend insert pop remove clear update add discard setdefault popitem sort reverse "
    "appendleft extendleft popleft rotate write writelines".split()
)


@dataclass
class Member:
    """The methods of one name (a property with its setter is one member)."""

    name: str
    nodes: list[cst.FunctionDef]
    attrs: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)  # attributes it assigns, deletes or changes in place
    hands_self: set[str] = field(default_factory=set)  # calls that get ``self`` itself as an argument
    globals: set[str] = field(default_factory=set)
    hints: set[str] = field(default_factory=set)  # module names read only in annotations
    pinned: Pin | None = None
    module_reads: set[str] = field(default_factory=set)  # names its module defines, not imports
    super_names: set[str] = field(default_factory=set)  # N of each super().N
    opaque_super: bool = False  # super() used otherwise: it may look up any name
    ties: set[str] = field(default_factory=set)  # protocol partners and twins: one side of a split
    affinity: set[str] = field(default_factory=set)  # its section and handler prefix
    start: int = 0
    end: int = 0


def collect_members(module: cst.Module, klass: cst.ClassDef) -> list[Member]:
    """The class's methods grouped by name, with the attributes and globals each reads."""
    members: dict[str, Member] = {}
    for statement in suite_statements(klass.body):
        if isinstance(statement, cst.FunctionDef):
            member = members.setdefault(statement.name.value, Member(statement.name.value, []))
            member.nodes.append(statement)
            member.attrs |= self_attributes(statement)
            member.writes |= written_attributes(statement)
            member.hands_self |= self_handed_to(statement)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    spans = []
    for member in members.values():
        for node in member.nodes:
            span = positions[node]
            start = first_line(node, positions)
            spans.append((start, span.end.line, member))
            member.start = member.start or start
            member.end = max(member.end, span.end.line)
    spans.sort(key=lambda s: s[0])
    starts = [s[0] for s in spans]
    scopes = wrapper.resolve(ScopeProvider)
    global_scope = next((s for s in scopes.values() if isinstance(s, GlobalScope)), None)
    for assignment in global_scope.assignments if global_scope else ():
        for access in assignment.references:
            line = positions[access.node].start.line
            at = bisect.bisect_right(starts, line) - 1
            if at >= 0 and spans[at][1] >= line:
                member = spans[at][2]
                name = assignment.name.split(".")[0]
                (member.hints if access.is_annotation or access.is_type_hint else member.globals).add(name)
    for member in members.values():
        member.hints -= member.globals
    return list(members.values())


def written_attributes(function: cst.FunctionDef) -> set[str]:
    """Attributes of ``self`` the method assigns, deletes or changes in place.

    ``self.x = ...``, ``self.x += ...``, ``del self.x``, ``self.x[k] = v`` and
    ``self.x.append(v)`` all change what another method reading ``self.x`` sees.
    """
    params = function.params.params or function.params.posonly_params
    if not params:
        return set()
    me = params[0].name.value
    found: set[str] = set()

    def own(node: cst.BaseExpression) -> str:
        # self.x, self.x[k], self.x.y: the attribute of self they change
        while isinstance(node, (cst.Subscript, cst.Attribute)):
            if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == me:
                return node.attr.value
            node = node.value
        return ""

    class Finder(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            for target in _unpacked(node.target):
                found.add(own(target))

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            found.add(own(node.target))

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            found.add(own(node.target))

        def visit_Del(self, node: cst.Del) -> None:
            for target in _unpacked(node.target):
                found.add(own(target))

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS:
                found.add(own(func.value))
            elif dotted(func) in {"setattr", "delattr"} and node.args and dotted(node.args[0].value) == me:
                name = node.args[1].value if len(node.args) > 1 else None
                if isinstance(name, cst.SimpleString):
                    found.add(name.evaluated_value if isinstance(name.evaluated_value, str) else "")

    function.body.visit(Finder())
    return found - {""}


# Builtins that take ``self`` without reaching past its own protocol.
_PROTOCOL_CALLS = frozenset(
    "len iter next reversed repr str bytes hash bool id type isinstance issubclass format vars dir sorted list tuple "
    "set frozenset dict sum min max any all enumerate zip super getattr hasattr".split()
)


def self_handed_to(function: cst.FunctionDef) -> set[str]:
    """The calls (as spelled) that get ``self`` itself as an argument: they may use any of the host.

    ``self.command.get_usage(self)`` hands the whole object to code that calls its
    methods (found on click's ``Context``); ``len(self)`` only reaches its protocol.
    """
    params = function.params.params or function.params.posonly_params
    if not params:
        return set()
    me = params[0].name.value
    found: set[str] = set()
    module = cst.Module(body=())

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if any(isinstance(a.value, cst.Name) and a.value.value == me for a in node.args):
                if dotted(node.func) not in _PROTOCOL_CALLS:
                    found.add(module.code_for_node(node.func))

    function.body.visit(Finder())
    return found


def _unpacked(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(target, (cst.Tuple, cst.List)):
        return [t for e in target.elements for t in _unpacked(e.value)]
    if isinstance(target, cst.StarredElement):
        return _unpacked(target.value)
    return [target]


def class_body_reads(klass: cst.ClassDef) -> set[str]:
    """Names the class body itself reads when the class is created (not inside methods)."""
    found: set[str] = set()
    for statement in suite_statements(klass.body):
        if isinstance(statement, cst.FunctionDef):
            for decorator in statement.decorators:
                # ``@size.setter`` on ``def size`` reads the member that moves along with it
                if dotted(decorator.decorator).partition(".")[0] != statement.name.value:
                    found |= names_in(decorator)
            # defaults (``update_fun=copy_attr_consistent``) and annotations run in the class body
            for part in evaluated_at_definition(statement):
                found |= names_in(part)
            continue
        found |= names_in(statement)
    return found


def class_body_names(klass: cst.ClassDef) -> set[str]:
    """Names the class body binds: methods, attributes, nested classes."""
    found: set[str] = set()
    for statement in suite_statements(klass.body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            found.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = (
                    [t.target for t in small.targets]
                    if isinstance(small, cst.Assign)
                    else ([small.target] if isinstance(small, cst.AnnAssign) else [])
                )
                found |= {t.value for t in targets if isinstance(t, cst.Name)}
    return found


def evaluated_at_definition(function: cst.FunctionDef, annotations: bool = True) -> list[cst.CSTNode]:
    """Parameter defaults and (unless postponed) annotations: evaluated where the ``def`` runs."""
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    parts: list[cst.CSTNode] = [p.default for p in every if p.default is not None]
    if annotations:
        parts += [p.annotation for p in every if p.annotation is not None]
        parts += [function.returns] if function.returns is not None else []
    return parts


def future_names(module: cst.Module) -> set[str]:
    """The features the module imports from ``__future__``."""
    names: set[str] = set()
    for statement in module.body:
        if is_future_import(statement):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    names.update(dotted(a.name) for a in small.names)
    return names
