"""Which import cycles the circular-import strategy fixes, decided from the evidence alone.

Kept apart from the strategy (and libcst) so that a scan can leave the cycles that
import fine unqueued without importing the refactoring machinery, as
``duplicate_scope`` does for clones.
"""

from __future__ import annotations

from gitupgrade.suggestion import Suggestion


def precheck(suggestion: Suggestion) -> str | None:
    """Why the cycle is left to the report (it imports fine), or None when it is worth breaking."""
    if suggestion.evidence.get("unsafe", True):
        return None
    return (
        "report-only: the cycle imports fine (in every import order each name is bound before it is read); "
        "deferring its imports would hide a dependency, not fix a failure"
    )
