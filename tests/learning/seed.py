"""Outcomes seeded through the real ledger API into a real repository."""

from __future__ import annotations

from typing import Any

from gitupgrade.config import load_config
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo
from gitupgrade.suggestion import Suggestion


def open_ledger(path: Any, config_file: Any = None) -> tuple[GitRepo, UpgradeLedger]:
    """The repository at ``path`` and its ledger, with the config of HEAD."""
    repo = GitRepo.discover(path)
    config = load_config(repo, repo.resolve_commit("HEAD"), config_file)
    return repo, UpgradeLedger(repo, config)


def make_suggestion(
    number: int, upgrade_type: str = "god_class", risk: str = "medium", module: str = "pkg.mod", priority: float = 8
) -> Suggestion:
    """A suggestion of ``upgrade_type``, distinct per ``number``."""
    return Suggestion(
        id=f"{upgrade_type}-{number:012x}",
        type=upgrade_type,
        title=f"split {module}",
        description="",
        risk_level=risk,
        priority=priority,
        affected_modules=(module.replace(".", "/") + ".py",),
        evidence={"module": module},
    )


class Seeder:
    """Logs queued, executed, merged and rolled-back upgrades on one base commit."""

    def __init__(self, ledger: UpgradeLedger, base: str) -> None:
        self.ledger = ledger
        self.base = base
        self.count = 0

    def queue(self, suggestion: Suggestion) -> str:
        self.count += 1
        upgrade_id = f"upgrade_20260101_000000_{self.count:06x}"
        self.ledger.log_upgrade_queued(upgrade_id, suggestion, self.base, "main")
        return upgrade_id

    def execute(self, upgrade_id: str, suggestion: Suggestion, status: str, failure_type: str | None = None) -> None:
        self.ledger.record_execution(
            {
                "upgrade_id": upgrade_id,
                "status": status,
                "type": suggestion.type,
                "risk_level": suggestion.risk_level,
                "branch": f"upgrade/{upgrade_id}",
                "commit": None,
                "base_commit": self.base,
                "failure_type": failure_type,
                "detail": "",
                "strategy": "rule",
            }
        )

    def success(self, upgrade_type: str = "god_class", **kwargs: Any) -> str:
        suggestion = make_suggestion(self.count + 1, upgrade_type, **kwargs)
        upgrade_id = self.queue(suggestion)
        self.execute(upgrade_id, suggestion, "merged")
        self.ledger.log_merge(upgrade_id, self.base, "main", True, commit=self.base)
        return upgrade_id

    def failure(
        self,
        upgrade_type: str = "god_class",
        failure_type: str = "test_failure",
        suggestion: Suggestion | None = None,
        **kwargs: Any,
    ) -> str:
        suggestion = suggestion or make_suggestion(self.count + 1, upgrade_type, **kwargs)
        upgrade_id = self.queue(suggestion)
        self.execute(upgrade_id, suggestion, "failed", failure_type)
        return upgrade_id

    def rollback(self, upgrade_id: str) -> None:
        self.ledger.record_rollback(
            {
                "upgrade_id": upgrade_id,
                "revert_commit": self.base,
                "restored_files": [],
                "seconds": 0.1,
                "status": "done",
                "conflicts": [],
                "commit": self.base,
            }
        )
