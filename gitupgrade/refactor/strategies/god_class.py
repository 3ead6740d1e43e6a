"""god_class: move the one component a large class holds into a mixin it inherits from.

Methods are clustered by the instance attributes they share and the methods they call
on ``self`` (the LCOM4 components, cut further by :mod:`.method_clusters`). A group may
move only when it stands alone (:mod:`.standalone`: it owns its state, calls nothing
that stays, and what stays uses it through its methods), hangs together (a cohesion
score, :mod:`.concepts`) and has a name from its concept. Of those, the fewest that bring
the class under its limits move (one, at most two), each into a mixin in a new module
beside the original; when none do, nothing moves and the refusal says what the groups
that could move would leave, so a rescan never proposes a split that only moves code.
The class lists the mixins first among its bases: attribute lookup finds the same
functions, ``self`` is the same object.

A method stays in the class when moving it could change what it means (:mod:`.pins`):
``super()`` used other than as ``super().name``, or finding a method moved to another
mixin; the ``__class__`` cell; name-mangled ``__names``; construction; names the class
body reads; module names patched elsewhere; module-level names that would need an
import back into the original module. A method tied to one that stays (``__hash__`` to
``__eq__``, a property to its helpers) stays with it. Module-level helpers that keep
methods in the class leave first for a module of their own, only when that makes the
split possible. Enum, NamedTuple, TypedDict, Protocol, classes with a metaclass or
registering decorators, and deprecated classes are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import libcst as cst

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
from gitupgrade.refactor.strategies.members import (
    CONSTRUCTION,
    Member,
    class_body_names,
    collect_members,
    future_names,
)
from gitupgrade.refactor.strategies.method_clusters import Limits, components, fits, plan_mixins
from gitupgrade.refactor.strategies.mixin_writer import write_mixins
from gitupgrade.refactor.strategies.module_writer import split_module
from gitupgrade.refactor.strategies.package_conventions import split_refusal
from gitupgrade.refactor.strategies.pins import Pin, PinKind, pin_members, propagate_pins
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.standalone import dependence
from gitupgrade.refactor.strategies.syntax import dotted
from gitupgrade.refactor.strategies.toplevel import TopLevel, map_module

if TYPE_CHECKING:
    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

REFUSED_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "NamedTuple", "TypedDict", "Protocol", "type"}


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
        # the mixins go to new modules beside it: a generated module or its package's conventions forbid them
        refusal = split_refusal(ws, ws.read(path, evidence["module"]))
        if refusal:
            raise RefusedChange(refusal)
        if split_class(ws, path, evidence["module"], class_name, limits, outcome):
            # it was a god class: no file the split wrote may be one
            for change in ws.changes():
                created = change.kind is ChangeKind.CREATE
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
) -> bool:
    """Move the fewest groups that stand alone into mixins so the class fits ``limits``, or refuse.

    True when the class was over ``limits`` (the written files are then worth measuring).
    """
    view = ClassView.read(ws, path, dotted_name, class_name)
    notes: list[str] = []
    clusters, short = view.plan(limits, notes)
    if short and any(m.pinned is not None and m.pinned.kind is PinKind.MODULE_READS for m in view.members):
        # would the plan succeed if the module names its methods read left for a module of their own?
        freed = view.waiving(frozenset({PinKind.MODULE_READS}))
        freed_notes: list[str] = []
        freed_clusters, freed_short = freed.plan(limits, freed_notes)
        if freed_clusters and not freed_short:
            if extract_helpers(ws, view, outcome):
                # the helpers its methods read now come from a module of their own: plan again
                view = ClassView.read(ws, path, dotted_name, class_name)
                notes = []
                clusters, short = view.plan(limits, notes)
        elif freed_short:
            # moving the helpers would not be enough: the reason is what stays after them
            short, notes = freed_short, freed_notes
    outcome.refusals += notes
    groups = components(view.members)
    for group in groups:
        outcome.refusals += [
            f"{class_name}.{m.name} stays: {m.pinned}"
            for m in group
            if m.pinned and m.name not in CONSTRUCTION and (group is not groups[0] or m.pinned.kind is PinKind.TIED)
        ]
    if short or not clusters:
        raise RefusedChange(
            (short or f"no group of at least {limits.minimum} movable methods stands alone apart from the main one")
            + (f" ({'; '.join(outcome.refusals[:5])})" if outcome.refusals else "")
        )
    moving = sorted(clusters, key=lambda cluster: min(m.start for m in cluster))  # bases in source order
    names = view.names(ws, moving)
    write_mixins(
        ws, view.source, view.module, view.klass, view.statements, moving, outcome, names, view.members, view.sections
    )
    return not fits(view.members, view.lines, [], limits)


@dataclass
class ClassView:
    """The class as the strategy sees it: its module, statements and members (pinned or not)."""

    ws: Workspace
    source: ModuleSource
    module: cst.Module
    klass: cst.ClassDef
    statements: list[TopLevel]
    members: list[Member]
    patched: set[str]
    class_attributes: set[str]  # what the class body binds besides its methods
    lazy: bool  # postponed annotations nothing reads at run time
    waived: frozenset[PinKind]  # kinds of pin not applied (a plan as if they were gone)
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
        members = collect_members(module, klass)
        patched = hazards.patched_names(ws, source.module, skip=source.path)
        lazy = "annotations" in future_names(module) and not hazards.runtime_annotation_reader(source.text)
        concepts.tie_members(klass, members, skip=CONSTRUCTION)
        pin_members(klass, members, statements, patched, lazy)
        propagate_pins(members)
        attributes = class_body_names(klass) - {m.name for m in members}
        sections = concepts.sections(klass)
        return cls(ws, source, module, klass, statements, members, patched, attributes, lazy, frozenset(), sections)

    def waiving(self, waived: frozenset[PinKind]) -> ClassView:
        """The same class with the pins of the ``waived`` kinds lifted: what a plan would be without them."""
        members = [
            replace(m, pinned=None, globals=set(m.globals), hints=set(m.hints), module_reads=set(m.module_reads))
            for m in self.members
        ]
        pin_members(self.klass, members, self.statements, self.patched, self.lazy, waived)
        propagate_pins(members)
        return replace(self, members=members, waived=waived)

    def plan(self, limits: Limits, notes: list[str] | None = None) -> tuple[list[list[Member]], str]:
        """The clusters to move (see :func:`plan_mixins`), none relying on super() across mixins."""
        while True:
            found: list[str] = []
            clusters, short = plan_mixins(self.members, self.lines, limits, self.judge, found, self.rank)
            conflicts = super_conflicts(self.members, clusters)
            if not conflicts:
                if notes is not None:
                    notes += found
                return clusters, short
            for member in self.members:
                if not member.pinned and member.name in conflicts:
                    member.pinned = Pin(PinKind.SUPER_CONFLICT, conflicts[member.name])
            propagate_pins(self.members)

    def judge(self, group: list[Member]) -> str:
        """Why ``group`` may not become a mixin ('' when it may).

        In the order a reviewer asks: does it stand alone, does it hang together, what is
        it called, can its module import what it reads.
        """
        class_name = self.klass.name.value
        alone = dependence(group, self.members, self.class_attributes, CONSTRUCTION)
        if alone:
            return f"{class_name}: {alone}"
        score = concepts.cohesion(group, self.members, avoid=[class_name])
        reason = score.refusal([m.name for m in group])
        if reason:
            return f"{class_name}: {reason}"
        try:
            naming.concept_words(group, self.members, class_name, self.sections)
        except naming.NoName as exc:
            return f"{class_name}: {exc}"
        if PinKind.MODULE_READS in self.waived:
            return ""  # the helpers it reads would have left for a module of their own
        reads = {g for m in group for g in m.globals}
        unit = TopLevel(-1, self.klass, "def", reads=reads)
        hazard = cycle_hazard(self.ws, self.source, [unit], self.statements)
        return f"{class_name}: methods {', '.join(m.name for m in group[:4])}: {hazard}" if hazard else ""

    def rank(self, group: list[Member]) -> float:
        """How cohesive ``group`` is: between groups that each bring the class under its limits, the best moves."""
        return concepts.cohesion(group, self.members, avoid=[self.klass.name.value]).score

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
        if (
            member.pinned is None
            or member.pinned.kind is not PinKind.MODULE_READS
            or not names
            or not names <= graph.owner.keys()
        ):
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
