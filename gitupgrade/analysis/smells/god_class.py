"""god_class: a class with too many methods or too many lines."""

from __future__ import annotations

from collections.abc import Iterator

from gitupgrade.analysis.smells.base import Finding, ScanContext, over_limit, ratio

TYPE = "god_class"


def find(context: ScanContext) -> Iterator[Finding]:
    """Classes over ``god_class_max_methods`` methods or ``god_class_max_lines`` lines."""
    max_methods = context.thresholds["god_class_max_methods"]
    max_lines = context.thresholds["god_class_max_lines"]
    for module in context.facts:
        for cls in module.classes:
            if cls.methods <= max_methods and cls.lines <= max_lines:
                continue
            severity, strength = over_limit(
                max(ratio(cls.methods, max_methods), ratio(cls.lines, max_lines)), "medium", "high"
            )
            cohesion = f"; its methods form {cls.lcom4} unrelated groups (LCOM4)" if cls.lcom4 > 1 else ""
            yield Finding(
                type=TYPE,
                title=f"Split class {cls.name} in {module.path}",
                description=(
                    f"{cls.name} has {cls.methods} methods and {cls.lines} lines "
                    f"(limits {max_methods} methods, {max_lines} lines){cohesion}."
                ),
                affected_modules=(module.path,),
                evidence={
                    "path": module.path,
                    "module": context.names[module.path],
                    "class": cls.name,
                    "line": cls.line,
                    "end_line": cls.end_line,
                    "methods": cls.methods,
                    "lines": cls.lines,
                    "lcom4": cls.lcom4,
                },
                severity=severity,
                strength=strength,
                key=(module.path, cls.name),
            )
