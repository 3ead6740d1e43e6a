"""Requeue guard: a suggestion that failed the same way too often is not queued again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gitupgrade.outcomes import BLOCKED_BY

FailureHistory = dict[str, list[str]]  # failure type -> upgrade ids


def failure_histories(events: Iterable[Mapping[str, Any]]) -> dict[str, FailureHistory]:
    """For every suggestion id, its upgrades that ended failed or refused, by failure type.

    Each upgrade counts once, with the failure of its latest execution (a later success
    clears it); failures that say nothing about the suggestion (a failing baseline,
    local changes, an unreachable model, Ctrl-C: ``outcomes.BLOCKED_BY``) do not count.
    """
    suggestion_of: dict[str, str] = {}
    last: dict[str, str | None] = {}
    for event in sorted(events, key=lambda e: str(e.get("ts", ""))):
        uid, kind = event.get("upgrade_id"), event.get("event")
        sid = _queued_suggestion(event)
        if uid and sid:
            suggestion_of[uid] = str(sid)
        elif kind == "upgrade_executed" and uid in suggestion_of:
            last[uid] = _failure(event)
    histories: dict[str, FailureHistory] = {}
    for uid, failure in last.items():
        if failure is not None and failure not in BLOCKED_BY:
            histories.setdefault(suggestion_of[uid], {}).setdefault(failure, []).append(uid)
    return histories


def _queued_suggestion(event: Mapping[str, Any]) -> Any:
    """The suggestion id an ``upgrade_queued`` event carries (None for other events)."""
    return (event.get("suggestion") or {}).get("id") if event.get("event") == "upgrade_queued" else None


def _failure(execution: Mapping[str, Any]) -> str | None:
    """How an execution failed (``refused`` for a refusal), None when it did not."""
    status = execution.get("status")
    if status == "refused":
        return "refused"
    failure_type: str | None = execution.get("failure_type")
    return (failure_type or "failed") if status == "failed" else None


def requeue_decision(history: FailureHistory | None, max_retries: int) -> tuple[bool, str]:
    """Whether a suggestion with this failure history may be queued again, and why.

    ``max_retries`` (``max_upgrade_retries``) failures of one kind stop it; 0 means the
    first failure does.
    """
    if not history:
        return True, "no failed attempt"
    failure, ids = max(history.items(), key=lambda item: (len(item[1]), item[0]))
    limit = max(max_retries, 1)
    if len(ids) >= limit:
        return False, f"failed {len(ids)} times with {failure} (limit {limit}): {', '.join(ids)}"
    attempts = sum(len(v) for v in history.values())
    return True, (
        f"{attempts} failed attempt{'s' if attempts != 1 else ''}, at most {len(ids)} with {failure} (limit {limit})"
    )
