"""Rolling back an upgrade: a revert commit on the target branch, or deleting an unmerged branch.

A merged upgrade is undone by a revert commit built in memory on the target's tip
(mainline 1 when the upgrade was merged with a merge commit), validated like an
upgrade when ``validation_required``, and deployed by compare-and-swap. A conflict
with later work changes nothing and names the conflicting files.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from gitupgrade.config import Config
from gitupgrade.errors import GitUpgradeError, NoTargetBranchError, RefMovedError, UserError
from gitupgrade.manager.deploy import deploy
from gitupgrade.manager.staging import Staging
from gitupgrade.manager.validation import Validator, imports_failing_at
from gitupgrade.repo import BranchName, CommitId, GitRepo, branch_ref
from gitupgrade.repo.branches import backup, delete_ref, upgrade_branch
from gitupgrade.repo.commits import commit_message, format_message
from gitupgrade.repo.diffs import changed_files
from gitupgrade.repo.merge import revert
from gitupgrade.repo.refs import read_ref

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord


@dataclass(frozen=True)
class RollbackOutcome:
    """The result of a rollback (the ``rollback --json`` record and the ledger payload)."""

    upgrade_id: str
    status: str  # done, conflict, deleted_branch
    revert_commit: str | None = None
    restored_files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    conflicts: list[str] = field(default_factory=list)
    target_branch: str | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)


class RollbackFailedError(GitUpgradeError):
    """The revert would conflict or break the tests; nothing was changed."""


def rollback(
    repo: GitRepo,
    ledger: UpgradeLedger,
    record: UpgradeRecord,
    target: BranchName,
    staging: Staging,
    config_at: Callable[[CommitId], Config],
    retries: int,
) -> RollbackOutcome:
    """Undo ``record``: revert it if merged, else delete its branch (kept as a backup ref)."""
    started = time.monotonic()
    if record.status == "rolled_back":
        raise UserError(f"{record.id} is already rolled back")
    if record.status != "merged":
        return _delete_branch(repo, ledger, record, started)
    merged_at = record.merge_commit or record.commit
    assert merged_at is not None, f"{record.id} is merged without a commit"
    merged = CommitId(merged_at)
    for _attempt in range(retries + 1):
        tip = read_ref(repo, branch_ref(target))
        if tip is None:
            raise NoTargetBranchError(f"the target branch {target} does not exist")
        outcome = revert(repo, merged, tip, _revert_message(repo, merged, record))
        if outcome.commit is None:
            _refuse(ledger, record, merged, target, outcome.conflicts, started)
        config: Config = config_at(tip)
        if config["validation_required"]:
            _validate(repo, staging, config, tip, outcome.commit, record.id)
        restored = [f.path for f in changed_files(repo, tip, outcome.commit)]
        try:
            deploy(repo, target, tip, outcome.commit, f"git upgrade: roll back {record.id}")
        except RefMovedError:
            continue  # the target moved: revert again on the new tip
        result = RollbackOutcome(record.id, "done", outcome.commit, restored, _since(started), [], target)
        ledger.record_rollback({**_payload(result), "commit": merged})
        return result
    raise RollbackFailedError(
        f"{target} kept moving; gave up rolling back {record.id}", hint="run git upgrade rollback again"
    )


def _validate(
    repo: GitRepo, staging: Staging, config: Config, tip: CommitId, revert_commit: CommitId, upgrade_id: str
) -> None:
    worktree = staging.checkout(tip)
    validator = Validator(worktree.path, repo.state_dir, config)
    with_tests = bool(config["test_execution_required"])
    baseline = validator.baseline(repo.commit_tree(tip), with_tests=with_tests)
    staging.checkout(revert_commit)
    changed = {f.path: f.change for f in changed_files(repo, tip, revert_commit)}
    verdict = validator.check_syntax(changed)
    if verdict.ok:
        verdict = validator.check_imports(
            changed, failing_at_base=imports_failing_at(staging, validator, tip, revert_commit)
        )
    if verdict.ok and with_tests and baseline.tests is not None and not baseline.failing:
        verdict = validator.check_tests(baseline)
    if not verdict.ok:
        raise RollbackFailedError(
            f"rolling back {upgrade_id} fails validation ({verdict.failure_type}): {verdict.detail}",
            hint="later work depends on this upgrade; revert that work first or revert by hand",
        )


def _revert_message(repo: GitRepo, merged: CommitId, record: UpgradeRecord) -> str:
    title = commit_message(repo, merged).splitlines()[0]
    return format_message(
        f'Revert "{title}"',
        f"This reverts commit {merged}.",
        {"Upgrade-Id": record.id, "Upgrade-Type": f"rollback:{record.type}"},
    )


def _refuse(
    ledger: UpgradeLedger,
    record: UpgradeRecord,
    merged: CommitId,
    target: BranchName,
    conflicts: Sequence[str],
    started: float,
) -> NoReturn:
    """A revert that built nothing: record and raise its conflicts, or say there is nothing to undo."""
    if not conflicts:
        raise UserError(f"{record.id} has nothing left to undo on {target}")
    result = RollbackOutcome(
        record.id,
        "conflict",
        None,
        [],
        _since(started),
        list(conflicts),
        target,
        "the revert conflicts with later work; nothing was changed",
    )
    ledger.record_rollback({**_payload(result), "commit": merged})
    raise RollbackFailedError(
        f"cannot roll back {record.id}: reverting conflicts in {', '.join(conflicts)}",
        hint="resolve it by hand with git revert, or roll back the later upgrades first",
    )


def _delete_branch(repo: GitRepo, ledger: UpgradeLedger, record: UpgradeRecord, started: float) -> RollbackOutcome:
    branch = upgrade_branch(record.id)
    commit = read_ref(repo, branch_ref(branch))
    if commit is not None:
        backup(repo, record.id, commit, CommitId(record.base_commit) if record.base_commit else None)
        delete_ref(repo, branch_ref(branch))
    result = RollbackOutcome(
        record.id,
        "deleted_branch",
        None,
        [],
        _since(started),
        [],
        None,
        f"deleted {branch}" if commit else f"{branch} did not exist",
    )
    ledger.record_rollback({**_payload(result), "commit": commit or record.commit or record.base_commit})
    return result


def _payload(result: RollbackOutcome) -> dict[str, Any]:
    return {k: v for k, v in result.to_dict().items() if k not in ("target_branch", "detail")}


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)
