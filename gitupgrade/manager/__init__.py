"""UpgradeManager: queue, execute in the core_v2 worktree, validate, deploy, roll back."""

from __future__ import annotations

from gitupgrade.manager.execute import UpgradeOutcome
from gitupgrade.manager.manager import RunReport, ScanOutcome, UpgradeManager
from gitupgrade.manager.rollback import RollbackOutcome

__all__ = ["RollbackOutcome", "RunReport", "ScanOutcome", "UpgradeManager", "UpgradeOutcome"]
