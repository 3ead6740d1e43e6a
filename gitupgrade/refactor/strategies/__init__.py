"""Rule-based strategies, one module each; each registers its class here by import path."""

from __future__ import annotations

from gitupgrade.refactor.registry import register

register(
    "circular_import",
    "gitupgrade.refactor.strategies.circular_import:CircularImportStrategy",
    # cycles that import fine are report-only: never queued
    precheck="gitupgrade.refactor.strategies.circular_import:precheck",
)
register("god_module", "gitupgrade.refactor.strategies.god_module:GodModuleStrategy")
register("god_class", "gitupgrade.refactor.strategies.god_class:GodClassStrategy")
register(
    "duplicate_pattern",
    "gitupgrade.refactor.strategies.duplicate_pattern:DuplicatePatternStrategy",
    precheck="gitupgrade.refactor.strategies.duplicate_scope:precheck",
)
