"""UpgradeManager: queue, execute in the core_v2 worktree, validate, deploy, roll back.

Imports are lazy: ``status`` and ``diff`` do not load validation, static checks and the
surface probe, which only ``run`` needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitupgrade.manager.attempt import UpgradeOutcome
    from gitupgrade.manager.manager import RunReport, ScanOutcome, UpgradeManager
    from gitupgrade.manager.rollback import RollbackOutcome

_PUBLIC = {
    "UpgradeOutcome": "gitupgrade.manager.attempt",
    "RunReport": "gitupgrade.manager.manager",
    "ScanOutcome": "gitupgrade.manager.manager",
    "UpgradeManager": "gitupgrade.manager.manager",
    "RollbackOutcome": "gitupgrade.manager.rollback",
}

__all__ = ["RollbackOutcome", "RunReport", "ScanOutcome", "UpgradeManager", "UpgradeOutcome"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
