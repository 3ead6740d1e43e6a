"""god_class: move clusters of methods into mixins the class inherits from.

Methods are clustered by the instance attributes they share and the methods they call
on ``self`` (the LCOM4 components). Each cluster but the main one, when it has at least
``refactor.min_group_size`` methods, moves into a mixin class in a new module beside
the original, and the class lists the mixin first among its bases: attribute lookup
finds the same functions, ``self`` is the same object. A method stays in the class when
moving it could change what it means: zero-argument ``super()`` or ``__class__``,
name-mangled ``__names``, dunder methods, module-level names that would need an import
back into the original module (the class itself included), names the class body reads,
or module names patched elsewhere. Enum, NamedTuple, TypedDict, Protocol, classes with
a metaclass or registering decorators are refused.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    ScopeProvider,
)

from gitupgrade.refactor.strategies import hazards, naming
from gitupgrade.refactor.strategies.base import Outcome, RuleStrategy, config_value
from gitupgrade.refactor.strategies.god_module import cycle_hazard, is_pure_decorator
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.syntax import (
    dotted,
    imports_end,
    imports_needed,
    is_future_import,
)
from gitupgrade.refactor.strategies.toplevel import TopLevel, first_line, map_module

if TYPE_CHECKING:

    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

REFUSED_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "NamedTuple", "TypedDict",
                 "Protocol", "type"}


@dataclass
class Member:
    """The methods of one name (a property with its setter is one member)."""

    name: str
    nodes: list[cst.FunctionDef]
    attrs: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    hints: set[str] = field(default_factory=set)      # module names read only in annotations
    pinned: str = ""
    start: int = 0
    end: int = 0


class GodClassStrategy(RuleStrategy):
    """Split a large class into mixins along its attribute clusters."""

    type = "god_class"
    description = "move method clusters of a large class into mixins it inherits from"
    risk = "medium"

    def run(self, ws: Workspace, suggestion: Suggestion, config: Config) -> Outcome:
        evidence = suggestion.evidence
        source = ws.read(evidence["path"], evidence["module"])
        module = source.parse()
        class_name = evidence["class"]
        found = [s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == class_name]
        if len(found) != 1:
            raise RefusedChange(f"class {class_name} is not defined exactly once at module level")
        klass = found[0]
        refusal = class_hazard(klass)
        if refusal:
            raise RefusedChange(refusal)
        statements = map_module(module)
        members = collect_members(module, klass, statements)
        patched = hazards.patched_names(ws, source.module, skip=source.path)
        lazy = "annotations" in _future_names(module) and not hazards.runtime_annotation_reader(source.text)
        pin_members(klass, members, statements, patched, lazy)
        minimum = int(config_value(config, "refactor.min_group_size", 3))
        clusters = lcom4_components(members)
        outcome = Outcome()
        moving: list[list[Member]] = []
        for cluster in clusters[1:]:
            movable = [m for m in cluster if not m.pinned]
            for member in cluster:
                if member.pinned and not member.name.startswith("__"):
                    outcome.refusals.append(f"{class_name}.{member.name} stays: {member.pinned}")
            if len(movable) < minimum:
                continue
            reads = {g for m in movable for g in m.globals}
            reason = cycle_hazard(ws, source, [TopLevel(-1, klass, "def", reads=reads)], statements)
            if reason:
                outcome.refusals.append(f"methods {', '.join(m.name for m in movable[:4])}: {reason}")
            else:
                moving.append(movable)
        if not moving:
            raise RefusedChange(
                f"no cluster of at least {minimum} movable methods apart from the main one"
                + (f" ({'; '.join(outcome.refusals[:5])})" if outcome.refusals else "")
            )
        write_mixins(ws, source, module, klass, statements, moving, outcome)
        return outcome


def class_hazard(klass: cst.ClassDef) -> str | None:
    """Why the class as a whole cannot take mixins, or None."""
    for arg in klass.bases:
        value = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
        name = dotted(value)
        if name.rpartition(".")[2] in REFUSED_BASES:
            return f"{klass.name.value} derives from {name}, whose members are not plain methods"
    if klass.keywords:
        return f"{klass.name.value} has a metaclass or class keywords"
    for decorator in klass.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if not is_pure_decorator(dotted(target), set()):
            return f"{klass.name.value} is decorated with {dotted(target) or 'an expression'}"
    return None


def collect_members(module: cst.Module, klass: cst.ClassDef, statements: list[TopLevel]) -> list[Member]:
    """The class's methods grouped by name, with the attributes and globals each reads."""
    members: dict[str, Member] = {}
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            member = members.setdefault(statement.name.value, Member(statement.name.value, []))
            member.nodes.append(statement)
            member.attrs |= self_attributes(statement)
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


def pin_members(
    klass: cst.ClassDef, members: list[Member], statements: list[TopLevel], patched: set[str], lazy: bool
) -> None:
    """Mark the members that must stay in the class, with the reason.

    With ``lazy`` annotations (postponed, and nothing reads them at run time) a module
    name read only in annotations needs no import at run time: the mixin module imports
    it under ``TYPE_CHECKING``, so such a method may move.
    """
    imported = {n for s in statements if s.kind == "import" for n in s.binds}
    class_reads = _class_body_reads(klass)
    for member in members:
        if not lazy:
            member.globals |= member.hints
            member.hints = set()
        member.globals |= member.hints & imported
        member.hints -= imported
        text = "".join(cst.Module(body=[n]).code for n in member.nodes)
        names = _names(member.nodes)
        if member.name.startswith("__") and member.name.endswith("__"):
            member.pinned = "a special method"
        elif "super" in names and "super()" in text.replace(" ", ""):
            member.pinned = "zero-argument super() is bound to the class it is written in"
        elif "__class__" in names:
            member.pinned = "uses __class__"
        elif any(n.startswith("__") and not n.endswith("__") for n in names):
            member.pinned = "uses a name-mangled __attribute"
        elif member.name in class_reads:
            member.pinned = "the class body reads it"
        elif member.globals - imported:
            needed = ", ".join(sorted(member.globals - imported))
            member.pinned = f"reads {needed} from its module (an import back would be circular)"
        elif member.globals & patched:
            member.pinned = f"reads {', '.join(sorted(member.globals & patched))}, patched elsewhere"
        elif hazards.identity_names(cst.Module(body=list(member.nodes))):
            member.pinned = "depends on the module it is written in (__name__, globals() ...)"
        else:
            for node in member.nodes:
                for decorator in node.decorators:
                    target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
                    name = dotted(target)
                    if name.split(".")[0] in {m.name for m in members}:
                        continue  # @prop.setter travels with prop
                    if not is_pure_decorator(name, set()):
                        member.pinned = f"decorated with {name or 'an expression'}, which may register it"


def _names(nodes: list[cst.FunctionDef]) -> set[str]:
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    for node in nodes:
        node.visit(Finder())
    return found


def _class_body_reads(klass: cst.ClassDef) -> set[str]:
    """Names the class body itself reads when the class is created (not inside methods)."""
    found: set[str] = set()
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            for decorator in statement.decorators:
                found |= _names_in(decorator)
            continue
        found |= _names_in(statement)
    return found


def _names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    node.visit(Finder())
    return found


def lcom4_components(members: list[Member]) -> list[list[Member]]:
    """Members connected by shared attributes or self-calls; the biggest component first."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_attr: dict[str, int] = {}
    for i, member in enumerate(members):
        if member.name.startswith("__") and member.name.endswith("__"):
            continue  # a constructor touches every attribute: it says nothing about cohesion
        for attr in member.attrs | {member.name}:
            if attr in by_attr:
                parent[find(i)] = find(by_attr[attr])
            else:
                by_attr[attr] = i
    groups: dict[int, list[Member]] = {}
    for i, member in enumerate(members):
        groups.setdefault(find(i), []).append(member)
    return sorted(groups.values(), key=lambda g: (-sum(m.end - m.start + 1 for m in g), g[0].start))


def write_mixins(
    ws: Workspace, source: ModuleSource, module: cst.Module, klass: cst.ClassDef,
    statements: list[TopLevel], clusters: list[list[Member]], outcome: Outcome,
) -> None:
    """Create one mixin module per cluster and make the class inherit from the mixins."""
    class_name = klass.name.value
    folder = PurePosixPath(source.path).parent
    stem = PurePosixPath(source.path).stem
    if stem == "__init__":
        stem = source.module.rpartition(".")[2]
    relative = any(isinstance(s, cst.ImportFrom) and s.relative for st in module.body
                   if isinstance(st, cst.SimpleStatementLine) for s in st.body)
    future = [s.node for s in statements if s.kind == "import" and "__future__" in cst.Module(body=[s.node]).code]
    slots = any(
        isinstance(st, cst.SimpleStatementLine) and "__slots__" in _names_in(st)
        for st in (klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ())
    )
    moved: set[int] = set()
    mixins: list[str] = []
    imports: list[cst.BaseStatement] = []
    for cluster in clusters:
        # shared data attributes say most about a cluster: each counts once per method using it
        method_names = {m.name.value for m in members_of(klass)}
        vocabulary = [m.name for m in cluster] + [a for m in cluster for a in sorted(m.attrs - method_names)]
        mixin = naming.mixin_name(vocabulary, class_name, lambda n: n in _module_names(module))
        words = naming.dominant_words(vocabulary, avoid=[class_name, stem]) or ["support"]
        new_stem = naming.unique(
            f"{stem.lstrip('_')}_{'_'.join(words)}",
            lambda n: ws.exists(str(folder / f"{n}.py")) or ws.exists(str(folder / n)),
        )
        new_path = str(folder / f"{new_stem}.py")
        reads = {g for m in cluster for g in m.globals}
        needed = [imports_needed(s.node, reads) for s in statements
                  if s.kind == "import" and s.node not in future and s.binds & reads]
        attrs = sorted({a for m in cluster for a in m.attrs} - {m.name for m in cluster})
        about = f" (they share {', '.join(attrs[:5])})" if attrs else ""
        text = (
            f'"""The {mixin} mixin: methods split out of ``{source.module}.{class_name}``.\n\n'
            f"Moved unchanged from {source.path}; {class_name} inherits from {mixin},\n"
            f'so every method is still found on {class_name} and its instances.\n"""\n'
        )
        body: list[cst.BaseStatement] = [*cst.parse_module(text).body, *future]
        needed_lines = [n for n in needed if n is not None]
        if needed_lines:
            needed_lines[0] = needed_lines[0].with_changes(leading_lines=(cst.EmptyLine(),) if future else ())
        body += needed_lines
        hints = sorted({h for m in cluster for h in m.hints})
        if hints:
            # names the moved methods only mention in (postponed) annotations
            body += _type_checking_import(f"{target_of(source, module, stem_of=None)}", hints, bool(needed_lines or future))
        class_body: list[cst.BaseStatement] = [
            cst.parse_statement(f'"""Methods of {class_name}{about}."""\n')
        ]
        if slots:
            class_body.append(cst.parse_statement("__slots__ = ()\n"))
        nodes = sorted((n for m in cluster for n in m.nodes), key=lambda n: _position(klass, n))
        for i, node in enumerate(nodes):
            moved.add(id(node))
            if i == 0:
                node = node.with_changes(leading_lines=(cst.EmptyLine(indent=False),) + tuple(
                    line for line in node.leading_lines if line.comment is not None))
            class_body.append(node)
        mixin_class = cst.ClassDef(
            name=cst.Name(mixin), body=cst.IndentedBlock(body=class_body),
            leading_lines=(cst.EmptyLine(), cst.EmptyLine()),
        )
        body.append(mixin_class)
        ws.create(new_path, module.with_changes(body=body, header=()).code, source.encoding)
        target = f".{new_stem}" if relative and source.package else ".".join(filter(None, [source.package, new_stem]))
        imports.append(cst.parse_statement(f"from {target} import {mixin}\n"))
        mixins.append(mixin)
        outcome.summary.append(
            f"moved {len(nodes)} methods of {class_name} ({', '.join(m.name for m in cluster[:6])}"
            f"{' ...' if len(cluster) > 6 else ''}) to {mixin} in {new_path}"
        )
    remaining = [s for s in klass.body.body if id(s) not in moved]  # type: ignore[union-attr]
    if not any(not isinstance(s, cst.EmptyLine) for s in remaining):
        remaining = [cst.SimpleStatementLine(body=[cst.Pass()])]
    bases = [cst.Arg(value=cst.Name(m), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for m in mixins]
    old_bases = list(klass.bases)
    if not old_bases:
        bases[-1] = bases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new_class = klass.with_changes(
        bases=[*bases, *old_bases],
        lpar=cst.LeftParen() if isinstance(klass.lpar, cst.MaybeSentinel) else klass.lpar,
        rpar=cst.RightParen() if isinstance(klass.rpar, cst.MaybeSentinel) else klass.rpar,
        body=klass.body.with_changes(body=remaining),
    )
    body = [new_class if s is klass else s for s in module.body]
    at = imports_end(body)
    if imports:
        imports[0] = imports[0].with_changes(leading_lines=(cst.EmptyLine(),) if at else ())
    body[at:at] = imports
    ws.write(source, module.with_changes(body=body).code)
    outcome.summary.append(f"{class_name} now inherits from {', '.join(mixins)} first, so lookups are unchanged")


def _future_names(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if is_future_import(statement):
            for small in statement.body:  # type: ignore[attr-defined]
                names.update(dotted(a.name) for a in small.names)  # type: ignore[union-attr]
    return names


def target_of(source: ModuleSource, module: cst.Module, stem_of: str | None) -> str:
    """How a sibling module imports ``stem_of`` (or the source module itself), in the module's style."""
    relative = any(isinstance(s, cst.ImportFrom) and s.relative for st in module.body
                   if isinstance(st, cst.SimpleStatementLine) for s in st.body)
    name = stem_of or source.module.rpartition(".")[2]
    if source.is_package and stem_of is None:
        return "." if relative else source.module
    if relative and source.package:
        return f".{name}"
    return ".".join(filter(None, [source.package, name]))


def _type_checking_import(target: str, names: list[str], spaced: bool) -> list[cst.BaseStatement]:
    text = (f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            f"    from {target} import {', '.join(names)}\n")
    statements = list(cst.parse_module(text).body)
    statements[0] = statements[0].with_changes(leading_lines=(cst.EmptyLine(),) if spaced else ())
    return statements


def members_of(klass: cst.ClassDef) -> list[cst.FunctionDef]:
    """The methods defined directly in the class body."""
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    return [s for s in body if isinstance(s, cst.FunctionDef)]


def _position(klass: cst.ClassDef, node: cst.CSTNode) -> int:
    return [id(s) for s in klass.body.body].index(id(node))  # type: ignore[union-attr]


def _module_names(module: cst.Module) -> set[str]:
    return {s.name.value for s in module.body if isinstance(s, (cst.ClassDef, cst.FunctionDef))}
