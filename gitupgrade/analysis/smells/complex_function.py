"""complex_function: cyclomatic complexity over McCabe's threshold, or deep nesting."""

from __future__ import annotations

from collections.abc import Iterator

from gitupgrade.analysis.smells.base import Finding, ScanContext, over_limit, ratio

TYPE = "complex_function"


def find(context: ScanContext) -> Iterator[Finding]:
    """Functions over ``complexity_threshold`` or nested deeper than ``max_nesting_depth``."""
    limit = context.thresholds["complexity_threshold"]
    max_depth = context.thresholds["max_nesting_depth"]
    for module in context.facts:
        for func in module.functions:
            if func.complexity <= limit and func.nesting <= max_depth:
                continue
            severity, strength = over_limit(
                max(ratio(func.complexity, limit), ratio(func.nesting, max_depth)), "low", "medium"
            )
            yield Finding(
                type=TYPE,
                title=f"Simplify {func.name} in {module.path}",
                description=(
                    f"{func.name} has cyclomatic complexity {func.complexity} (limit {limit}) "
                    f"and nesting depth {func.nesting} (limit {max_depth})."
                ),
                affected_modules=(module.path,),
                evidence={
                    "path": module.path,
                    "module": context.names[module.path],
                    "function": func.name,
                    "line": func.line,
                    "end_line": func.end_line,
                    "complexity": func.complexity,
                    "nesting": func.nesting,
                },
                severity=severity,
                strength=strength,
                key=(module.path, func.name),
            )
