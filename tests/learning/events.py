"""Ledger events as plain dicts, shaped as the ledger contract says, for the pure-model tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 1, 1, tzinfo=UTC)


class Timeline:
    """Builds a list of ledger events with strictly increasing timestamps."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.tick = 0
        self.count = 0

    def _add(self, kind: str, upgrade_id: str | None, **payload: Any) -> dict[str, Any]:
        self.tick += 1
        ts = (START + timedelta(minutes=self.tick)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        event = {"ts": ts, "v": 1, "event": kind, "upgrade_id": upgrade_id, **payload}
        self.events.append(event)
        return event

    def queue(
        self,
        upgrade_type: str = "god_class",
        *,
        module: str = "pkg.mod",
        suggestion_id: str | None = None,
        strategy: str = "rule",
        risk: str = "medium",
    ) -> str:
        """Queue a new upgrade; returns its id."""
        self.count += 1
        uid = f"upgrade_20260101_000000_{self.count:06x}"
        suggestion = {
            "id": suggestion_id or f"{upgrade_type}-{self.count:012x}",
            "type": upgrade_type,
            "title": "t",
            "description": "",
            "risk_level": risk,
            "priority": 8,
            "affected_modules": [module.replace(".", "/") + ".py"],
            "evidence": {"module": module},
            "strategy": strategy,
        }
        self._add("upgrade_queued", uid, suggestion=suggestion, priority=8, base_commit="b" * 40, target_branch="main")
        return uid

    def execute(
        self,
        uid: str,
        status: str,
        failure_type: str | None = None,
        *,
        base_commit: str = "b" * 40,
        commit: str | None = None,
        strategy: str = "rule",
        upgrade_type: str = "god_class",
    ) -> None:
        """Record an execution of ``uid``."""
        self._add(
            "upgrade_executed",
            uid,
            status=status,
            type=upgrade_type,
            risk_level="medium",
            branch=f"upgrade/{uid}",
            commit=commit,
            base_commit=base_commit,
            failure_type=failure_type,
            detail="",
            strategy=strategy,
        )

    def merge(self, uid: str, merge_commit: str) -> None:
        """Record the merge of ``uid``."""
        self._add("upgrade_merged", uid, merge_commit=merge_commit, target_branch="main", fast_forward=True)

    def reject(self, uid: str) -> None:
        """Record a reviewer's rejection."""
        self._add("upgrade_rejected", uid)

    def rollback(self, uid: str, status: str = "done") -> None:
        """Record a rollback."""
        self._add("rollback", uid, revert_commit="r" * 40, restored_files=[], seconds=0.1, status=status, conflicts=[])

    def success(self, upgrade_type: str = "god_class", **kwargs: Any) -> str:
        """A queued upgrade that merged."""
        uid = self.queue(upgrade_type, **kwargs)
        self.execute(uid, "merged", upgrade_type=upgrade_type, commit=f"{self.count:040x}")
        self.merge(uid, f"{self.count:040x}")
        return uid

    def failure(self, upgrade_type: str = "god_class", failure_type: str = "test_failure", **kwargs: Any) -> str:
        """A queued upgrade that failed validation."""
        uid = self.queue(upgrade_type, **kwargs)
        self.execute(uid, "failed", failure_type, upgrade_type=upgrade_type)
        return uid
