"""The smell rules: one module per smell, named in the table of upgrade types."""

from __future__ import annotations

from importlib import import_module
from typing import cast

from gitupgrade.analysis.smells.base import Rule
from gitupgrade.upgrade_types import UPGRADE_TYPES, UpgradeType


def rules() -> list[tuple[UpgradeType, Rule]]:
    """Every type with the rule module that finds it, in the table's order."""
    return [(row, cast(Rule, import_module(f"{__name__}.{row.rule}"))) for row in UPGRADE_TYPES]
