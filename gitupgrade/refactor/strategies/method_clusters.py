"""Which methods of a god class move into mixins, and how they are grouped.

The methods are first grouped by the instance attributes they share and the methods they
call on ``self`` (LCOM4 components); every group but the largest moves when it has at
least ``minimum`` movable methods. When that leaves the class over its limits, the groups
that stay are cut along their links: the attribute or method that most of them share
(``self.stream`` in a writer) says least about what belongs together, so it stops
counting, then the next, until the group falls apart. As a last resort the small
independent groups that remain move together in source order. Each mixin is kept under
the limits itself, so a split never makes a new god class; a plan that cannot bring the
class under its limits says why instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol

from gitupgrade.analysis.linked import linked_groups


class Method(Protocol):
    """What clustering needs of a class member."""

    name: str
    attrs: set[str]
    pinned: str
    start: int
    end: int


_FILL = 0.85  # a mixin holds at most this share of the line limit


@dataclass(frozen=True)
class Limits:
    """The god class limits and the smallest group worth a mixin."""

    max_methods: int
    max_lines: int
    minimum: int


@dataclass
class Piece:
    """A group of members, and the links no longer counted when it was cut."""

    members: list[Method]
    ignored: frozenset[str] = field(default_factory=frozenset)
    solid: bool = False  # cutting it further gives nothing worth a mixin

    @property
    def movable(self) -> list[Method]:
        return [m for m in self.members if not m.pinned]


def size(members: Iterable[Method]) -> int:
    """Lines the members take in the class, with the blank line after each."""
    return sum(m.end - m.start + 2 for m in members)


# Special methods that touch the whole object: sharing attributes with them says nothing.
WHOLE_OBJECT = {
    "__init__",
    "__new__",
    "__post_init__",
    "__repr__",
    "__str__",
    "__eq__",
    "__hash__",
    "__getstate__",
    "__setstate__",
    "__reduce__",
    "__reduce_ex__",
    "__copy__",
    "__deepcopy__",
    "__dir__",
    "__sizeof__",
}


def is_special(member: Method) -> bool:
    """True for ``__init__`` and other dunder methods."""
    return member.name.startswith("__") and member.name.endswith("__")


def links(member: Method, ignored: AbstractSet[str] = frozenset()) -> set[str]:
    """What ties a member to others: its attributes and its own name (a self-call), minus ``ignored``.

    A constructor and the like touch every attribute: they say nothing about cohesion.
    """
    return set() if member.name in WHOLE_OBJECT else (member.attrs | {member.name}) - ignored


def components(members: list[Method], ignored: frozenset[str] = frozenset()) -> list[list[Method]]:
    """Members connected by shared attributes or self-calls (minus ``ignored``); biggest first."""
    groups = [[members[i] for i in group] for group in linked_groups([links(m, ignored) for m in members])]
    return sorted(groups, key=_biggest_first)


def _biggest_first(members: list[Method]) -> tuple[int, int]:
    return -size(members), members[0].start


def plan_mixins(members: list[Method], class_lines: int, limits: Limits) -> tuple[list[list[Method]], str]:
    """The groups of movable members to move, one mixin each, and why the class stays too big ('' if not)."""
    pieces = [Piece(group) for group in components(members)]
    while True:
        moving, staying = _select(pieces, limits)
        if fits(members, class_lines, moving, limits):
            return moving, ""
        breakable = [p for p in staying if not p.solid and len(p.members) > 1]
        if not breakable:
            break
        target = max(breakable, key=lambda p: size(p.members))
        parts = cut(target, limits.minimum)
        if len(parts) < 2:
            target.solid = True
            continue
        pieces = sorted([p for p in pieces if p is not target] + parts, key=lambda p: _biggest_first(p.members))
    main = staying[0].movable if staying else []
    if len(main) >= limits.minimum and _fits_mixin(main, limits):
        moving.append(main)  # the class keeps its constructor and whatever cannot move
    if not fits(members, class_lines, moving, limits):
        moving += _bundle(staying[1:], moving, members, class_lines, limits)
    if fits(members, class_lines, moving, limits):
        return moving, ""
    left = len({m.name for m in members}) - sum(len(g) for g in moving)
    lines = class_lines - sum(size(g) for g in moving)
    return moving, (
        f"moving every group that can move leaves {left} methods and about {lines} lines "
        f"(limits {limits.max_methods} methods, {limits.max_lines} lines)"
    )


def cut(piece: Piece, minimum: int) -> list[Piece]:
    """``piece`` split by no longer counting its most shared links, or ``[piece]``."""
    tally = Counter(link for m in piece.members for link in links(m, piece.ignored))
    ignored = set(piece.ignored)
    for link, _ in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])):
        ignored.add(link)
        groups = components(piece.members, frozenset(ignored))
        if len(groups) > 1 and any(len([m for m in g if not m.pinned]) >= minimum for g in groups[1:]):
            return [Piece(g, frozenset(ignored)) for g in groups]
    return [piece]


def _select(pieces: list[Piece], limits: Limits) -> tuple[list[list[Method]], list[Piece]]:
    """The biggest piece stays; every other one moves when it is big enough and fits a mixin."""
    moving: list[list[Method]] = []
    staying = pieces[:1]
    for piece in pieces[1:]:
        movable = piece.movable
        if len(movable) >= limits.minimum and _fits_mixin(movable, limits):
            moving.append(movable)
        else:
            staying.append(piece)
    return moving, staying


def _bundle(
    pieces: list[Piece], moving: list[list[Method]], members: list[Method], class_lines: int, limits: Limits
) -> list[list[Method]]:
    """Small independent groups, in source order, packed into mixins until the class fits."""
    loose = sorted((m for p in pieces for m in p.movable), key=lambda m: m.start)
    bundles: list[list[Method]] = []
    current: list[Method] = []
    for member in loose:
        if current and not _fits_mixin([*current, member], limits):
            bundles.append(current)
            current = []
        current.append(member)
    if current:
        bundles.append(current)
    chosen: list[list[Method]] = []
    for group in sorted((b for b in bundles if len(b) >= limits.minimum), key=size, reverse=True):
        if fits(members, class_lines, moving + chosen, limits):
            break
        chosen.append(group)
    return chosen


def _fits_mixin(group: list[Method], limits: Limits) -> bool:
    # the mixin's module adds a docstring and imports: it must not become a god module
    return len(group) <= limits.max_methods and size(group) <= limits.max_lines * _FILL


def fits(members: list[Method], class_lines: int, moving: list[list[Method]], limits: Limits) -> bool:
    """True when the class is within its limits once ``moving`` has left."""
    moved = sum(len(g) for g in moving)
    return (
        len({m.name for m in members}) - moved <= limits.max_methods
        and class_lines - sum(size(g) for g in moving) <= limits.max_lines
    )
