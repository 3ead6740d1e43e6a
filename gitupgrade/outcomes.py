"""The words of an upgrade's life: risk levels, statuses, failure types, and what an outcome counts as.

Every list of these values in the package is derived from the enums here. They are
``StrEnum`` so that a member *is* the plain string the ledger's JSON and the config
hold: ``UpgradeStatus.MERGED == "merged"``.

:func:`outcome` is the one place that decides what an upgrade's current status and
failure type count as; ``git upgrade ledger`` and ``git upgrade learn`` both tally
with :func:`tally` (see docs/outcomes.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class RiskLevel(StrEnum):
    """How much an upgrade may break, lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


RISK_LEVELS: tuple[str, ...] = tuple(RiskLevel)
# Labels of ``priority_thresholds``, lowest first: the risk levels with the spec's ``minimal`` below.
PRIORITY_LABELS: tuple[str, ...] = ("minimal", *RISK_LEVELS)


class UpgradeStatus(StrEnum):
    """The status of an upgrade in the ledger: the execution statuses and the life-cycle ones."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    AWAITING_REVIEW = "awaiting_review"
    APPROVED = "approved"
    MERGED = "merged"
    FAILED = "failed"
    REFUSED = "refused"
    REJECTED = "rejected"
    ROLLED_BACK = "rolled_back"


# The statuses an ``upgrade_executed`` event may carry.
EXECUTION_STATUSES: tuple[str, ...] = (
    UpgradeStatus.AWAITING_REVIEW,
    UpgradeStatus.MERGED,
    UpgradeStatus.FAILED,
    UpgradeStatus.REFUSED,
    UpgradeStatus.APPROVED,
)
# Validation passed: the change may still wait for a review or a deploy.
PASSED_STATUSES: tuple[str, ...] = (UpgradeStatus.AWAITING_REVIEW, UpgradeStatus.MERGED, UpgradeStatus.APPROVED)
FAILURE_STATUSES: tuple[str, ...] = (UpgradeStatus.FAILED, UpgradeStatus.REFUSED)


class FailureType(StrEnum):
    """Why an execution did not end merged; the ``failure_type`` of an ``upgrade_executed`` event."""

    SYNTAX_ERROR = "syntax_error"
    IMPORT_ERROR = "import_error"
    TEST_FAILURE = "test_failure"
    TIMEOUT = "timeout"
    MERGE_CONFLICT = "merge_conflict"
    BASELINE_FAILING = "baseline_failing"
    REFUSED = "refused"
    PERFORMANCE_REGRESSION = "performance_regression"
    LOCAL_CHANGES = "local_changes"
    LLM_INVALID_DIFF = "llm_invalid_diff"
    LLM_UNAVAILABLE = "llm_unavailable"
    LLM_TIMEOUT = "llm_timeout"
    STATIC_CHECK = "static_check"
    API_CHANGE = "api_change"
    INTERRUPTED = "interrupted"


FAILURE_TYPES: tuple[str, ...] = tuple(FailureType)

# Failure types that say nothing about the change: the run could not judge it.
BLOCKED_BY: frozenset[str] = frozenset(
    {
        FailureType.BASELINE_FAILING,
        FailureType.LOCAL_CHANGES,
        FailureType.LLM_UNAVAILABLE,
        FailureType.LLM_TIMEOUT,
        FailureType.INTERRUPTED,
    }
)


class Outcome(StrEnum):
    """What an upgrade's current state counts as (docs/outcomes.md)."""

    MERGED = "merged"  # attempted, merged into the target branch
    FAILED = "failed"  # attempted, validation said no
    UNMERGED = "unmerged"  # attempted, passed validation, not merged (review, deploy, conflicts)
    REJECTED = "rejected"  # attempted, a reviewer said no
    ROLLED_BACK = "rolled_back"  # attempted, undone by rollback
    REFUSED = "refused"  # the strategy declined, nothing built
    BLOCKED = "blocked"  # the run could not judge it (red baseline, local changes, no model, Ctrl-C)
    PENDING = "pending"  # not executed yet


ATTEMPTED: frozenset[Outcome] = frozenset(
    {Outcome.MERGED, Outcome.FAILED, Outcome.UNMERGED, Outcome.REJECTED, Outcome.ROLLED_BACK}
)


def outcome(status: str, failure_type: str | None) -> Outcome:
    """What an upgrade whose current status is ``status`` (with ``failure_type``) counts as."""
    if status == UpgradeStatus.MERGED:
        return Outcome.MERGED
    if status == UpgradeStatus.REJECTED:
        return Outcome.REJECTED
    if status == UpgradeStatus.ROLLED_BACK:
        return Outcome.ROLLED_BACK
    if status in (UpgradeStatus.AWAITING_REVIEW, UpgradeStatus.APPROVED):
        return Outcome.UNMERGED  # an approved upgrade with local_changes waits for a clean deploy
    if status in FAILURE_STATUSES:
        if failure_type in BLOCKED_BY:
            return Outcome.BLOCKED
        if status == UpgradeStatus.REFUSED or failure_type == FailureType.REFUSED:
            return Outcome.REFUSED
        if failure_type == FailureType.MERGE_CONFLICT:
            return Outcome.UNMERGED  # validated, but the target kept moving under it
        return Outcome.FAILED  # validation failure types, llm_invalid_diff and unknown ones
    return Outcome.PENDING


def counts_against(status: str, failure_type: str | None) -> bool:
    """Whether an execution ended in a failure of the change itself (what learning holds against a type)."""
    return status == UpgradeStatus.FAILED and outcome(status, failure_type) in (Outcome.FAILED, Outcome.UNMERGED)


@dataclass
class OutcomeCounts:
    """Attempted, merged, failed and refused upgrades, and the success rate merged / attempted."""

    attempted: int = 0
    merged: int = 0
    failed: int = 0
    refused: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)

    def add(self, result: Outcome) -> None:
        """Count one upgrade."""
        self.by_outcome[result.value] = self.by_outcome.get(result.value, 0) + 1
        self.attempted += result in ATTEMPTED
        self.merged += result is Outcome.MERGED
        self.failed += result is Outcome.FAILED
        self.refused += result is Outcome.REFUSED

    @property
    def success_rate(self) -> float:
        """Merged / attempted, to four places (0.0 when nothing was attempted)."""
        return round(self.merged / self.attempted, 4) if self.attempted else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, the rate included."""
        data = asdict(self)
        data["success_rate"] = self.success_rate
        data["by_outcome"] = dict(sorted(self.by_outcome.items()))
        return data


def tally(upgrades: Iterable[tuple[str | None, str, str | None]]) -> dict[str, Any]:
    """The outcome counts of ``(type, status, failure_type)`` rows, one per upgrade, in total and per type."""
    total = OutcomeCounts()
    by_type: dict[str, OutcomeCounts] = {}
    for kind, status, failure_type in upgrades:
        result = outcome(status, failure_type)
        if result is Outcome.PENDING:
            continue
        total.add(result)
        by_type.setdefault(kind or "unknown", OutcomeCounts()).add(result)
    return {**total.to_dict(), "by_type": {kind: by_type[kind].to_dict() for kind in sorted(by_type)}}
