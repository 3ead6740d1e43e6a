"""Queue priority from outcomes: the base priority scaled by the estimated success rate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitupgrade.learning.model import OutcomeModel, learning_key, top_level_package
from gitupgrade.suggestion import PRIORITY_MAX, normalized_priority


def scaled_priority(base: float, estimate: float) -> float:
    """``base`` x ``estimate``, to a tenth, kept within 0-10 (the priority scale)."""
    return max(0.0, min(float(PRIORITY_MAX), round(base * estimate, 1)))


def queue_priority(
    suggestion: Mapping[str, Any], model: OutcomeModel, learning: Mapping[str, Any]
) -> tuple[float, str]:
    """The priority a suggestion is queued with, and why.

    With ``learning.outcome_based_scoring`` (and learning enabled) the base priority is
    scaled by the success estimate of its type in its top-level package (see
    :meth:`OutcomeModel.estimate_for`); otherwise the base priority stands.
    """
    base = normalized_priority(suggestion.get("priority"))
    if not (learning["enabled"] and learning["outcome_based_scoring"]):
        return base, "outcome-based scoring is off"
    key = learning_key(str(suggestion.get("type")), suggestion.get("strategy"))
    package = top_level_package(suggestion)
    estimate = model.estimate_for(key, package)
    stats = model.types.get(key)
    record = f"{stats.successes}/{stats.attempts} succeeded" if stats else "never tried"
    where = f" in {package}" if package and (key, package) in model.cells else ""
    return scaled_priority(base, estimate), f"{base:g} x {estimate:.2f} ({key}{where}: {record})"
