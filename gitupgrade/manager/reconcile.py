"""Keeping the ledger true to git: merges made outside the tool, runs cut short, merges it claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gitupgrade.errors import UserError
from gitupgrade.repo import BranchName, CommitId, GitRepo, branch_ref
from gitupgrade.repo.branches import backup, delete_ref, upgrade_branch
from gitupgrade.repo.refs import read_ref

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord


def check_merge_shown(repo: GitRepo, record: UpgradeRecord, target: BranchName) -> None:
    """Refuse to revert a merge the ledger claims but no commit on ``target`` shows."""
    # The ledger may say any commit is an upgrade's merge: revert only one git shows is.
    from gitupgrade.ledger.provenance import merge_is_verified

    merged = record.merge_commit or record.commit
    if record.status == "merged" and not merge_is_verified(repo, record.id, merged, target):
        raise UserError(
            f"the ledger says {record.id} was merged as {str(merged)[:10]}, "
            f"but no commit on {target} names that upgrade; nothing reverted",
            hint="if you mean to undo that commit, use git revert",
        )


def record_merged_elsewhere(repo: GitRepo, ledger: UpgradeLedger, target: BranchName) -> list[str]:
    """Record upgrades a reviewer merged outside the tool (a pull request); one message each."""
    from gitupgrade.integration.merged import record_merged_elsewhere as found_on

    return [
        f"{found.upgrade_id} was merged into {found.target_ref} outside git upgrade; recorded"
        for found in found_on(repo, ledger, target)
    ]


def record_interrupted(repo: GitRepo, ledger: UpgradeLedger, record: UpgradeRecord) -> None:
    """End an upgrade cut short by Ctrl-C as ``failed: interrupted``, keeping what it built as backup refs."""
    # Not retried as a crash would be: the user stopped it.
    branch = branch_ref(upgrade_branch(record.id))
    commit = read_ref(repo, branch)
    base = CommitId(record.base_commit) if record.base_commit else repo.resolve_commit("HEAD")
    if commit is not None:
        backup(repo, record.id, commit, base)
        delete_ref(repo, branch)
    suggestion = record.suggestion or {}
    ledger.record_execution(
        {
            "upgrade_id": record.id,
            "status": "failed",
            "failure_type": "interrupted",
            "base_commit": base,
            "commit": commit if commit != base else None,
            "type": suggestion.get("type"),
            "risk_level": suggestion.get("risk_level"),
            "detail": "interrupted by Ctrl-C (SIGINT)",
        }
    )
