"""One tick of the schedule: scan when due, then run the upgrades that merge without review.

``git upgrade tick`` is meant to be called often (cron, a CI schedule): it does nothing
until a scan is due, so calling it every few minutes costs one ledger read. The
manager is passed in (anything with ``trigger_scan``, ``run`` and ``ledger``) so that
learning does not import the manager, which itself asks the learner for priorities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from gitupgrade.learning.learner import Learner

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeLedger


class _Outcome(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


class _Analysis(Protocol):
    @property
    def suggestions(self) -> Sequence[object]: ...


class TickScan(Protocol):
    """The part of the manager's ``ScanOutcome`` a tick reports."""

    @property
    def report(self) -> _Analysis: ...

    @property
    def commit(self) -> str: ...

    @property
    def queued(self) -> tuple[str, ...]: ...

    @property
    def filtered_count(self) -> int: ...


class TickRun(Protocol):
    """The part of the manager's ``RunReport`` a tick reports."""

    @property
    def outcomes(self) -> Sequence[_Outcome]: ...

    @property
    def messages(self) -> Sequence[str]: ...

    @property
    def baseline_failure(self) -> str | None: ...


class TickManager(Protocol):
    """The part of :class:`~gitupgrade.manager.UpgradeManager` a tick uses."""

    @property
    def ledger(self) -> UpgradeLedger: ...

    def trigger_scan(self, target_path: str | None = None, rev: str = "HEAD") -> TickScan: ...

    def run(self, ids: tuple[str, ...] = (), max_count: int | None = None) -> TickRun: ...


@dataclass(frozen=True)
class TickResult:
    """What a tick did: nothing (``due`` false), or a scan and possibly a run."""

    due: bool
    next_scan: str | None
    schedule: str
    scanned_commit: str | None = None
    suggestions: int = 0
    queued: tuple[str, ...] = ()
    filtered: int = 0
    auto_upgrade: bool = False
    ran: tuple[dict[str, Any], ...] = ()
    left_for_review: tuple[tuple[str, str], ...] = ()  # (upgrade id, reason)
    messages: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "due": self.due,
            "next_scan": self.next_scan,
            "schedule": self.schedule,
            "scanned_commit": self.scanned_commit,
            "suggestions": self.suggestions,
            "queued": list(self.queued),
            "filtered": self.filtered,
            "auto_upgrade": self.auto_upgrade,
            "ran": list(self.ran),
            "left_for_review": [{"upgrade_id": uid, "reason": why} for uid, why in self.left_for_review],
            "messages": list(self.messages),
        }


def tick(manager: TickManager, learner: Learner, config: Mapping[str, Any], now: datetime) -> TickResult:
    """Scan if a scan is due at ``now``; with ``auto_upgrade_enabled``, run the auto-approved upgrades."""
    schedule = str(config["scan_schedule"])
    if not learner.scan_due(now):
        return TickResult(due=False, next_scan=_iso(learner.next_scan_time(now)), schedule=schedule)
    scan = manager.trigger_scan()
    auto = bool(config["auto_upgrade_enabled"] and config["enabled"])
    ran: list[dict[str, Any]] = []
    review: list[tuple[str, str]] = []
    messages: list[str] = []
    if auto:
        approved, review = select_auto_approved(manager.ledger, learner)
        if approved:
            report = manager.run(tuple(approved))
            ran = [outcome.to_dict() for outcome in report.outcomes]
            messages = list(report.messages)
            if report.baseline_failure:
                messages.append(report.baseline_failure)
    learner.refresh()
    return TickResult(
        due=True,
        next_scan=_iso(learner.next_scan_time(now)),
        schedule=schedule,
        scanned_commit=str(scan.commit),
        suggestions=len(scan.report.suggestions),
        queued=tuple(scan.queued),
        filtered=scan.filtered_count,
        auto_upgrade=auto,
        ran=tuple(ran),
        left_for_review=tuple(review),
        messages=tuple(messages),
    )


def select_auto_approved(ledger: UpgradeLedger, learner: Learner) -> tuple[list[str], list[tuple[str, str]]]:
    """Pending upgrades the policy (with learned trust) merges without review, and the others with why."""
    approved: list[str] = []
    review: list[tuple[str, str]] = []
    learner.refresh()
    for record in ledger.upgrades("pending"):
        if not record.suggestion:
            continue
        ok, why = learner.auto_approve(record.suggestion, refresh=False)
        if ok:
            approved.append(record.id)
        else:
            review.append((record.id, why))
    return approved, review


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
