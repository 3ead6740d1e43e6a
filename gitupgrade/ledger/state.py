"""The current state of an upgrade, folded from its events in time order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gitupgrade.ledger import events as ev
from gitupgrade.outcomes import UpgradeStatus
from gitupgrade.suggestion import normalized_priority

# Statuses an upgrade can be in; the execution statuses plus the life-cycle ones.
PENDING = UpgradeStatus.PENDING
IN_PROGRESS = UpgradeStatus.IN_PROGRESS
REJECTED = UpgradeStatus.REJECTED
ROLLED_BACK = UpgradeStatus.ROLLED_BACK


@dataclass(frozen=True)
class UpgradeRecord:
    """One upgrade as the ledger knows it now.

    ``status`` is pending, in_progress, awaiting_review, approved, merged, failed,
    refused, rejected or rolled_back. ``attempts`` counts its executions;
    ``created``/``updated`` are the timestamps of its first and last events.
    """

    id: str
    status: str
    created: str
    updated: str
    suggestion: dict[str, Any] | None = None
    type: str | None = None
    title: str | None = None
    risk_level: str | None = None
    priority: float | None = None
    branch: str | None = None
    commit: str | None = None
    base_commit: str | None = None
    target_branch: str | None = None
    merge_commit: str | None = None
    failure_type: str | None = None
    detail: str = ""
    strategy: str | None = None
    attempts: int = 0
    seconds: float | None = None
    tests: dict[str, Any] | None = None
    quality: dict[str, Any] | None = None
    static_checks: dict[str, Any] | None = None  # the summary, per-tool counts and new findings
    files: list[dict[str, Any]] = field(default_factory=list)
    last_execution_status: str | None = None
    # Provenance (see provenance.py): whether this clone wrote the latest upgrade_queued
    # event and the latest upgrade_executed event. Another clone's suggestion is re-derived
    # from a local scan before it runs; another clone's validation never lets it merge.
    queued_here: bool = False
    validated_here: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the nested values are already plain)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UpgradeRecord:
        """The inverse of :meth:`to_dict` (unknown keys are ignored)."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def fold(upgrade_id: str, events: Iterable[dict[str, Any]]) -> UpgradeRecord | None:
    """The state after ``events`` (of one upgrade, any order); None when there are none."""
    ordered = sorted(events, key=lambda e: e["ts"])
    if not ordered:
        return None
    # A plain dict while folding: thousands of upgrades are folded on a full reindex.
    state: dict[str, Any] = {
        "id": upgrade_id,
        "status": PENDING,
        "created": ordered[0]["ts"],
        "attempts": 0,
        "detail": "",
        "files": [],
        "queued_here": False,
        "validated_here": False,
    }
    decided_here = False
    for event in ordered:
        if decided_here and not event.get("_ours", True):
            # A decision of this clone (merge, rejection, rollback) stands: another clone's
            # later event, whatever its timestamp, cannot reopen or override it here.
            continue
        _apply(state, event)
        state["updated"] = event["ts"]
        if event.get("_ours") and event["event"] in _DECISIONS:
            decided_here = state["status"] in (UpgradeStatus.MERGED, REJECTED, ROLLED_BACK)
    return UpgradeRecord(**state)


_DECISIONS = frozenset({ev.UPGRADE_MERGED, ev.UPGRADE_REJECTED, ev.ROLLBACK})


def _apply(state: dict[str, Any], event: dict[str, Any]) -> None:
    kind = event["event"]
    folds = _FOLDS.get(kind)
    if folds is not None:
        folds(state, event)
    elif kind == ev.ROLLBACK and event.get("status") in ("done", "deleted_branch"):
        state["status"] = ROLLED_BACK
    elif kind in _STATUS_OF:
        state["status"] = _STATUS_OF[kind]


def _queued(state: dict[str, Any], event: dict[str, Any]) -> None:
    suggestion = event.get("suggestion") or {}
    state.update(
        status=PENDING,
        suggestion=suggestion,
        type=suggestion.get("type", state.get("type")),
        title=suggestion.get("title", state.get("title")),
        risk_level=suggestion.get("risk_level", state.get("risk_level")),
        priority=normalized_priority(event.get("priority", suggestion.get("priority"))),
        base_commit=event.get("base_commit"),
        target_branch=event.get("target_branch"),
        queued_here=bool(event.get("_ours")),
    )


def _executed(state: dict[str, Any], event: dict[str, Any]) -> None:
    state.update(
        status=event["status"],
        last_execution_status=event["status"],
        attempts=state["attempts"] + 1,
        type=event.get("type") or state.get("type"),
        risk_level=event.get("risk_level") or state.get("risk_level"),
        branch=event.get("branch") or state.get("branch"),
        commit=event.get("commit"),
        base_commit=event.get("base_commit") or state.get("base_commit"),
        failure_type=event.get("failure_type"),
        detail=event.get("detail") or "",
        strategy=event.get("strategy"),
        seconds=event.get("seconds"),
        tests=event.get("tests"),
        quality=event.get("quality"),
        static_checks=event.get("static_checks"),
        files=list(event.get("files") or []),
        validated_here=bool(event.get("_ours")),
    )


def _merged(state: dict[str, Any], event: dict[str, Any]) -> None:
    state.update(
        status=UpgradeStatus.MERGED,
        merge_commit=event.get("merge_commit"),
        target_branch=event.get("target_branch") or state.get("target_branch"),
    )


# The events that carry fields of the upgrade, and those that only set its status.
_FOLDS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    ev.UPGRADE_QUEUED: _queued,
    ev.UPGRADE_EXECUTED: _executed,
    ev.UPGRADE_MERGED: _merged,
}
_STATUS_OF: dict[str, UpgradeStatus] = {
    ev.UPGRADE_REJECTED: REJECTED,
    # Not in the contract yet; a runner may mark the start of an execution with it.
    "upgrade_started": IN_PROGRESS,
}
