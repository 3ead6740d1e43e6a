"""Coupling metrics (afferent, efferent, instability) and layer contracts.

Ca of a module is how many other repository modules import it, Ce how many it
imports, instability ``Ce / (Ca + Ce)`` (Robert C. Martin). Per package the
same counts cross the package's boundary. Layers follow import-linter's
``layers`` contract: an ordered list, highest first; a module of a lower layer
importing one of a higher layer is a violation. TYPE_CHECKING-only imports do
not count: they never run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gitupgrade.analysis.graph import Edge, ImportGraph

_RUNTIME_KINDS = ("module", "function")


@dataclass(frozen=True, slots=True)
class Coupling:
    """Afferent and efferent coupling of a module or package."""

    afferent: int
    efferent: int

    @property
    def instability(self) -> float:
        """``Ce / (Ca + Ce)``; 0 for an isolated module."""
        total = self.afferent + self.efferent
        return round(self.efferent / total, 3) if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the report."""
        return {"ca": self.afferent, "ce": self.efferent, "instability": self.instability}


def _package(module: str, path: str) -> str:
    if path.endswith("__init__.py"):
        return module
    return module.rpartition(".")[0] or module


def module_coupling(graph: ImportGraph) -> dict[str, Coupling]:
    """Coupling of every module that imports or is imported by another."""
    incoming: dict[str, set[str]] = defaultdict(set)
    outgoing: dict[str, set[str]] = defaultdict(set)
    for importer, imported in graph.pairs(_RUNTIME_KINDS):
        outgoing[importer].add(imported)
        incoming[imported].add(importer)
    return {m: Coupling(len(incoming[m]), len(outgoing[m])) for m in sorted(set(incoming) | set(outgoing))}


def package_coupling(graph: ImportGraph) -> dict[str, Coupling]:
    """Coupling of every package across its boundary (modules outside importing in, and out)."""
    incoming: dict[str, set[str]] = defaultdict(set)
    outgoing: dict[str, set[str]] = defaultdict(set)
    for (importer, imported), edges in graph.pairs(_RUNTIME_KINDS).items():
        source = _package(importer, edges[0].importer_path)
        target = _package(imported, edges[0].imported_path)
        if source == target or imported.startswith(source + ".") or importer.startswith(target + "."):
            continue  # inside one package, or a package and its own subpackages
        outgoing[source].add(imported)
        incoming[target].add(importer)
    return {p: Coupling(len(incoming[p]), len(outgoing[p])) for p in sorted(set(incoming) | set(outgoing))}


def _layer_of(module: str, layers: Sequence[str]) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for position, prefix in enumerate(layers):
        matches = module == prefix or module.startswith(prefix + ".")
        if matches and (best is None or len(prefix) > best[0]):
            best = (len(prefix), position)
    return None if best is None else best[1]


def layer_violations(graph: ImportGraph, layers: Sequence[str]) -> list[tuple[Edge, str, str]]:
    """Runtime imports from a lower layer into a higher one, with both layer names."""
    if not layers:
        return []
    found: list[tuple[Edge, str, str]] = []
    for edge in graph.edges:
        if edge.kind not in _RUNTIME_KINDS:
            continue
        source = _layer_of(edge.importer, layers)
        target = _layer_of(edge.imported, layers)
        # Highest layer first: a larger index is a lower layer, which must not import upward.
        if source is not None and target is not None and source > target:
            found.append((edge, layers[source], layers[target]))
    found.sort(key=lambda item: (item[0].importer_path, item[0].line, item[0].imported))
    return found
