"""god_module: split a large module into new modules beside it, re-exporting every name.

Which definitions move, and in which groups, is planned by :mod:`.definition_groups`:
connected parts of the module's own reference graph first, then, while the module is
over its limits, shared bases and helpers to a module of their own and what falls apart
without them, each group closed under what it needs. Each group moves with the imports
it needs to a new private module named after what it is about; the original module re-exports
every moved name, so ``from mod import X``, ``mod.X`` and ``__all__`` keep working. A
group is left alone, with the reason recorded, when moving it could change what it sees:
it reads a module global rebound elsewhere (``global``, ``mod.NAME = ...``, monkeypatch
or ``mock.patch`` targets), uses ``globals()``/``__name__``/``__file__``, depends on
conditional definitions that cannot move whole, or carries decorators whose
registration order would change.
When the module is over its limits, one refused group refuses the whole split: a partial
split would be proposed again by the next scan. A module too big for its largest class
alone has that class shed mixins first, as the god_class strategy splits a class.

No module is added to a package whose conventions forbid it (:mod:`.package_conventions`:
a plugin folder, standalone modules). The hazards that keep a group in place are in
:mod:`.group_hazards`; the names of the new modules in :mod:`.module_names`, their
docstrings in :mod:`.module_docs`; the writing of the new modules and the re-exports in
:mod:`.module_writer`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import libcst as cst

from gitupgrade.refactor.strategies import concepts, hazards, naming
from gitupgrade.refactor.strategies.base import Outcome, RuleStrategy, config_value
from gitupgrade.refactor.strategies.definition_groups import (
    Graph,
    Group,
    ModuleLimits,
    Plan,
    plan_groups,
)
from gitupgrade.refactor.strategies.god_class import split_class
from gitupgrade.refactor.strategies.group_hazards import group_refusal
from gitupgrade.refactor.strategies.limits import exceeded
from gitupgrade.refactor.strategies.method_clusters import Limits
from gitupgrade.refactor.strategies.module_names import ModuleNamer
from gitupgrade.refactor.strategies.module_writer import lead_of, split_module
from gitupgrade.refactor.strategies.package_conventions import split_refusal
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.toplevel import TopLevel, map_module

if TYPE_CHECKING:
    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

# the mixins' import and the class's longer base list
_MIXIN_IMPORT_LINES = 6


class GodModuleStrategy(RuleStrategy):
    """Move cohesive groups of a large module into new modules, re-exported by the original."""

    type = "god_module"
    description = "split a large module into cohesive modules, re-exporting every moved name"

    def run(self, ws: Workspace, suggestion: Suggestion, config: Config) -> Outcome:
        evidence = suggestion.evidence
        limits = ModuleLimits(
            int(config_value(config, "analysis.god_module_max_lines", 500)),
            int(config_value(config, "analysis.god_module_max_definitions", 40)),
            int(config_value(config, "refactor.min_group_size", 3)),
        )
        outcome = self._split(ws, evidence["path"], evidence["module"], limits, config)
        over_by = len(ws.read(evidence["path"]).text.splitlines()) - limits.max_lines
        if over_by > 0 and outcome.slimmed:
            # the estimates missed by a few lines: plan again as if the limit were that much lower
            ws.restore()
            outcome = self._split(ws, evidence["path"], evidence["module"], limits, config, over_by + 2)
        for change in ws.changes() if outcome.over else ():
            if outcome.partial and change.path == evidence["path"]:
                continue  # what stays has no group worth a module: it may stay over its limits
            reason = exceeded(change.path, ws.read(change.path).text, config)
            if reason:
                raise RefusedChange(f"the split falls short: {reason}")
        return outcome

    def _split(
        self, ws: Workspace, path: str, dotted_name: str, limits: ModuleLimits, config: Config, shave: int = 0
    ) -> _ModuleOutcome:
        source = ws.read(path, dotted_name)
        module = source.parse()
        if hazards.has_star_import(module):
            raise RefusedChange("the module has a star import: its names cannot be resolved")
        refusal = split_refusal(ws, source)
        if refusal:
            raise RefusedChange(refusal)
        statements = map_module(module)
        total_lines = len(source.text.splitlines())
        outcome = _ModuleOutcome()
        outcome.over = (
            total_lines > limits.max_lines or sum(s.is_definition for s in statements) > limits.max_definitions
        )
        # a retry plans with the lines the estimates missed by taken off the limit
        planning = replace(limits, max_lines=limits.max_lines - shave)
        plan = plan_groups(statements, total_lines, planning)
        if plan.short and plan.excess_definitions <= 0:
            outcome.slimmed = slim_largest_class(ws, path, dotted_name, statements, plan, config, outcome)
            if outcome.slimmed:
                source = ws.read(path, dotted_name)
                module = source.parse()
                statements = map_module(module)
                plan = plan_groups(statements, len(source.text.splitlines()), planning)
        if plan.short:
            raise RefusedChange(plan.short)
        accepted = accepted_groups(ws, source, module, statements, plan, outcome)
        if outcome.over and len(accepted) < len(plan.groups):
            if outcome.unsafe or not accepted or outcome.slimmed:
                raise RefusedChange("; ".join(outcome.refusals))
            # the groups left are refused for want of a concept, not for safety: the cohesive ones move
            outcome.partial = True
        if not accepted and not outcome.slimmed:
            if outcome.refusals:
                raise RefusedChange("; ".join(outcome.refusals))
            graph = Graph(statements)
            # a suggestion from before an earlier upgrade shrank the module (found on docutils' manpage.py)
            within = "" if outcome.over else f"{path} is within its limits now and "
            if len(graph.components(set(graph.units))) < 2:
                raise RefusedChange(f"{within}the module's definitions form a single connected group")
            raise RefusedChange(
                f"{within}no cohesive group of at least {limits.minimum} definitions apart from the main one"
            )
        if outcome.slimmed and not accepted:
            # a reviewer reads a "module split" that only splits a class as a god_class upgrade in disguise
            raise RefusedChange(
                "the split would only move methods of the module's largest class into mixins: "
                "that is not a module split" + (f" ({'; '.join(outcome.refusals[:3])})" if outcome.refusals else "")
            )
        if accepted:
            split_module(ws, source, module, statements, plan.groups, accepted, outcome)
        return outcome


def accepted_groups(
    ws: Workspace,
    source: ModuleSource,
    module: cst.Module,
    statements: list[TopLevel],
    plan: Plan,
    outcome: _ModuleOutcome,
) -> dict[int, str]:
    """The planned groups that may move (index: new module name); why the others stay goes to ``outcome``."""
    rebound = hazards.global_statements(module) | hazards.patched_names(ws, source.module, skip=source.path)
    spelled = hazards.spelled_paths(ws, source.module, skip=source.path)
    namer = ModuleNamer(ws, source)
    accepted: dict[int, str] = {}
    for i, group in enumerate(plan.groups):
        names = group.names
        label = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
        moved_before = [s for j in accepted for s in plan.groups[j].statements]
        reason = next(
            (
                f"it needs {', '.join(plan.groups[j].names[:3])}, which stay"
                for j in group.reads_from
                if j not in accepted
            ),
            None,
        )
        if not reason:
            reason = group_refusal(ws, source, group.statements, statements, rebound, spelled, moved_before)
            outcome.unsafe = outcome.unsafe or bool(reason)
        if not reason:
            reason = group_cohesion(group)
        if not reason:
            try:
                accepted[i] = namer.name(names, lead_of(group.statements))
            except naming.NoName as exc:
                reason = str(exc)
        if reason:
            outcome.refusals.append(f"group {label}: {reason}")
    # a shared group leaves so that the groups reading it can: alone it is helpers without a concept
    # (found on click's parser: _split_opt with _ParsingState, their readers refused)
    for i in reversed(list(accepted)):
        group = plan.groups[i]
        if group.shared and not any(i in plan.groups[j].reads_from for j in accepted):
            del accepted[i]
            shown = ", ".join(group.names[:4]) + (" ..." if len(group.names) > 4 else "")
            outcome.refusals.append(f"group {shown}: shared by groups that stay, it is no concept of its own")
    return accepted


def group_cohesion(group: Group) -> str:
    """Why the group is a grab-bag rather than one concept ('' when it is one).

    A group planned from the module's reference graph hangs together; a bundle of
    parts with no link between them (the planner's last resort) must at least share
    a word in most of its names. Two definitions with no link share a word or are no
    group (found on click's parser: ``_split_opt`` with ``_ParsingState``).
    """
    if group.shared or len(group.statements) < 2:
        return ""
    binders = {n: s.index for s in group.statements for n in s.binds}
    linked = {s.index for s in group.statements if any(binders.get(n, s.index) != s.index for n in s.reads)}
    linked |= {binders[n] for s in group.statements for n in s.reads if binders.get(n, s.index) != s.index}
    # classes deriving from one base (``FIFOCache``, ``LRUCache`` of ``Cache``) are one family
    bases: dict[str, list[int]] = {}
    for s in group.statements:
        if isinstance(s.node, cst.ClassDef):
            for base in s.node.bases:
                bases.setdefault(cst.Module(body=[]).code_for_node(base.value), []).append(s.index)
    linked |= {i for family in bases.values() if len(family) > 1 for i in family}
    connected = len(linked) / len(group.statements)
    names = [n for s in group.statements for n in sorted(s.binds)[:1]]
    shared = naming.dominant_words(names, recurring=True, count=1)
    affinity = 0.0
    if shared:
        # ``cached``, ``cachedmethod`` and ``_make_cache_key`` share a word
        stem = shared[0][:5]
        affinity = sum(1 for n in names if any(w.startswith(stem) for w in naming.words(n))) / len(names)
    score = round(0.6 * connected + 0.4 * affinity, 2)
    if score >= concepts.COHESION_THRESHOLD:
        return ""
    return (
        f"cohesion {score:.2f} below {concepts.COHESION_THRESHOLD}: "
        f"{connected:.0%} of its definitions use another of the group, {affinity:.0%} share a word"
    )


@dataclass
class _ModuleOutcome(Outcome):
    over: bool = False  # the module was over its limits: the split must bring it under
    unsafe: bool = False  # a group stays because moving it could change behaviour
    slimmed: bool = False  # its largest class shed mixins first


def slim_largest_class(
    ws: Workspace, path: str, dotted_name: str, statements: list[TopLevel], plan: Plan, config: Config, outcome: Outcome
) -> bool:
    """Move mixins out of the module's largest class when the module is too big for it alone.

    Found on mistune's ``block_parser``: 615 lines of which ``BlockParser`` takes 491,
    no god class, and what else moves leaves the module over its limit. The class sheds
    the lines the module is still over by, as the god_class strategy would split it, but
    never more than half of it. True when it did; a class that cannot refuses the split.
    """
    classes = [s for s in statements if isinstance(s.node, cst.ClassDef)]
    if not classes:
        return False
    largest = max(classes, key=lambda s: s.end - s.start)
    lines = largest.end - largest.start + 1
    budget = lines - plan.excess_lines - _MIXIN_IMPORT_LINES
    if budget < lines // 2:
        return False
    limits = Limits(
        int(config_value(config, "analysis.god_class_max_methods", 20)),
        budget,
        int(config_value(config, "refactor.min_group_size", 3)),
    )
    try:
        split_class(ws, path, dotted_name, largest.name, limits, outcome)
    except RefusedChange as refusal:
        raise RefusedChange(f"{plan.short}; {largest.name} cannot shed {lines - budget} lines: {refusal}") from None
    return True
