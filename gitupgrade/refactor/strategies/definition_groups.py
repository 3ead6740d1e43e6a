"""Which top-level definitions of a god module move, and into which new modules.

The module's own reference graph (which definition reads which; a statement working on
several, like a loop filling a table, ties them) falls into connected parts; every part
but the largest moves when it has at least ``minimum`` definitions. While the module
stays over its limits, the largest part is cut: the definition the most
others depend on (a base class, a shared helper), closed under its own dependencies,
becomes a shared group that the other groups import from, and what falls apart without
it moves in turn. As a last resort small independent parts move together in source
order. Every group is closed under its dependencies, except for names of groups planned
before it, so the new modules import each other in one direction and never the original;
each stays under the limits itself. A plan that cannot bring the module under its limits
says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from gitupgrade.analysis.linked import linked_groups
from gitupgrade.refactor.strategies.toplevel import TopLevel

_CUT_TRIES = 12
_CUT_ROUNDS = 10
_FILL = 0.85  # a new module holds at most this share of the line limit: it gets a header and imports


@dataclass(frozen=True)
class ModuleLimits:
    """The god module limits and the smallest group worth a module."""

    max_lines: int
    max_definitions: int
    minimum: int


@dataclass
class Group:
    """Statements that move together to one new module."""

    statements: list[TopLevel]
    shared: bool = False  # other groups of the plan import from it
    reads_from: list[int] = field(default_factory=list)  # indexes of earlier groups it imports

    @property
    def names(self) -> list[str]:
        """The names the new module defines on every path, in source order: what is re-exported.

        Names bound by one statement (``PREV, NEXT = range(2)``) come alphabetically.
        """
        return sorted(
            {n for s in self.statements for n in s.binds - s.optional},
            key=lambda n: (min(s.index for s in self.statements if n in s.binds), n),
        )


class Graph:
    """Definitions merged by the names they bind, and who depends on whom."""

    def __init__(self, statements: list[TopLevel]) -> None:
        definitions = [s for s in statements if s.kind == "def"]
        # redefinitions and overloads of a name are one unit, known by its first statement
        self.units: dict[int, list[TopLevel]] = {}
        for group in linked_groups([s.binds for s in definitions]):
            self.units[definitions[group[0]].index] = [definitions[i] for i in group]
        owner = self.owner = {name: unit for unit, members in self.units.items() for s in members for name in s.binds}
        self.deps: dict[int, set[int]] = {u: set() for u in self.units}
        for unit, members in self.units.items():
            for statement in members:
                self.deps[unit] |= {owner[n] for n in statement.reads if n in owner} - {unit}
        for statement in statements:
            # ``for rule in RULES: ACTIONS[rule.name] = ...`` works on both: they travel together
            if statement.kind == "other":
                tied = {owner[n] for n in statement.reads if n in owner}
                for unit in tied:
                    self.deps[unit] |= tied - {unit}
        self.users: dict[int, set[int]] = {u: set() for u in self.units}
        for unit, needed in self.deps.items():
            for other in needed:
                self.users[other].add(unit)

    def lines(self, units: Iterable[int]) -> int:
        """Lines the units' statements take."""
        return sum(s.end - s.start + 1 for u in units for s in self.units[u])

    def span(self, units: Iterable[int]) -> int:
        """Lines the units take in their module, with the blank and comment lines above each statement."""
        return sum(s.end - s.start + 1 + s.leading for u in units for s in self.units[u])

    def size(self, units: Iterable[int]) -> int:
        """Lines the units take in a new module, where two blank lines set each statement apart."""
        return sum(s.end - s.start + 1 + max(s.leading, 2) for u in units for s in self.units[u])

    def definitions(self, units: Iterable[int]) -> int:
        """How many of the statements are function or class definitions (as the analyzer counts)."""
        return sum(1 for u in units for s in self.units[u] if s.is_definition)

    def names(self, units: Iterable[int]) -> int:
        return len(self.bound(units))

    def bound(self, units: Iterable[int]) -> set[str]:
        """The names the units' statements bind."""
        return {n for u in units for s in self.units[u] for n in s.binds}

    def closure(self, units: Iterable[int], within: set[int]) -> set[int]:
        """``units`` and everything in ``within`` they depend on."""
        return _reach(self.deps, units, within)

    def users_closure(self, units: Iterable[int], within: set[int]) -> set[int]:
        """``units`` and everything in ``within`` that uses them, directly or not."""
        return _reach(self.users, units, within)

    def components(self, units: set[int]) -> list[set[int]]:
        """Connected parts of ``units`` (edges either way), largest first, then in source order."""
        left, parts = set(units), []
        while left:
            start = min(left)
            part, todo = {start}, [start]
            while todo:
                unit = todo.pop()
                for other in (self.deps[unit] | self.users[unit]) & left:
                    if other not in part:
                        part.add(other)
                        todo.append(other)
            left -= part
            parts.append(part)
        return sorted(parts, key=lambda p: (-self.lines(p), min(p)))

    def statements(self, units: Iterable[int]) -> list[TopLevel]:
        return sorted((s for u in units for s in self.units[u]), key=lambda s: s.index)


def _reexport_lines(names: AbstractSet[str]) -> int:
    """Lines of a re-export: a blank line, a comment and the import, wrapped one name a line.

    The import fits one line of 88 characters when its names leave room for about 40 of
    ``from pkg.new_module import``; the files written are measured again afterwards.
    """
    if sum(len(n) + 2 for n in names) <= 48:
        return 3
    return 4 + len(names)


def _reach(edges: dict[int, set[int]], start: Iterable[int], within: set[int]) -> set[int]:
    found = set(start)
    todo = list(found)
    while todo:
        for other in edges[todo.pop()] & within:
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


@dataclass
class Plan:
    """The groups to move, dependencies first, and what they leave to do."""

    groups: list[Group]
    short: str = ""  # why the module stays too big, '' when it fits
    excess_lines: int = 0  # lines still over the limit once the groups leave
    excess_definitions: int = 0


def plan_groups(statements: list[TopLevel], total_lines: int, limits: ModuleLimits) -> Plan:
    """The groups to move, dependencies first, and why the module would stay too big."""
    graph = Graph(statements)
    planner = _Planner(graph, total_lines, limits)
    parts = graph.components(set(graph.units))
    staying = set(parts[0]) if parts else set()
    for part in parts[1:]:
        if not planner.add(part):
            staying |= part
    main = parts[0] if parts else set()
    for _ in range(_CUT_ROUNDS):
        if planner.fits() or not main:
            break
        cut = _cut(graph, main, limits)
        if cut is None:
            break
        shared, pieces, kept = cut
        if shared:
            planner.add(shared, shared=True)
        # the largest piece stays as the module's topic; a lone helper is none: then what
        # the cut kept (the definitions on top, found on h11's Connection) is the topic
        if kept and graph.names(pieces[0]) < limits.minimum:
            main = kept
        else:
            main, pieces = pieces[0], pieces[1:]
        for piece in pieces:
            if not planner.add(piece):
                staying |= piece
    if not planner.fits():
        planner.bundle(staying - main - planner.moved)
    if not planner.fits():
        # a toolbox module has no part it is about: the largest part may leave too
        planner.add(main)
    if planner.fits():
        return Plan(planner.groups)
    left_lines = total_lines - graph.span(planner.moved)
    left_definitions = graph.definitions(set(graph.units) - planner.moved)
    return Plan(
        planner.groups,
        f"moving every group that can move leaves about {left_lines} lines and {left_definitions} "
        f"definitions (limits {limits.max_lines} lines, {limits.max_definitions} definitions)",
        planner.left_lines() - limits.max_lines,
        left_definitions - limits.max_definitions,
    )


class _Planner:
    """The groups chosen so far and what they leave in the module."""

    def __init__(self, graph: Graph, total_lines: int, limits: ModuleLimits) -> None:
        self.graph, self.total_lines, self.limits = graph, total_lines, limits
        self.groups: list[Group] = []
        self.units: list[set[int]] = []
        self.moved: set[int] = set()

    def add(self, units: set[int], shared: bool = False) -> bool:
        """Plan ``units`` as one new module when worth one and small enough."""
        graph = self.graph
        if not units or (not shared and graph.names(units) < self.limits.minimum) or not self.fits_module(units):
            return False
        needs = {d for u in units for d in graph.deps[u]} - units
        if needs - self.moved:
            return False  # it would import back from the original module
        reads_from = [i for i, planned in enumerate(self.units) if planned & needs]
        self.groups.append(Group(graph.statements(units), shared, reads_from))
        self.units.append(set(units))
        self.moved |= units
        return True

    def fits_module(self, units: set[int]) -> bool:
        """Small enough for a new module, with room for its docstring and imports."""
        return (
            self.graph.size(units) <= self.limits.max_lines * _FILL
            and self.graph.definitions(units) <= self.limits.max_definitions
        )

    def fits(self, extra: AbstractSet[int] = frozenset()) -> bool:
        """True when the module is within its limits once the planned groups (and ``extra``) leave."""
        graph, limits = self.graph, self.limits
        return (
            self.left_lines(extra) <= limits.max_lines
            and graph.definitions(set(graph.units) - self.moved - extra) <= limits.max_definitions
        )

    def left_lines(self, extra: AbstractSet[int] = frozenset()) -> int:
        """Lines of the module once the planned groups (and ``extra``) leave, re-exports included."""
        graph = self.graph
        reexports = sum(_reexport_lines(graph.bound(u)) for u in [*self.units, extra] if u)
        return self.total_lines - graph.span(self.moved | extra) + reexports

    def bundle(self, loose: set[int]) -> None:
        """Pack parts with no link to what stays, in source order, into modules until the module fits."""
        graph = self.graph
        current: set[int] = set()
        for unit in sorted(loose):
            if graph.names(current) >= self.limits.minimum and self.fits(current):
                break
            if unit in self.moved or unit in current:
                continue
            needed = graph.closure({unit}, loose - self.moved) - current
            if {d for u in needed for d in graph.deps[u]} - needed - current - self.moved - loose:
                continue  # it reads what stays: it cannot leave
            if current and not self.fits_module(current | needed):
                self.add(current)
                current = set()
            if self.fits_module(needed):
                current |= needed
        if current and not self.fits():
            self.add(current)


def _cut(graph: Graph, main: set[int], limits: ModuleLimits) -> tuple[set[int], list[set[int]], set[int]] | None:
    """The shared group whose leaving splits ``main``, the parts of the rest and what stays, or None.

    What reads many definitions stays in the module and does not hold the rest together:
    first registries read by none (``FILTERS = {"abs": do_abs, ...}``), then any
    orchestrator (``convert_type`` reading every type) with everything that uses it. Of
    the rest, the definitions the most others read leave, with what they need, as the
    shared group, until what remains falls apart.
    """
    tops = {u for u in main if not graph.users[u] & main and len(graph.deps[u] & main) >= 3}
    orchestrators = graph.users_closure({u for u in main if len(graph.deps[u] & main) >= 3}, main)
    for staying in (tops, orchestrators):
        found = _cut_hubs(graph, main - staying, limits)
        if found:
            return (*found, staying)
    return None


def _cut_hubs(graph: Graph, rest: set[int], limits: ModuleLimits) -> tuple[set[int], list[set[int]]] | None:
    ranked = sorted(rest, key=lambda u: (-len(graph.users[u] & rest), -graph.lines([u]), u))
    hubs: set[int] = set()
    for unit in [None, *ranked[:_CUT_TRIES]]:
        if unit is not None:
            if len(graph.users[unit] & rest) < 2:
                break
            hubs.add(unit)
        shared = graph.closure(hubs, rest)
        if graph.size(shared) > limits.max_lines * _FILL or graph.definitions(shared) > limits.max_definitions:
            return None
        pieces = graph.components(rest - shared)
        if len(pieces) > 1 and sum(graph.names(p) for p in pieces[1:]) >= limits.minimum:
            return shared, pieces
    return None
