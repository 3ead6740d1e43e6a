"""The values one upgrade's execution hands on: its build, its attempt and its outcome.

``Build`` is what building and validating on one base produced; ``Attempt`` is what every
end state of that attempt shares, and renders both the ``upgrade_executed`` ledger event
and the ``UpgradeOutcome`` (the ``run --json`` record); ``Ready`` is an attempt cleared
to merge.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from gitupgrade.manager.validation import Baseline, Verdict
from gitupgrade.repo import CommitId
from gitupgrade.repo.branches import upgrade_branch
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.ledger.recorder import ExecutionRecord


@dataclass(frozen=True)
class UpgradeOutcome:
    """What happened to one upgrade in this run (the ``run --json`` record)."""

    upgrade_id: str
    status: str
    branch: str | None
    commit: str | None
    base_commit: str | None
    failure_type: str | None = None
    detail: str = ""
    tests: dict[str, Any] | None = None
    seconds: float = 0.0
    files: list[dict[str, Any]] = field(default_factory=list)
    strategy: str | None = None
    merge_commit: str | None = None
    fast_forward: bool | None = None
    attempts: int = 1
    approval: str | None = None  # why it merged without review, or waits for one
    static_checks: dict[str, Any] | None = None  # per tool base→after, and the new findings

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class Build:
    """An upgrade built on a base: its commit (None when the strategy changed nothing) and verdict."""

    base: CommitId
    commit: CommitId | None
    verdict: Verdict
    baseline: Baseline
    strategy: str
    files: list[dict[str, Any]]
    quality: dict[str, float] | None = None

    @property
    def built(self) -> bool:
        """Whether there is a commit that passed its validation."""
        return self.commit is not None and self.verdict.ok


@dataclass(frozen=True)
class Attempt:
    """What every end state of one attempt shares: the outcome's fields and the ledger's type, risk, quality."""

    upgrade_id: str
    upgrade_type: str
    risk_level: str
    branch: str | None
    commit: str | None
    base_commit: str | None
    detail: str
    tests: dict[str, Any] | None
    seconds: float
    files: list[dict[str, Any]]
    strategy: str | None
    attempts: int
    static_checks: dict[str, Any] | None
    quality: dict[str, float] | None
    approval: str | None = None

    @classmethod
    def of(cls, upgrade_id: str, suggestion: Suggestion, build: Build, started: float, attempts: int) -> Attempt:
        """What every end state of ``attempts``-th build of ``upgrade_id``, begun at ``started``, shares."""
        tests = None
        if build.baseline.tests is not None:
            after = build.verdict.tests
            tests = {"baseline": build.baseline.tests.counts(), "after": after.counts() if after else None}
        return cls(
            upgrade_id=upgrade_id,
            upgrade_type=suggestion.type,
            risk_level=suggestion.risk_level,
            branch=upgrade_branch(upgrade_id),
            commit=build.commit,
            base_commit=build.base,
            detail=build.verdict.detail,
            tests=tests,
            seconds=round(time.monotonic() - started, 3),
            files=build.files,
            strategy=build.strategy,
            attempts=attempts,
            static_checks=build.verdict.static.to_dict() if build.verdict.static else None,
            quality=build.quality,
        )

    def outcome(
        self,
        status: str,
        failure_type: str | None = None,
        merge_commit: str | None = None,
        fast_forward: bool | None = None,
    ) -> UpgradeOutcome:
        """The ``run --json`` record of this attempt ending in ``status``."""
        return UpgradeOutcome(
            upgrade_id=self.upgrade_id,
            status=status,
            branch=self.branch,
            commit=self.commit,
            base_commit=self.base_commit,
            failure_type=failure_type,
            detail=self.detail,
            tests=self.tests,
            seconds=self.seconds,
            files=self.files,
            strategy=self.strategy,
            merge_commit=merge_commit,
            fast_forward=fast_forward,
            attempts=self.attempts,
            approval=self.approval,
            static_checks=self.static_checks,
        )

    def execution(self, status: str, failure_type: str | None) -> ExecutionRecord:
        """The payload of the ``upgrade_executed`` event of this attempt ending in ``status``."""
        payload: ExecutionRecord = {
            "upgrade_id": self.upgrade_id,
            "branch": self.branch,
            "commit": self.commit,
            "base_commit": self.base_commit,
            "detail": self.detail,
            "tests": self.tests,
            "seconds": self.seconds,
            "files": self.files,
            "strategy": self.strategy,
            "static_checks": self.static_checks,
            "status": status,
            "failure_type": failure_type,
            "type": self.upgrade_type,
            "risk_level": self.risk_level,
            "quality": self.quality,
        }
        if self.approval is not None:
            payload["approval"] = self.approval  # only an approval decision says why
        return payload


@dataclass(frozen=True)
class Ready:
    """An attempt cleared to merge: the target moves to ``new`` (the upgrade commit or a merge commit)."""

    attempt: Attempt
    new: CommitId
    fast_forward: bool = True
