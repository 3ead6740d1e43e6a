"""Duplicate functions and statement runs across the repository, from cached fingerprints.

Functions are grouped by their renamed fingerprint (identifiers and literals
normalised); a group is ``exact`` when the plain text matches too. Statement
runs come as overlapping windows (one per starting statement): equal windows
make a clone, which grows through the following windows of every copy while
those are equal too, so a long copied run is one clone, not one per line.
Blocks inside a reported function clone are dropped (the function clone
already says it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from gitupgrade.analysis.facts import BlockFacts, ModuleFacts


@dataclass
class Location:
    """One copy: file, dotted module, qualified function name (None for a block), lines."""

    path: str
    module: str
    name: str | None
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """The contract's location dict."""
        return {"path": self.path, "module": self.module, "name": self.name, "start": self.start, "end": self.end}


@dataclass
class Clone:
    """A group of two or more copies of the same code."""

    kind: str  # "function" | "block"
    exact: bool
    locations: list[Location]

    @property
    def lines(self) -> int:
        """Lines of the copy to keep."""
        first = self.locations[0]
        return first.end - first.start + 1

    def evidence(self) -> dict[str, Any]:
        """The ``duplicate_pattern`` evidence of the contract."""
        return {
            "kind": self.kind,
            "exact": self.exact,
            "lines": self.lines,
            "locations": [loc.to_dict() for loc in self.locations],
        }


def _disjoint(locations: list[tuple[Location, str]]) -> list[tuple[Location, str]]:
    """Drop copies that overlap an earlier copy in the same file (sliding repetitions)."""
    kept: list[tuple[Location, str]] = []
    for loc, exact in sorted(locations, key=lambda item: (item[0].path, item[0].start)):
        if not any(k.path == loc.path and k.end >= loc.start for k, _ in kept):
            kept.append((loc, exact))
    return kept


def _covered(loc: Location, ranges: dict[str, list[tuple[int, int]]]) -> bool:
    return any(start <= loc.start and loc.end <= end for start, end in ranges.get(loc.path, ()))


def find_clones(facts: Iterable[ModuleFacts], names: dict[str, str]) -> list[Clone]:
    """Every duplicate function and block, largest first."""
    modules = list(facts)
    # Group cheap tuples first: most fingerprints are unique and never become a Location.
    functions: dict[str, list[tuple[str, str | None, int, int, str]]] = defaultdict(list)
    for module in modules:
        for func in module.functions:
            if func.renamed:
                functions[func.renamed].append((module.path, func.name, func.line, func.end_line, func.exact))

    clones: list[Clone] = []
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    function_groups = [
        _disjoint([(Location(p, names[p], n, a, b), e) for p, n, a, b, e in group])
        for group in functions.values()
        if len(group) > 1
    ]
    function_groups.sort(key=lambda g: (-(g[0][0].end - g[0][0].start) if g else 0, [loc.path for loc, _ in g]))
    for group in function_groups:
        if len(group) < 2 or all(_covered(loc, covered) for loc, _ in group):
            continue
        clones.append(Clone("function", len({exact for _, exact in group}) == 1, [loc for loc, _ in group]))
        for loc, _ in group:
            covered[loc.path].append((loc.start, loc.end))
    clones.extend(_block_clones(modules, names, covered))
    clones.sort(key=lambda c: (-c.lines * (len(c.locations) - 1), c.locations[0].path, c.locations[0].start))
    return clones


def _block_clones(
    modules: list[ModuleFacts], names: dict[str, str], covered: dict[str, list[tuple[int, int]]]
) -> list[Clone]:
    """Clones of statement runs: equal windows, each extended through the following equal windows."""
    windows = {m.path: m.blocks for m in modules if m.blocks}
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for path, blocks in windows.items():
        for index, block in enumerate(blocks):
            groups[block.renamed].append((path, index))
    consumed: set[tuple[str, int]] = set()
    found: list[Clone] = []
    for members in sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0]):
        places = _disjoint_windows([m for m in members if m not in consumed], windows)
        if len(places) < 2:
            continue
        consumed.update(places)
        ends, exact = _grow(places, windows, consumed)
        locations = [
            Location(p, names[p], None, windows[p][i].start, end) for (p, i), end in zip(places, ends, strict=False)
        ]
        if not all(_covered(loc, covered) for loc in locations):
            found.append(Clone("block", exact, locations))
    return found


def _grow(
    places: list[tuple[str, int]], windows: dict[str, list[BlockFacts]], consumed: set[tuple[str, int]]
) -> tuple[list[int], bool]:
    """Extend every copy through its next windows while those are equal too and still touch it.

    Returns the copies' last lines and whether every step matched exactly.
    """
    ends = [windows[p][i].end for p, i in places]
    exact = len({windows[p][i].exact for p, i in places}) == 1
    tails = list(places)
    while True:
        nxt = [(p, i + 1) for p, i in tails]
        if not all(i < len(windows[p]) and (p, i) not in consumed for p, i in nxt):
            return ends, exact
        blocks = [windows[p][i] for p, i in nxt]
        same = len({b.renamed for b in blocks}) == 1
        touching = all(
            b.run == windows[p][i - 1].run and b.start <= end + 1
            for b, (p, i), end in zip(blocks, nxt, ends, strict=False)
        )
        new_ends = [b.end for b in blocks]
        if not (same and touching) or _overlapping(places, windows, new_ends):
            return ends, exact
        ends, tails = new_ends, nxt
        exact = exact and len({b.exact for b in blocks}) == 1
        consumed.update(nxt)


def _disjoint_windows(members: list[tuple[str, int]], windows: dict[str, list[BlockFacts]]) -> list[tuple[str, int]]:
    """Members whose windows do not overlap an earlier member's window in the same file."""
    kept: list[tuple[str, int]] = []
    last_end: dict[str, int] = {}
    for path, index in sorted(members, key=lambda m: (m[0], windows[m[0]][m[1]].start)):
        block = windows[path][index]
        if block.start > last_end.get(path, 0):
            kept.append((path, index))
            last_end[path] = block.end
    return kept


def _overlapping(places: list[tuple[str, int]], windows: dict[str, list[BlockFacts]], ends: list[int]) -> bool:
    """Whether growing the copies to ``ends`` would make two copies in one file overlap."""
    spans = sorted((p, windows[p][i].start, end) for (p, i), end in zip(places, ends, strict=False))
    return any(a[0] == b[0] and b[1] <= a[2] for a, b in pairwise(spans))
