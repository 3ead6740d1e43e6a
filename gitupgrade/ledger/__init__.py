"""The UpgradeLedger: the audit trail as git notes, indexed in SQLite."""

from __future__ import annotations

from gitupgrade.ledger.events import SCHEMA_VERSION, InvalidEventError
from gitupgrade.ledger.ledger import UpgradeLedger
from gitupgrade.ledger.state import UpgradeRecord

__all__ = ["SCHEMA_VERSION", "InvalidEventError", "UpgradeLedger", "UpgradeRecord"]
