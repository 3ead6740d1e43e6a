"""gitupgrade: ``git upgrade`` keeps a Python codebase's architecture healthy.

The public API (the classes of the spec) is importable from here; imports are
lazy so that ``git upgrade status`` does not pay for libcst.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "ArchitectAnalyzer": "gitupgrade.analysis",
    "CodeRefactorer": "gitupgrade.refactor",
    "UpgradeManager": "gitupgrade.manager",
    "UpgradeLedger": "gitupgrade.ledger",
    "Suggestion": "gitupgrade.suggestion",
    "load_config": "gitupgrade.config",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'gitupgrade' has no attribute {name!r}")
