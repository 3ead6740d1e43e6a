"""Which methods of a god class move into a mixin, and how they are grouped.

The methods are first grouped by the instance attributes they share and the methods they
call on ``self`` (LCOM4 components); every group but the largest is a candidate when it
has at least ``minimum`` movable methods and is judged fit (it stands alone, it is
cohesive, it has a name). When no candidate brings the class under its limits, the
groups that stay are cut along their links: the attribute or method that most of them
share (``self.stream`` in a writer) says least about what belongs together, so it stops
counting, then the next, until the group falls apart. The fewest candidates that bring
the class under its limits move (one concept, at most two); each mixin is kept under the
limits itself, so a split never makes a new god class. A plan that cannot bring the
class under its limits moves nothing and says why: a partial split only moves code.

Members tied by a protocol or as twins (``__eq__``/``__hash__``, ``*_prev``/``*_next``,
see :mod:`.concepts`) are linked by a tie no cut undoes: they always land on the same
side. Section comments and handler prefixes link members too, but may be cut.
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

    @property
    def pinned(self) -> object:
        """Why it must stay in the class (falsy when it may move)."""

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


Rank = Callable[[list[M]], float]  # how good a group is as a component: the best moves first


def _unranked(group: Sequence[Method]) -> float:
    return 0.0


def plan_mixins(
    members: list[M],
    class_lines: int,
    limits: Limits,
    judge: Judge[M] = _fit,
    notes: list[str] | None = None,
    rank: Rank[M] = _unranked,
) -> tuple[list[list[M]], str]:
    """The groups to move, one mixin each, and why the class stays too big ('' if not).

    ``judge`` says why a group may not move ('' when it may); why the groups that stay
    were judged unfit goes to ``notes``. One concept is one upgrade: the fewest groups
    that bring the class under its limits move (one, at most :data:`MAX_GROUPS`), the
    best ``rank`` first; when no such choice exists nothing moves and the reason says
    what the groups that may move would leave.
    """
    verdicts: dict[frozenset[str], str] = {}

    def verdict(group: list[M]) -> str:
        key = frozenset(m.name for m in group)
        if key not in verdicts:
            verdicts[key] = judge(group)
        return verdicts[key]

    moving = _plan(members, class_lines, limits, verdict, rank)
    if notes is not None:
        moved = {m.name for g in moving[0] for m in g}
        notes += [v for k, v in verdicts.items() if v and not k & moved]
    return moving


# A reviewer reads one concept per change; two when the class holds two clear components.
MAX_GROUPS = 2


def _plan(
    members: list[M], class_lines: int, limits: Limits, judge: Judge[M], rank: Rank[M]
) -> tuple[list[list[M]], str]:
    pieces = [Piece(group) for group in components(members)]
    candidates: dict[frozenset[str], list[M]] = {}
    while True:
        for piece in pieces[1:]:  # the biggest piece is the class itself
            movable = piece.movable
            key = frozenset(m.name for m in movable)
            if key not in candidates and len(movable) >= limits.minimum and _fits_mixin(movable, limits):
                if not judge(movable):
                    candidates[key] = movable
        chosen = _fewest(list(candidates.values()), members, class_lines, limits, rank)
        if chosen:
            return chosen, ""
        breakable = [
            p
            for p in pieces
            if not p.solid and len(p.members) > 1 and frozenset(m.name for m in p.movable) not in candidates
        ]
        if not breakable:
            break
        target = max(breakable, key=lambda p: size(p.members))
        parts = cut(target, limits.minimum)
        if len(parts) < 2:
            target.solid = True
            continue
        pieces = sorted([p for p in pieces if p is not target] + parts, key=lambda p: _biggest_first(p.members))
    groups = sorted(candidates.values(), key=lambda g: min(m.start for m in g))
    left = len({m.name for m in members}) - sum(len(g) for g in groups)
    lines = class_lines - sum(size(g) for g in groups)
    if not groups:
        return [], (
            f"no group of at least {limits.minimum} methods stands alone apart from the main one "
            f"(limits {limits.max_methods} methods, {limits.max_lines} lines)"
        )
    named = "; ".join(", ".join(m.name for m in g[:3]) + (" ..." if len(g) > 3 else "") for g in groups[:3])
    return [], (
        f"moving the groups that stand alone ({named}) would leave about {left} methods and {lines} lines: "
        f"still over the limits ({limits.max_methods} methods, {limits.max_lines} lines)"
    )


def _fewest(
    candidates: list[list[M]], members: list[M], class_lines: int, limits: Limits, rank: Rank[M]
) -> list[list[M]]:
    """The fewest disjoint candidates that bring the class under its limits (best ranked first), or []."""
    ordered = sorted(candidates, key=lambda g: (-rank(g), size(g), min(m.start for m in g)))
    for group in ordered:
        if fits(members, class_lines, [group], limits):
            return [group]
    if MAX_GROUPS < 2:
        return []
    pairs = [
        [a, b]
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if not {m.name for m in a} & {m.name for m in b} and fits(members, class_lines, [a, b], limits)
    ]
    return pairs[0] if pairs else []


# How many of the most shared links are tried one by one at each step of a cut.
_SINGLE_TRIES = 8


def cut(piece: Piece[M], minimum: int) -> list[Piece[M]]:
    """``piece`` split by no longer counting its most shared links, or ``[piece]``.

    At each step the most shared links are first tried alone on top of what is already
    ignored (``self.out`` that one staying method reads back is the one link to cut),
    before the most shared one is given up for good and the next step begins.
    """
    # ties (``~...``) hold protocol partners and twins together: they are never cut
    tally = Counter(link for m in piece.members for link in links(m, piece.ignored) if not link.startswith("~"))
    order = [link for link, _ in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))]
    ignored: set[str] = set(piece.ignored)
    for at, link in enumerate(order):
        for single in [link, *order[at + 1 : at + _SINGLE_TRIES]]:
            groups = components(piece.members, frozenset(ignored | {single}))
            if len(groups) > 1 and any(len([m for m in g if not m.pinned]) >= minimum for g in groups[1:]):
                return [Piece(g, frozenset(ignored | {single})) for g in groups]
        ignored.add(link)
    return [piece]


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
