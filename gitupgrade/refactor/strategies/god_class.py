"""god_class: move clusters of methods into mixins the class inherits from.

Methods are clustered by the instance attributes they share and the methods they call
on ``self`` (the LCOM4 components). Each cluster but the main one, when it has at least
``refactor.min_group_size`` methods, moves into a mixin class in a new module beside
the original; while the class stays over its limits the clusters are cut further
(:mod:`.method_clusters`), and a split that cannot bring it under them is refused, so a
rescan never proposes the same split again. The class lists the mixins first among its
bases: attribute lookup finds the same functions, ``self`` is the same object.

A method stays in the class when moving it could change what it means: ``super()``
used other than as ``super().name``, or finding a method moved to another mixin; the
``__class__`` cell; name-mangled ``__names``; construction (``__init__``, ``__new__``
...); names the class body reads; module names patched elsewhere; module-level names
that would need an import back into the original module (the class itself included).
A method tied to one that stays (``__hash__`` to ``__eq__``, ``__radd__`` to ``__add__``,
a property to its helpers, see :mod:`.concepts`) stays with it. Module-level helpers
that keep methods in the class leave first for a module of their own when the class
would otherwise stay too big. Enum, NamedTuple, TypedDict, Protocol, classes with a
metaclass or registering decorators, and deprecated classes are refused.

Only groups a person would name move: each is scored for cohesion (shared state and
meaning, less its links to what stays) and must have a name from its concept; a group
below the threshold or without a name stays, with the reason.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    ScopeProvider,
)

from gitupgrade.refactor.result import ChangeKind
from gitupgrade.refactor.strategies import concepts, hazards, naming
from gitupgrade.refactor.strategies.base import Outcome, RuleStrategy, config_value
from gitupgrade.refactor.strategies.definition_groups import Graph, Group
from gitupgrade.refactor.strategies.group_hazards import (
    cycle_hazard,
    group_refusal,
    is_pure_decorator,
)
from gitupgrade.refactor.strategies.limits import exceeded
from gitupgrade.refactor.strategies.method_clusters import (
    Limits,
    components,
    fits,
    plan_mixins,
)
from gitupgrade.refactor.strategies.mixin_writer import write_mixins
from gitupgrade.refactor.strategies.module_writer import split_module
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.syntax import (
    dotted,
    is_future_import,
    names_in,
    self_attributes,
)
from gitupgrade.refactor.strategies.toplevel import (
    TopLevel,
    first_line,
    map_module,
)

if TYPE_CHECKING:
    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

# Special methods that make the instance or the class: they stay where a reader looks first.
CONSTRUCTION = {
    "__init__",
    "__new__",
    "__post_init__",
    "__init_subclass__",
    "__class_getitem__",
    "__set_name__",
    "__prepare__",
}

REFUSED_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "NamedTuple", "TypedDict", "Protocol", "type"}


@dataclass
class Member:
    """The methods of one name (a property with its setter is one member)."""

    name: str
    nodes: list[cst.FunctionDef]
    attrs: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    hints: set[str] = field(default_factory=set)  # module names read only in annotations
    pinned: str = ""
    module_reads: set[str] = field(default_factory=set)  # names its module defines, not imports
    super_names: set[str] = field(default_factory=set)  # N of each super().N
    opaque_super: bool = False  # super() used otherwise: it may look up any name
    ties: set[str] = field(default_factory=set)  # protocol partners and twins: one side of a split
    affinity: set[str] = field(default_factory=set)  # its section and handler prefix
    start: int = 0
    end: int = 0


class GodClassStrategy(RuleStrategy):
    """Split a large class into mixins along its attribute clusters."""

    type = "god_class"
    description = "move method clusters of a large class into mixins it inherits from"

    def run(self, ws: Workspace, suggestion: Suggestion, config: Config) -> Outcome:
        evidence = suggestion.evidence
        path, class_name = evidence["path"], evidence["class"]
        limits = Limits(
            int(config_value(config, "analysis.god_class_max_methods", 20)),
            int(config_value(config, "analysis.god_class_max_lines", 500)),
            int(config_value(config, "refactor.min_group_size", 3)),
        )
        outcome = Outcome()
        if split_class(ws, path, evidence["module"], class_name, limits, outcome, partial_ok=True):
            # it was a god class: it must not stay one, unless what stays has no group worth a mixin
            for change in ws.changes():
                created = change.kind is ChangeKind.CREATE
                if outcome.partial and change.path == path:
                    continue
                text = ws.read(change.path).text
                reason = exceeded(
                    change.path, text, config, module=created, classes=_class_names(text) if created else [class_name]
                )
                if reason:
                    raise RefusedChange(f"the split falls short: {reason}")
        return outcome


def split_class(
    ws: Workspace,
    path: str,
    dotted_name: str,
    class_name: str,
    limits: Limits,
    outcome: Outcome,
    partial_ok: bool = False,
) -> bool:
    """Move method clusters of the class into mixins until it fits ``limits``, or refuse.

    ``partial_ok``: when the groups that would bring the class under its limits were judged
    unfit (no cohesion, no name), the cohesive groups still move and ``outcome.partial``
    says the class stays over its limits. True when the class was over ``limits`` (the
    written files are then worth measuring).
    """
    view = ClassView.read(ws, path, dotted_name, class_name)
    notes: list[str] = []
    clusters, short = view.plan(limits, notes)
    if short and extract_helpers(ws, view, outcome):
        # the helpers its methods read now come from a module of their own: plan again
        view = ClassView.read(ws, path, dotted_name, class_name)
        notes = []
        clusters, short = view.plan(limits, notes)
    outcome.refusals += notes
    groups = components(view.members)
    for group in groups:
        outcome.refusals += [
            f"{class_name}.{m.name} stays: {m.pinned}"
            for m in group
            if m.pinned and m.name not in CONSTRUCTION and (group is not groups[0] or m.pinned.startswith("tied to "))
        ]
    moving: list[list[Member]] = []
    for movable in clusters:
        reads = {g for m in movable for g in m.globals}
        reason = cycle_hazard(ws, view.source, [TopLevel(-1, view.klass, "def", reads=reads)], view.statements)
        if reason:
            outcome.refusals.append(f"methods {', '.join(m.name for m in movable[:4])}: {reason}")
        else:
            moving.append(movable)
    if not short and not fits(view.members, view.lines, moving, limits):
        short = f"{class_name} would stay over its limits"
    conflicts = super_conflicts(view.members, moving) if len(moving) < len(clusters) else {}
    if conflicts:
        # a cluster that stays may hold a super() call that now finds a moved method
        short = short or "; ".join(conflicts.values())
    if short and partial_ok and notes and moving and not conflicts:
        # a reviewer takes the groups a person would name; the rest has none worth a mixin
        outcome.partial = True
        outcome.refusals.insert(0, f"{class_name} stays over its limits: {short}")
        short = ""
    if short or not moving:
        raise RefusedChange(
            (short or f"no cluster of at least {limits.minimum} movable methods apart from the main one")
            + (f" ({'; '.join(outcome.refusals[:5])})" if outcome.refusals else "")
        )
    moving.sort(key=lambda cluster: min(m.start for m in cluster))  # bases in source order
    names = view.names(ws, moving)
    write_mixins(ws, view.source, view.module, view.klass, view.statements, moving, outcome, names)
    return not fits(view.members, view.lines, [], limits)


@dataclass
class ClassView:
    """The class as the strategy sees it: its module, statements and members (pinned or not)."""

    source: ModuleSource
    module: cst.Module
    klass: cst.ClassDef
    statements: list[TopLevel]
    members: list[Member]
    patched: set[str]
    sections: dict[str, str] = field(default_factory=dict)  # method -> its section heading

    @classmethod
    def read(cls, ws: Workspace, path: str, module_name: str, class_name: str) -> ClassView:
        """Read the module from the work dir; refuses when the class cannot take mixins."""
        source = ws.read(path, module_name)
        module = source.parse()
        found = [s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == class_name]
        if len(found) != 1:
            raise RefusedChange(f"class {class_name} is not defined exactly once at module level")
        klass = found[0]
        refusal = concepts.deprecation(klass, module) or class_hazard(klass)
        if refusal:
            raise RefusedChange(refusal)
        if hazards.has_star_import(module):
            # found on pyparsing.helpers: a method read ParseException from ``from .core import *``
            raise RefusedChange("the module has a star import: the names its methods read cannot be resolved")
        statements = map_module(module)
        members = collect_members(module, klass, statements)
        patched = hazards.patched_names(ws, source.module, skip=source.path)
        lazy = "annotations" in _future_names(module) and not hazards.runtime_annotation_reader(source.text)
        concepts.tie_members(klass, members, skip=CONSTRUCTION)
        pin_members(klass, members, statements, patched, lazy)
        concepts.propagate_pins(members)
        return cls(source, module, klass, statements, members, patched, concepts.sections(klass))

    def plan(self, limits: Limits, notes: list[str] | None = None) -> tuple[list[list[Member]], str]:
        """The clusters to move (see :func:`plan_mixins`), none relying on super() across mixins."""
        while True:
            found: list[str] = []
            clusters, short = plan_mixins(self.members, self.lines, limits, self.judge, found)
            conflicts = super_conflicts(self.members, clusters)
            if not conflicts:
                if notes is not None:
                    notes += found
                return clusters, short
            for member in self.members:
                member.pinned = member.pinned or conflicts.get(member.name, "")
            concepts.propagate_pins(self.members)

    def judge(self, group: list[Member]) -> str:
        """Why ``group`` may not become a mixin ('' when it may): its cohesion, then its name."""
        class_name = self.klass.name.value
        score = concepts.cohesion(group, self.members, avoid=[class_name])
        reason = score.refusal([m.name for m in group])
        if reason:
            return f"{class_name}: {reason}"
        try:
            naming.concept_words(group, self.members, class_name, self.sections)
        except naming.NoName as exc:
            return f"{class_name}: {exc}"
        return ""

    def names(self, ws: Workspace, clusters: list[list[Member]]) -> list[tuple[str, str]]:
        """The mixin class and module name of each cluster, from its concept; refuses when one has none."""
        class_name = self.klass.name.value
        defined = {s.name.value for s in self.module.body if isinstance(s, (cst.ClassDef, cst.FunctionDef))}
        reserved = naming.reserved_names(ws, self.source)
        chosen: list[tuple[str, str]] = []
        for cluster in clusters:
            try:
                concept = naming.concept_words(cluster, self.members, class_name, self.sections)
                chosen.append(
                    naming.concept_mixin(
                        concept,
                        class_name,
                        self.source.stem,
                        lambda n: n in defined or n in {c for c, _ in chosen},
                        lambda n: n in reserved or n in {m for _, m in chosen} or ws.sibling_taken(self.source, n),
                    )
                )
            except naming.NoName as exc:
                raise RefusedChange(f"{class_name}: {exc}") from None
        return chosen

    @property
    def lines(self) -> int:
        """Lines of the class, decorators included (as the analyzer counts them)."""
        return len(self.module.code_for_node(self.klass.with_changes(leading_lines=())).rstrip("\n").splitlines())


def extract_helpers(ws: Workspace, view: ClassView, outcome: Outcome) -> bool:
    """Move the module-level helpers that keep methods in the class to a module of their own.

    A method reading ``_DeclSpec`` or ``TZ_EXPR`` from its module cannot move to a mixin
    (the mixin would import back from the module that imports it). When those names and
    everything they need leave for a new module that both import from, it can. Helpers
    that need the class itself stay. True when the helpers moved.
    """
    graph = Graph(view.statements)
    class_unit = graph.owner.get(view.klass.name.value)
    wanted: set[int] = set()
    for member in view.members:
        names = member.module_reads
        if not member.pinned.startswith("reads ") or not names or not names <= graph.owner.keys():
            continue
        needed = graph.closure({graph.owner[n] for n in names}, set(graph.units))
        if class_unit not in needed:
            wanted |= needed
    if not wanted:
        return False
    group = graph.statements(wanted)
    rebound = hazards.global_statements(view.module) | view.patched
    helpers = sorted({n for s in group for n in s.binds})
    spelled = hazards.spelled_paths(ws, view.source.module, skip=view.source.path)
    reason = group_refusal(ws, view.source, group, view.statements, rebound, spelled)
    if reason:
        outcome.refusals.append(f"helpers {', '.join(helpers[:4])} stay: {reason}")
        return False
    split_module(ws, view.source, view.module, view.statements, [Group(group, shared=True)], [0], outcome)
    return True


def _class_names(text: str) -> list[str]:
    return [s.name.value for s in cst.parse_module(text).body if isinstance(s, cst.ClassDef)]


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
    class_names = _class_body_names(klass)
    # ``__hash__ = None`` or ``__radd__ = __add__`` in the body: their protocol partners stay beside them
    set_in_body = {concepts.FAMILY_OF[n]: n for n in class_names - {m.name for m in members} if n in concepts.FAMILY_OF}
    for member in members:
        signature = {
            n for node in member.nodes for part in _evaluated_at_definition(node, not lazy) for n in names_in(part)
        }
        if not lazy:
            member.globals |= member.hints
            member.hints = set()
        member.globals |= member.hints & imported
        member.hints -= imported
        names = set().union(*(names_in(node) for node in member.nodes))
        supers = super_reads(member.nodes) if "super" in names else set()
        member.super_names = supers or set()
        member.opaque_super = supers is None
        if member.name in CONSTRUCTION:
            member.pinned = "it builds the instance or the class"
        elif any(_is_abstract(node) for node in member.nodes):
            # found on boltons SpooledIOBase: ABCMeta collects abstract methods from the class and
            # its ABC bases only, so on a plain mixin read/write stopped being abstract
            member.pinned = "it is an abstract method, which ABCMeta only sees on the class itself"
        elif concepts.FAMILY_OF.get(member.name) in set_in_body:
            member.pinned = f"the class body sets {set_in_body[concepts.FAMILY_OF[member.name]]} beside it"
        elif supers is None:
            member.pinned = "super() is used other than as super().name"
        elif "__class__" in bare_names(member.nodes):
            member.pinned = "uses __class__"
        elif any(n.startswith("__") and not n.endswith("__") for n in names):
            member.pinned = "uses a name-mangled __attribute"
        elif member.name in class_reads:
            member.pinned = "the class body reads it"
        elif signature & class_names:
            # found on jinja2 CodeGenerator._make_finalize(self) -> _FinalizeInfo (a nested class)
            member.pinned = f"its signature reads {', '.join(sorted(signature & class_names))} from the class body"
        elif member.globals - imported:
            member.module_reads = member.globals - imported
            needed = ", ".join(sorted(member.module_reads))
            member.pinned = f"reads {needed} from its module (an import back would be circular)"
        elif member.globals & patched:
            member.pinned = f"reads {', '.join(sorted(member.globals & patched))}, patched elsewhere"
        elif hazards.identity_names(cst.Module(body=list(member.nodes))):
            member.pinned = "depends on the module it is written in (__name__, globals() ...)"
        else:
            for node in member.nodes:
                for decorator in node.decorators:
                    target = (
                        decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
                    )
                    name = dotted(target)
                    if name.split(".")[0] in {m.name for m in members}:
                        continue  # @prop.setter travels with prop
                    if not is_pure_decorator(name, set()):
                        member.pinned = f"decorated with {name or 'an expression'}, which may register it"


def _is_abstract(node: cst.FunctionDef) -> bool:
    """Whether a decorator marks the method abstract (``abstractmethod``, ``abc.abstractproperty``, ...)."""
    return any(dotted(d.decorator).rpartition(".")[2].startswith("abstract") for d in node.decorators)


def super_reads(nodes: list[cst.FunctionDef]) -> set[str] | None:
    """The names ``N`` of every ``super().N`` in ``nodes``; None when ``super`` is used otherwise.

    ``super(Cls, self).N`` and ``s = super()`` followed by ``s.N`` (found on boltons'
    ``OrderedMultiDict.popall``) read ``N`` the same way. Zero-argument ``super()`` in a
    mixin starts the lookup after the mixin instead of after the class; that finds the
    same ``N`` unless ``N`` moved to a mixin further along, which :func:`super_conflicts`
    rules out.
    """
    found: set[str] = set()
    aliases: set[str] = set()
    counts = {"super": 0, "understood": 0, "alias": 0, "alias.name": 0}

    def is_super(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "super"

    class Finder(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            if is_super(node.value) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                aliases.add(node.targets[0].target.value)
                counts["understood"] += 1
                counts["alias.name"] += 1  # the assignment's target is no bare use

        def visit_Attribute(self, node: cst.Attribute) -> None:
            if is_super(node.value):
                found.add(node.attr.value)
                counts["understood"] += 1
            elif isinstance(node.value, cst.Name) and node.value.value in aliases:
                found.add(node.attr.value)
                counts["alias.name"] += 1

        def visit_Name(self, node: cst.Name) -> None:
            counts["super"] += node.value == "super"
            counts["alias"] += node.value in aliases

    for node in nodes:
        node.visit(Finder())
    understood = counts["super"] == counts["understood"] and counts["alias"] == counts["alias.name"]
    return found if understood else None


def super_conflicts(members: list[Member], clusters: list[list[Member]]) -> dict[str, str]:
    """Members that must stay so every ``super().N`` finds what it found before, with why.

    ``super().N`` in the class skips the class and finds the base's ``N``: once ``N``
    moves to a mixin (between the class and its bases) it would find that instead, so
    ``N`` stays. In a mixin, ``super().N`` skips that mixin: ``N`` moved to another
    mixin might be found, so the caller stays.
    """
    home = {m.name: i for i, cluster in enumerate(clusters) for m in cluster}
    pins: dict[str, str] = {}
    for member in members:
        if member.opaque_super and member.name not in home:
            for name in home:
                pins[name] = f"super() in {member.name}, which stays, may find it in a mixin"
        for name in member.super_names:
            if member.name not in home and name in home:
                pins[name] = f"super().{name} in {member.name}, which stays, would find it in a mixin"
            elif member.name in home and home.get(name, home[member.name]) != home[member.name]:
                pins[member.name] = f"its super().{name} would find {name} moved to another mixin"
    return pins


def bare_names(nodes: list[cst.FunctionDef]) -> set[str]:
    """Names used in ``nodes`` on their own, not as ``obj.attribute``."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False

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
                # ``@size.setter`` on ``def size`` reads the member that moves along with it
                if dotted(decorator.decorator).partition(".")[0] != statement.name.value:
                    found |= names_in(decorator)
            # defaults (``update_fun=copy_attr_consistent``) and annotations run in the class body
            for part in _evaluated_at_definition(statement):
                found |= names_in(part)
            continue
        found |= names_in(statement)
    return found


def _class_body_names(klass: cst.ClassDef) -> set[str]:
    """Names the class body binds: methods, attributes, nested classes."""
    found: set[str] = set()
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    for statement in body:
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


def _evaluated_at_definition(function: cst.FunctionDef, annotations: bool = True) -> list[cst.CSTNode]:
    """Parameter defaults and (unless postponed) annotations: evaluated where the ``def`` runs."""
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    parts: list[cst.CSTNode] = [p.default for p in every if p.default is not None]
    if annotations:
        parts += [p.annotation for p in every if p.annotation is not None]
        parts += [function.returns] if function.returns is not None else []
    return parts


def _future_names(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if is_future_import(statement):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    names.update(dotted(a.name) for a in small.names)
    return names
