"""The cheapest set of imports to cut so a cycle disappears (a weighted minimum feedback arc set).

Like grimp's ``nominate_cycle_breakers``: the problem is NP-hard in general, but
import cycles are small. A greedy ordering (Eades, Lin and Smyth) gives a first
answer, redundant cuts are put back, and a bounded branch-and-bound search over
the edges of remaining cycles improves it when the component is small enough.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from itertools import pairwise

Pair = tuple[str, str]

# Branch-and-bound is exact but exponential: only for components this small, within this many steps.
_EXACT_MAX_EDGES = 40
_EXACT_MAX_STEPS = 4000


def _adjacency(edges: Iterable[Pair]) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        graph[source].append(target)
    return graph


def find_cycle(nodes: list[str], edges: set[Pair]) -> list[Pair] | None:
    """Any cycle of the graph as a list of edges, or None when it is acyclic."""
    graph = _adjacency(sorted(edges))
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in nodes:
        if root in state:
            continue
        path: list[str] = [root]
        work = [iter(graph[root])]
        state[root] = 1
        while work:
            for child in work[-1]:
                if state.get(child) == 1:
                    loop = path[path.index(child) :] + [child]
                    return list(pairwise(loop))
                if child not in state:
                    state[child] = 1
                    path.append(child)
                    work.append(iter(graph[child]))
                    break
            else:
                state[path.pop()] = 2
                work.pop()
    return None


def shortest_cycle(nodes: list[str], edges: set[Pair]) -> list[Pair] | None:
    """The shortest cycle (ties: the first start node by name), as edges in order."""
    graph = _adjacency(sorted(edges))
    best: list[str] | None = None
    for start in nodes:
        parent: dict[str, str] = {}
        queue = deque([start])
        seen = {start}
        found = False
        while queue and not found:
            node = queue.popleft()
            for child in graph[node]:
                if child == start:
                    walk = [node]
                    while walk[-1] != start:
                        walk.append(parent[walk[-1]])
                    loop = [*reversed(walk), start]
                    if best is None or len(loop) < len(best):
                        best = loop
                    found = True
                    break
                if child not in seen:
                    seen.add(child)
                    parent[child] = node
                    queue.append(child)
    return list(pairwise(best)) if best else None


def _greedy(nodes: list[str], weights: dict[Pair, int]) -> set[Pair]:
    out_w: dict[str, dict[str, int]] = defaultdict(dict)
    in_w: dict[str, dict[str, int]] = defaultdict(dict)
    for (source, target), weight in weights.items():
        out_w[source][target] = weight
        in_w[target][source] = weight
    remaining = set(nodes)
    head: list[str] = []
    tail: list[str] = []

    def remove(node: str) -> None:
        remaining.discard(node)
        for target in out_w[node]:
            in_w[target].pop(node, None)
        for source in in_w[node]:
            out_w[source].pop(node, None)

    while remaining:
        sinks = sorted(n for n in remaining if not out_w[n])
        sources = sorted(n for n in remaining if not in_w[n])
        if sinks:
            tail.extend(sinks[:1])
            remove(sinks[0])
        elif sources:
            head.append(sources[0])
            remove(sources[0])
        else:
            best = max(sorted(remaining), key=lambda n: sum(out_w[n].values()) - sum(in_w[n].values()))
            head.append(best)
            remove(best)
    order = {node: i for i, node in enumerate([*head, *reversed(tail)])}
    cut = {pair for pair in weights if order[pair[1]] <= order[pair[0]]}
    # Put back every cut edge that no longer closes a cycle, heaviest first.
    for pair in sorted(cut, key=lambda p: (-weights[p], p)):
        kept = (set(weights) - cut) | {pair}
        if find_cycle(nodes, kept) is None:
            cut.discard(pair)
    return cut


def minimum_cut(nodes: list[str], weights: dict[Pair, int]) -> list[Pair]:
    """Edges whose removal leaves the component acyclic, of least total weight; cheapest first."""
    best = _greedy(nodes, weights)
    best_cost = sum(weights[p] for p in best)
    if len(weights) <= _EXACT_MAX_EDGES:
        steps = 0
        all_edges = set(weights)

        def search(removed: frozenset[Pair], cost: int) -> None:
            nonlocal best, best_cost, steps
            steps += 1
            if steps > _EXACT_MAX_STEPS or cost >= best_cost:
                return
            cycle = find_cycle(nodes, all_edges - removed)
            if cycle is None:
                best, best_cost = set(removed), cost
                return
            for pair in sorted(cycle, key=lambda p: (weights[p], p)):
                search(removed | {pair}, cost + weights[pair])

        search(frozenset(), 0)
    return sorted(best, key=lambda p: (weights[p], p))
