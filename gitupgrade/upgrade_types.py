"""The one table of upgrade types: every other place that needs to know the types reads it.

A type is a smell the analyzer finds (its rule module under ``analysis/smells/``) and,
when it can be fixed by rule, the strategy that fixes it (under ``refactor/strategies/``).
Adding a type means adding its rule module, its strategy module, and one row here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UpgradeType:
    """Everything the parts need to know about one kind of upgrade."""

    name: str
    description: str
    # The module of ``gitupgrade.analysis.smells`` that finds it.
    rule: str
    # The risk of its suggestions before learning or a language model changes it.
    default_risk: str
    # ``"module:Class"`` of the rule strategy that fixes it; None when only a model can.
    strategy: str | None = None
    # ``"module:function"`` telling from the evidence alone why a case can never apply.
    precheck: str | None = None
    # Sent to the language model whenever one is configured (no rule rewrites it).
    llm: bool = False
    # Its list among the global issues of ``analyze_codebase``, if it has one.
    report_key: str | None = None


_STRATEGIES = "gitupgrade.refactor.strategies"

UPGRADE_TYPES: tuple[UpgradeType, ...] = (
    UpgradeType(
        "circular_import",
        "Modules that import each other at module level, directly or through others",
        rule="circular_import",
        default_risk="low",
        strategy=f"{_STRATEGIES}.circular_import:CircularImportStrategy",
        # cycles that import fine are report-only: never queued
        precheck=f"{_STRATEGIES}.cycle_scope:precheck",
        report_key="circular_imports",
    ),
    UpgradeType(
        "god_class",
        "A class with more methods or lines than the configured limits",
        rule="god_class",
        default_risk="medium",
        strategy=f"{_STRATEGIES}.god_class:GodClassStrategy",
    ),
    UpgradeType(
        "god_module",
        "A module with more lines or top-level definitions than the configured limits",
        rule="god_module",
        default_risk="medium",
        strategy=f"{_STRATEGIES}.god_module:GodModuleStrategy",
    ),
    UpgradeType(
        "duplicate_pattern",
        "The same function or statement run copied, exactly or with renamed identifiers",
        rule="duplicate_pattern",
        default_risk="low",
        strategy=f"{_STRATEGIES}.duplicate_pattern:DuplicatePatternStrategy",
        precheck=f"{_STRATEGIES}.duplicate_scope:precheck",
        report_key="duplicate_patterns",
    ),
    UpgradeType(
        "complex_function",
        "A function whose cyclomatic complexity or nesting depth is over the limit",
        rule="complex_function",
        default_risk="medium",
        llm=True,
    ),
    UpgradeType(
        "architectural_violation",
        "An import from a lower layer into a higher one of analysis.layers",
        rule="architectural_violation",
        default_risk="high",
        report_key="architectural_violations",
    ),
)

BY_NAME: dict[str, UpgradeType] = {t.name: t for t in UPGRADE_TYPES}
# Every type's name, in the table's order (the order scans run their rules in).
TYPE_NAMES: tuple[str, ...] = tuple(BY_NAME)


def llm_type(name: str) -> bool:
    """Whether the model takes ``name`` whenever one is configured (unknown types: no)."""
    row = BY_NAME.get(name)
    return row is not None and row.llm
