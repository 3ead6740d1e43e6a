"""Seeding ledgers through the public API, for the ledger tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gitupgrade.config import default_config
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo


def open_ledger(path: Path) -> UpgradeLedger:
    """A ledger on the repository at ``path`` with the default configuration."""
    return UpgradeLedger(GitRepo.discover(path), default_config())


def suggestion(suggestion_id: str, kind: str = "circular_import", title: str = "Break a cycle") -> dict[str, Any]:
    """A suggestion as Suggestion.to_dict() gives it."""
    return {
        "id": suggestion_id,
        "type": kind,
        "title": title,
        "description": "",
        "risk_level": "low",
        "priority": 5,
        "affected_modules": ["pkg/a.py"],
        "evidence": {},
        "strategy": "rule",
    }


def execution(
    upgrade_id: str,
    status: str,
    base: str,
    *,
    commit: str | None = None,
    kind: str = "circular_import",
    failure_type: str | None = None,
    seconds: float = 2.0,
    quality: dict[str, int] | None = None,
    files: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An upgrade_executed payload as the manager logs it."""
    return {
        "upgrade_id": upgrade_id,
        "status": status,
        "type": kind,
        "risk_level": "low",
        "branch": f"upgrade/{upgrade_id}",
        "commit": commit,
        "base_commit": base,
        "failure_type": failure_type,
        "detail": "",
        "seconds": seconds,
        "strategy": f"rule:{kind}",
        "tests": {"baseline": {"passed": 3, "failed": 0}, "after": {"passed": 3, "failed": 0}},
        "files": files if files is not None else [{"path": "pkg/a.py", "change": "MODIFY", "added": 2, "removed": 1}],
        "quality": quality,
    }


def seed(ledger: UpgradeLedger, base: str, upgrade_commit: str) -> None:
    """A small realistic history: a scan, three upgrades (merged, failed twice, rolled back), learning."""
    ledger.record_scan(
        base,
        {"modules": 4, "suggestions": 3, "circular_imports": 1, "violations": 0, "seconds": 0.5},
        ["s1", "s2", "s3"],
        ["up_1", "up_2", "up_3"],
        0,
    )
    ledger.log_upgrade_queued("up_1", suggestion("s1"), base, "main")
    ledger.log_upgrade_queued("up_2", suggestion("s2", "god_class", "Split Big"), base, "main")
    ledger.log_upgrade_queued("up_3", suggestion("s3", "duplicate_pattern", "Merge copies"), base, "main")
    ledger.record_execution(
        execution(
            "up_1",
            "merged",
            base,
            commit=upgrade_commit,
            seconds=3.0,
            quality={"smells_before": 5, "smells_after": 3, "complexity_before": 40, "complexity_after": 31},
        )
    )
    ledger.log_merge("up_1", upgrade_commit, "main", True)
    ledger.record_execution(
        execution("up_2", "failed", base, kind="god_class", failure_type="import_error", seconds=1.0, files=[])
    )
    ledger.record_execution(
        execution("up_2", "failed", base, kind="god_class", failure_type="test_failure", seconds=2.0, files=[])
    )
    ledger.record_execution(
        execution(
            "up_3",
            "merged",
            base,
            commit=upgrade_commit,
            kind="duplicate_pattern",
            seconds=6.0,
            files=[
                {"path": "pkg/a.py", "change": "MODIFY", "added": 1, "removed": 9},
                {"path": "pkg/b.py", "change": "MODIFY", "added": 1, "removed": 9},
            ],
            quality={"smells_before": 2, "smells_after": 1, "complexity_before": 10, "complexity_after": 10},
        )
    )
    ledger.record_rollback(
        {
            "upgrade_id": "up_3",
            "revert_commit": upgrade_commit,
            "restored_files": ["pkg/a.py"],
            "seconds": 0.4,
            "status": "done",
            "conflicts": [],
        }
    )
    ledger.log_learning(
        {
            "type": "god_class",
            "package": "pkg",
            "attempts": 2,
            "successes": 0,
            "estimate": 0.25,
            "trust_before": "default",
            "trust_after": "default",
            "reason": "two failures",
            "commit": base,
        }
    )


def stamp(delta: timedelta = timedelta()) -> str:
    """A ledger timestamp ``delta`` from now."""
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def soon(seconds: int = 0) -> str:
    """A timestamp a little after now: sorts after what the test wrote, within the allowed clock skew."""
    return stamp(timedelta(minutes=1, seconds=seconds))
