"""The import graph of a repository, its import cycles and the cheapest edges to cut.

Only module-level runtime imports can break at import time, so cycles are the
strongly connected components of that graph. Imports inside functions or under
``if TYPE_CHECKING:`` form a second, informational layer. An edge is *unsafe* when
replaying the imports in the interpreter's order (:mod:`~gitupgrade.analysis.import_order`)
shows it failing for some module imported first; a cycle without one imports fine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from gitupgrade.analysis.cycle_cut import Pair, minimum_cut, shortest_cycle
from gitupgrade.analysis.facts import ModuleFacts
from gitupgrade.analysis.import_order import ImportFailure, import_failures
from gitupgrade.analysis.modules import ModuleIndex


@dataclass(frozen=True, slots=True)
class Edge:
    """One import statement from one repository module to another."""

    importer: str
    importer_path: str
    imported: str
    imported_path: str
    line: int
    statement: str
    names: tuple[str, ...]
    uses: int
    kind: str  # "module" | "function" | "type_checking"
    unsafe: bool  # it fails at import time for some module imported first
    deferrable: bool = True  # no imported name is read at module level, so the import can move into functions

    def to_dict(self) -> dict[str, Any]:
        """The contract's edge dict."""
        return {
            "importer": self.importer,
            "importer_path": self.importer_path,
            "imported": self.imported,
            "imported_path": self.imported_path,
            "line": self.line,
            "statement": self.statement,
            "names": list(self.names),
            "uses": self.uses,
            "kind": self.kind,
        }


@dataclass
class Cycle:
    """One strongly connected component of module-level imports."""

    modules: list[str]
    paths: list[str]
    unsafe: bool
    chain: list[Edge]
    cut: list[Edge]
    edges: list[Edge] = field(default_factory=list)
    # how it fails at import time (empty for a cycle that imports fine)
    failures: list[ImportFailure] = field(default_factory=list)

    def evidence(self) -> dict[str, Any]:
        """The ``circular_import`` evidence of the contract."""
        return {
            "cycle": self.modules,
            "paths": self.paths,
            "unsafe": self.unsafe,
            "chain": [e.to_dict() for e in self.chain],
            "cut": [e.to_dict() for e in self.cut],
            "failures": [f.to_dict() for f in self.failures],
        }


class ImportGraph:
    """Edges between repository modules, grouped by importer and imported module."""

    def __init__(self, edges: list[Edge], failures: list[ImportFailure] | None = None) -> None:
        self.edges = edges
        self.failures = failures or []
        self._pairs: dict[frozenset[str], dict[Pair, list[Edge]]] = {}
        self.path_of: dict[str, str] = {}
        for edge in edges:
            self.path_of[edge.importer] = edge.importer_path
            self.path_of[edge.imported] = edge.imported_path

    def pairs(self, kinds: Iterable[str]) -> dict[Pair, list[Edge]]:
        """Statements per (importer, imported) pair, for the given import kinds (computed once)."""
        wanted = frozenset(kinds)
        grouped = self._pairs.get(wanted)
        if grouped is None:
            grouped = defaultdict(list)
            for edge in self.edges:
                if edge.kind in wanted and edge.importer != edge.imported:
                    grouped[(edge.importer, edge.imported)].append(edge)
            self._pairs[wanted] = grouped
        return grouped

    def cycles(self, uncuttable: set[str] | None = None) -> list[Cycle]:
        """Module-level import cycles, unsafe ones first, each with a chain and the cheapest cut.

        ``uncuttable`` importers (generated files) are never proposed for a cut.
        """
        pairs = self.pairs(["module"])
        found: list[Cycle] = []
        for component in strongly_connected(pairs):
            members = set(component)
            inner = {pair: edges for pair, edges in pairs.items() if pair[0] in members and pair[1] in members}
            weights = {pair: _cut_weight(pair, edges, uncuttable) for pair, edges in inner.items()}
            cut_pairs = minimum_cut(sorted(members), weights)
            chain_pairs = shortest_cycle(sorted(members), set(inner)) or []
            modules = sorted(members)
            failures = [f for f in self.failures if f.importer in members and f.imported in members]
            found.append(
                Cycle(
                    modules=modules,
                    paths=[self.path_of[m] for m in modules],
                    unsafe=bool(failures),
                    chain=[inner[pair][0] for pair in chain_pairs],
                    cut=[edge for pair in cut_pairs for edge in inner[pair]],
                    edges=[edge for edges in inner.values() for edge in edges],
                    failures=failures,
                )
            )
        found.sort(key=lambda c: (not c.unsafe, -len(c.modules), c.modules))
        return found

    def deferred_cycles(self, runtime: list[Cycle]) -> list[dict[str, Any]]:
        """Cycles that exist only through function-level or TYPE_CHECKING imports (informational)."""
        pairs = self.pairs(["module", "function", "type_checking"])
        covered = [set(c.modules) for c in runtime]
        result: list[dict[str, Any]] = []
        for component in strongly_connected(pairs):
            members = set(component)
            if any(members == known for known in covered):
                continue
            deferred = sorted(
                {
                    e.kind
                    for pair, edges in pairs.items()
                    if pair[0] in members and pair[1] in members
                    for e in edges
                    if e.kind != "module"
                }
            )
            result.append(
                {"cycle": sorted(members), "paths": [self.path_of[m] for m in sorted(members)], "kinds": deferred}
            )
        result.sort(key=lambda c: (-len(c["cycle"]), c["cycle"]))
        return result


def _cut_weight(pair: Pair, edges: list[Edge], uncuttable: set[str] | None) -> int:
    """The cost of cutting an import pair: the references of the imported names to rewrite.

    An import whose names are read at module level cannot simply be deferred, nor can a
    package's import of what it re-exports, so these cost far more. Between equal costs an
    import of a module object (``from pkg import mod``) is cut before an import of names
    from a module: deferring it takes away only the importer's name for the module, while
    deferring ``from mod import func`` takes away ``importer.func``, which users patch
    (``mock.patch("importer.func")``). Then the unsafe import is cut first, since it is the
    one that fails at import time. A generated importer is never cut.
    """
    if uncuttable and pair[0] in uncuttable:
        return 10**9
    cost = 1 + 2 * sum(e.uses for e in edges)
    # a package __init__ re-exports what it imports: users reach the names through it
    if not all(e.deferrable for e in edges) or edges[0].importer_path.endswith("__init__.py"):
        cost += 10**6
    if not all(_binds_module_object(e) for e in edges):
        cost += 2
    if not any(e.unsafe for e in edges):
        cost += 1
    return cost


def _binds_module_object(edge: Edge) -> bool:
    """``import a.b``, or ``from a import b`` where ``a.b`` is the imported module."""
    if edge.statement.startswith("import "):
        return True
    return bool(edge.names) and all(edge.imported.endswith(f".{name}") for name in edge.names)


def build_graph(facts: Iterable[ModuleFacts], index: ModuleIndex) -> ImportGraph:
    """Resolve every import of every analysable file into edges between repository modules.

    Each module of a cycle is then imported first in a replay of the interpreter's order;
    the imports that fail there are the unsafe edges.
    """
    facts = list(facts)
    edges: list[Edge] = []
    for module in facts:
        if not module.analyzable:
            continue
        importer = index.name_of[module.path]
        for imp in module.imports:
            for target in index.resolve(module.path, imp):
                edges.append(
                    Edge(
                        importer,
                        module.path,
                        target.imported,
                        index.path_of[target.imported],
                        imp.line,
                        imp.statement,
                        target.names,
                        imp.uses,
                        imp.kind,
                        False,
                        not imp.module_level_use,
                    )
                )
    pairs = {(e.importer, e.imported) for e in edges if e.kind == "module" and e.importer != e.imported}
    entries = [m for component in strongly_connected(pairs) for m in component]
    failures = import_failures(facts, index, entries) if entries else []
    failing = {(f.importer, f.line, f.imported) for f in failures}
    edges = [replace(e, unsafe=True) if (e.importer, e.line, e.imported) in failing else e for e in edges]
    return ImportGraph(edges, failures)


def strongly_connected(pairs: Iterable[Pair]) -> list[list[str]]:
    """Components of two or more nodes (Tarjan's algorithm, iterative so deep graphs cannot overflow)."""
    graph: dict[str, list[str]] = defaultdict(list)
    for source, target in pairs:
        graph[source].append(target)
        graph.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components
