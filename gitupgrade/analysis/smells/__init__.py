"""The smell rules registry: one module per smell, each declaring TYPE, DESCRIPTION, DEFAULT_RISK.

Adding a smell means adding one module here and its name to ``RULE_MODULES``.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

RULE_MODULES = (
    "circular_import",
    "god_class",
    "god_module",
    "duplicate_pattern",
    "complex_function",
    "architectural_violation",
)


def rules() -> list[ModuleType]:
    """Every rule module, in registry order."""
    return [import_module(f"{__name__}.{name}") for name in RULE_MODULES]


def default_risk(smell_type: str) -> str:
    """The declared default risk of a smell type."""
    for rule in rules():
        if rule.TYPE == smell_type:
            return str(rule.DEFAULT_RISK)
    raise KeyError(smell_type)
