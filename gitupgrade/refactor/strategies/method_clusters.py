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

Members tied by a protocol or as twins (``__eq__``/``__hash__``, ``*_prev``/``*_next``,
see :mod:`.concepts`) are linked by a tie no cut undoes: they always land on the same
side. Section comments and handler prefixes link members too, but may be cut. Every
group that would move is first judged (cohesion, a name): a group judged unfit stays,
with the reason, and the plan goes on without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from gitupgrade.analysis.linked import linked_groups


class Method(Protocol):
    """What clustering needs of a class member."""

    name: str
    attrs: set[str]
    ties: set[str]  # protocol and twin ties (``~comparison``): never cut
    affinity: set[str]  # section and handler-prefix links: cut like attributes
    pinned: str
    start: int
    end: int


_FILL = 0.85  # a mixin holds at most this share of the line limit


# The member type a caller clusters (god_class's Member): plans come back in the caller's own type.
M = TypeVar("M", bound=Method)


@dataclass(frozen=True)
class Limits:
    """The god class limits and the smallest group worth a mixin."""

    max_methods: int
    max_lines: int
    minimum: int


@dataclass
class Piece(Generic[M]):
    """A group of members, and the links no longer counted when it was cut."""

    members: list[M]
    ignored: frozenset[str] = field(default_factory=frozenset)
    solid: bool = False  # cutting it further gives nothing worth a mixin

    @property
    def movable(self) -> list[M]:
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
    """What ties a member to others: its attributes, its own name (a self-call) and its ties, minus ``ignored``.

    A constructor and the like touch every attribute: only their protocol ties count.
    """
    if member.name in WHOLE_OBJECT:
        return set(member.ties)
    return ((member.attrs | member.affinity | {member.name}) - ignored) | member.ties


def components(members: list[M], ignored: frozenset[str] = frozenset()) -> list[list[M]]:
    """Members connected by shared attributes or self-calls (minus ``ignored``); biggest first."""
    groups = [[members[i] for i in group] for group in linked_groups([links(m, ignored) for m in members])]
    return sorted(groups, key=_biggest_first)


def _biggest_first(members: list[M]) -> tuple[int, int]:
    return -size(members), members[0].start


Judge = Callable[[list[M]], str]  # a verdict on a group: '' when it may move


def _fit(group: Sequence[Method]) -> str:
    """Every group may move: no judgement beyond size."""
    return ""


def plan_mixins(
    members: list[M], class_lines: int, limits: Limits, judge: Judge[M] = _fit, notes: list[str] | None = None
) -> tuple[list[list[M]], str]:
    """The groups of movable members to move, one mixin each, and why the class stays too big ('' if not).

    ``judge`` says why a group may not move ('' when it may); why the groups that stay
    were judged unfit goes to ``notes``.
    """
    verdicts: dict[frozenset[str], str] = {}

    def verdict(group: list[M]) -> str:
        key = frozenset(m.name for m in group)
        if key not in verdicts:
            verdicts[key] = judge(group)
        return verdicts[key]

    moving = _plan(members, class_lines, limits, verdict)
    if notes is not None:
        moved = {m.name for g in moving[0] for m in g}
        notes += [v for k, v in verdicts.items() if v and not k & moved]
    return moving


def _plan(members: list[M], class_lines: int, limits: Limits, judge: Judge[M]) -> tuple[list[list[M]], str]:
    pieces = [Piece(group) for group in components(members)]
    while True:
        moving, staying = _select(pieces, limits, judge)
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
    if len(main) >= limits.minimum and _fits_mixin(main, limits) and not judge(main):
        moving.append(main)  # the class keeps its constructor and whatever cannot move
    if not fits(members, class_lines, moving, limits):
        moving += _bundle(staying[1:], moving, members, class_lines, limits, judge)
    if fits(members, class_lines, moving, limits):
        return moving, ""
    left = len({m.name for m in members}) - sum(len(g) for g in moving)
    lines = class_lines - sum(size(g) for g in moving)
    return moving, (
        f"moving every group that can move leaves {left} methods and about {lines} lines "
        f"(limits {limits.max_methods} methods, {limits.max_lines} lines)"
    )


def cut(piece: Piece[M], minimum: int) -> list[Piece[M]]:
    """``piece`` split by no longer counting its most shared links, or ``[piece]``."""
    # ties (``~...``) hold protocol partners and twins together: they are never cut
    tally = Counter(link for m in piece.members for link in links(m, piece.ignored) if not link.startswith("~"))
    ignored = set(piece.ignored)
    for link, _ in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])):
        ignored.add(link)
        groups = components(piece.members, frozenset(ignored))
        if len(groups) > 1 and any(len([m for m in g if not m.pinned]) >= minimum for g in groups[1:]):
            return [Piece(g, frozenset(ignored)) for g in groups]
    return [piece]


def _select(pieces: list[Piece[M]], limits: Limits, judge: Judge[M]) -> tuple[list[list[M]], list[Piece[M]]]:
    """The biggest piece stays; every other one moves when it is big enough, fits a mixin and is judged fit."""
    moving: list[list[M]] = []
    staying = pieces[:1]
    for piece in pieces[1:]:
        movable = piece.movable
        if len(movable) >= limits.minimum and _fits_mixin(movable, limits) and not judge(movable):
            moving.append(movable)
        else:
            staying.append(piece)
    return moving, staying


def _bundle(
    pieces: list[Piece[M]],
    moving: list[list[M]],
    members: list[M],
    class_lines: int,
    limits: Limits,
    judge: Judge[M],
) -> list[list[M]]:
    """Small independent groups, in source order, packed into mixins until the class fits.

    Whole groups are packed (tied partners never part), and a bundle moves only when
    judged fit: a grab-bag of unrelated methods has no cohesion and no name.
    """
    loose = sorted((p.movable for p in pieces if p.movable), key=lambda g: min(m.start for m in g))
    bundles: list[list[M]] = []
    current: list[M] = []
    for piece in loose:
        if current and not _fits_mixin([*current, *piece], limits):
            bundles.append(current)
            current = []
        current.extend(piece)
    if current:
        bundles.append(current)
    chosen: list[list[M]] = []
    fit = (b for b in bundles if len(b) >= limits.minimum and _fits_mixin(b, limits) and not judge(b))
    for group in sorted(fit, key=size, reverse=True):
        if fits(members, class_lines, moving + chosen, limits):
            break
        chosen.append(group)
    return chosen


def _fits_mixin(group: list[M], limits: Limits) -> bool:
    # the mixin's module adds a docstring and imports: it must not become a god module
    return len(group) <= limits.max_methods and size(group) <= limits.max_lines * _FILL


def fits(members: list[M], class_lines: int, moving: list[list[M]], limits: Limits) -> bool:
    """True when the class is within its limits once ``moving`` has left."""
    moved = sum(len(g) for g in moving)
    return (
        len({m.name for m in members}) - moved <= limits.max_methods
        and class_lines - sum(size(g) for g in moving) <= limits.max_lines
    )
