"""The UpgradeLedger: the audit trail as git notes, indexed in SQLite.

Imports are lazy: a command that only escapes text (``ledger.text``) or reads one
module does not load the whole ledger.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitupgrade.ledger.events import SCHEMA_VERSION, InvalidEventError
    from gitupgrade.ledger.ledger import UpgradeLedger
    from gitupgrade.ledger.state import UpgradeRecord

_PUBLIC = {
    "SCHEMA_VERSION": "gitupgrade.ledger.events",
    "InvalidEventError": "gitupgrade.ledger.events",
    "UpgradeLedger": "gitupgrade.ledger.ledger",
    "UpgradeRecord": "gitupgrade.ledger.state",
}

__all__ = ["SCHEMA_VERSION", "InvalidEventError", "UpgradeLedger", "UpgradeRecord"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
