"""circular_import: a cycle of module-level imports, with a concrete chain and the cheapest cut."""

from __future__ import annotations

from collections.abc import Iterator

from gitupgrade.analysis.smells.base import Finding, ScanContext

TYPE = "circular_import"


def find(context: ScanContext) -> Iterator[Finding]:
    """One finding per strongly connected component; cycles that fail at import time rank above the others."""
    for cycle in context.cycles:
        cut_paths = list(dict.fromkeys(edge.importer_path for edge in cycle.cut))
        affected = tuple(dict.fromkeys([*cut_paths, *cycle.paths]))
        chain = " -> ".join([*(e.importer for e in cycle.chain), cycle.chain[0].importer]) if cycle.chain else ""
        cut = "; ".join(f"{e.importer_path}:{e.line} {e.statement}" for e in cycle.cut[:3])
        nature = (
            f"unsafe: {cycle.failures[0].describe()}"
            if cycle.failures
            else "imports fine: in every import order each name is bound before it is read"
        )
        yield Finding(
            type=TYPE,
            title=f"Break the import cycle {_names(cycle.modules)}",
            description=f"Cycle {chain} ({nature}). Cheapest cut: {cut}.",
            affected_modules=affected,
            evidence=cycle.evidence(),
            severity="high" if cycle.unsafe else "medium",
            # Larger cycles first; every unsafe cycle stays in the upper half of its band.
            strength=(0.5 if cycle.unsafe else 0.0) + min(0.5, len(cycle.modules) / 40),
            key=tuple(cycle.modules),
        )


def _names(modules: tuple[str, ...] | list[str]) -> str:
    # Short enough for a commit title: up to three modules, then how many more.
    shown = ", ".join(modules[:3])
    more = len(modules) - 3
    return f"{shown} (+{more} more)" if more > 0 else shown
