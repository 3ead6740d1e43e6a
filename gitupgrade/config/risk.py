"""Reading the ``risk_policies`` section: the spec's flat keys beside the per-level form.

Two forms say the same thing. The project's per-level form
(``risk_policies: {medium: {auto_approve: true, require_tests: true}}``) and the
spec's flat keys (``auto_approve_medium_risk: true``, ``require_manual_review: true``)
may be combined; the precedence, strongest first:

1. ``require_manual_review: true`` keeps high- and critical-risk upgrades for review,
   whatever the other keys (or trust earned by learning) say;
2. ``auto_approve_<level>_risk``, when set (not null), decides its level;
3. ``<level>.auto_approve`` decides otherwise.

``require_tests`` has no flat form and is read from the per-level form only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitupgrade.outcomes import RISK_LEVELS

# Risk levels ``require_manual_review`` keeps for review.
MANUAL_REVIEW_LEVELS = ("high", "critical")


def level_of(risk_level: str) -> str:
    """``risk_level``, or ``critical`` for a level we do not know (the safe side)."""
    return risk_level if risk_level in RISK_LEVELS else "critical"


def manual_review_required(policies: Mapping[str, Any], risk_level: str) -> bool:
    """Whether ``require_manual_review`` keeps upgrades of this risk for review."""
    return bool(policies.get("require_manual_review")) and level_of(risk_level) in MANUAL_REVIEW_LEVELS


def approves(policies: Mapping[str, Any], risk_level: str) -> tuple[bool, str]:
    """Whether the configured policy alone merges an upgrade of this risk without review, and which key says so."""
    level = level_of(risk_level)
    if manual_review_required(policies, level):
        return False, f"risk_policies.require_manual_review keeps {level}-risk upgrades for review"
    flat = policies.get(f"auto_approve_{level}_risk")
    if flat is not None:
        return bool(flat), f"risk_policies.auto_approve_{level}_risk is {str(bool(flat)).lower()}"
    approved = bool(policies[level]["auto_approve"])
    return approved, f"risk_policies.{level}.auto_approve is {str(approved).lower()}"


def effective_policies(policies: Mapping[str, Any]) -> dict[str, bool]:
    """``{level: auto-approved}`` after the precedence above (for ``git upgrade config``)."""
    return {level: approves(policies, level)[0] for level in RISK_LEVELS}
