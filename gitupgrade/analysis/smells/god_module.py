"""god_module: a module with too many lines or top-level definitions."""

from __future__ import annotations

from collections.abc import Iterator

from gitupgrade.analysis.smells.base import Finding, ScanContext, over_limit, ratio

TYPE = "god_module"


def find(context: ScanContext) -> Iterator[Finding]:
    """Modules over ``god_module_max_lines`` lines or ``god_module_max_definitions`` definitions."""
    max_lines = context.thresholds["god_module_max_lines"]
    max_defs = context.thresholds["god_module_max_definitions"]
    for module in context.facts:
        if module.total_lines <= max_lines and module.definitions <= max_defs:
            continue
        severity, strength = over_limit(
            max(ratio(module.total_lines, max_lines), ratio(module.definitions, max_defs)), "medium", "high"
        )
        yield Finding(
            type=TYPE,
            title=f"Split module {module.path}",
            description=(
                f"{module.path} has {module.total_lines} lines and {module.definitions} top-level "
                f"definitions (limits {max_lines} lines, {max_defs} definitions)."
            ),
            affected_modules=(module.path,),
            evidence={
                "path": module.path,
                "module": context.names[module.path],
                "lines": module.total_lines,
                "definitions": module.definitions,
            },
            severity=severity,
            strength=strength,
            key=(module.path,),
        )
