"""Rule-based strategies, one module each; each registers its class here by import path."""
from __future__ import annotations

from gitupgrade.refactor.registry import register

# register("circular_import", "gitupgrade.refactor.strategies.circular_import:CircularImportStrategy")
