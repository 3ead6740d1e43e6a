"""Findings become :class:`~gitupgrade.suggestion.Suggestion` values: stable id, risk, priority.

A finding's ``severity`` names a band of ``priority_thresholds`` (low, medium,
high, critical: the minimum priority of each label on the spec's 1-10 scale;
``minimal`` labels what falls below ``low``) and its ``strength`` (0..1) places it
inside that band, to a tenth, so a priority read back through the thresholds
gives the finding's severity again. The id hashes the finding's identity with
the blob ids of the files it covers: a rescan of unchanged code yields the
same id, an edit of a covered file a new one.

Evidence per type is the shared contract (see the contracts in the design
notes): ``god_class``, ``god_module``, ``circular_import``,
``duplicate_pattern``, ``complex_function``, ``architectural_violation``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from gitupgrade.outcomes import PRIORITY_LABELS
from gitupgrade.suggestion import PRIORITY_MAX, Suggestion, stable_id
from gitupgrade.upgrade_types import llm_type

if TYPE_CHECKING:
    from gitupgrade.analysis.smells.base import Finding


def priority_of(severity: str, strength: float, thresholds: Mapping[str, Any]) -> float:
    """A 1-10 priority, to a tenth, inside the band of ``severity`` in ``priority_thresholds``.

    The band runs from the severity's threshold up to just below the next higher one
    (up to 10 for the highest), so the priority rounded down still carries its label.
    """
    low = float(thresholds[severity])
    higher = [float(thresholds[level]) for level in PRIORITY_LABELS if float(thresholds[level]) > low]
    high = (min(higher) - 0.1) if higher else float(PRIORITY_MAX)
    strength = max(0.0, min(1.0, strength))
    return round(max(low, min(float(PRIORITY_MAX), low + strength * max(0.0, high - low))), 1)


def label_of(priority: float, thresholds: Mapping[str, Any]) -> str:
    """The priority label (minimal .. critical) a priority falls into."""
    label = PRIORITY_LABELS[0]
    for level in PRIORITY_LABELS:
        if priority >= float(thresholds[level]):
            label = level
    return label


def to_suggestion(
    finding: Finding, risk: str, blob_ids: Mapping[str, str], thresholds: Mapping[str, Any]
) -> Suggestion:
    """One suggestion from one finding."""
    covered = sorted((path, blob_ids.get(path, "")) for path in finding.affected_modules)
    return Suggestion(
        id=stable_id(finding.type, list(finding.key), covered),
        type=finding.type,
        title=finding.title,
        description=finding.description,
        risk_level=risk,
        priority=priority_of(finding.severity, finding.strength, thresholds),
        affected_modules=finding.affected_modules,
        evidence=finding.evidence,
        strategy="llm" if llm_type(finding.type) else "rule",
    )


def rank(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Highest priority first; ties by type and id so the order is stable."""
    return sorted(suggestions, key=lambda s: (-s.priority, s.type, s.id))
