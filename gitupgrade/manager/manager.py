"""UpgradeManager: the facade of the spec over queue, execution, deploy, rollback and views.

Commands that change refs or the staging worktree (run, approve, reject, rollback,
gc) hold the one-runner lock; read-only ones (status, diff) never wait for it, nor
load the execution machinery (validation, static checks, the surface probe): those
modules are imported by the methods that use them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitupgrade.config import Config, load_config
from gitupgrade.errors import NoTargetBranchError, UserError
from gitupgrade.interrupt import sigint_deferred
from gitupgrade.manager import queue as upgrade_queue
from gitupgrade.manager import reconcile
from gitupgrade.manager.policy import RiskPolicy
from gitupgrade.manager.progress import NO_PROGRESS, Progress
from gitupgrade.manager.review import UpgradeDiff, upgrade_diff, upgrade_status
from gitupgrade.repo import BranchName, CommitId, GitRepo, branch_ref
from gitupgrade.repo.branches import backup, delete_ref, upgrade_branch
from gitupgrade.repo.lock import RunnerLock
from gitupgrade.repo.merge_recovery import recover_interrupted_merge
from gitupgrade.repo.refs import read_ref
from gitupgrade.spec_forms import as_repo
from gitupgrade.suggestion import Suggestion, check_priority

if TYPE_CHECKING:
    from gitupgrade.analysis import AnalysisReport
    from gitupgrade.learning import LearningReport
    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord
    from gitupgrade.manager.attempt import UpgradeOutcome
    from gitupgrade.manager.execute import Executor
    from gitupgrade.manager.gc import GcReport
    from gitupgrade.manager.rollback import RollbackOutcome


@dataclass(frozen=True)
class ScanOutcome:
    """A scan's report and what became of its suggestions."""

    report: AnalysisReport
    commit: CommitId
    queued: tuple[str, ...]
    filtered: tuple[tuple[str, str], ...]

    @property
    def filtered_count(self) -> int:
        """How many suggestions were not queued."""
        return len(self.filtered)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the analysis (the spec's structure) and what was queued."""
        return {
            "commit": self.commit,
            "analysis": self.report.to_dict(),
            "queued": list(self.queued),
            "filtered": [{"suggestion_id": sid, "reason": why} for sid, why in self.filtered],
        }


@dataclass
class RunReport:
    """What one ``run`` did: per-upgrade outcomes, recovery messages, a failing baseline."""

    outcomes: list[UpgradeOutcome] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    baseline_failure: str | None = None
    suite_runs: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the ``run --json`` document)."""
        return {
            "upgrades": [o.to_dict() for o in self.outcomes],
            "messages": self.messages,
            "baseline_failure": self.baseline_failure,
            "suite_runs": self.suite_runs,
        }


class UpgradeManager:
    """Queue, execute, validate, deploy and roll back upgrades of one repository."""

    def __init__(
        self,
        repo: GitRepo | str | os.PathLike[str] = ".",
        config_file: Path | None = None,
        ledger: UpgradeLedger | None = None,
        progress: Progress = NO_PROGRESS,
    ) -> None:
        self.repo = as_repo(repo)  # the spec's form: a path inside the repository
        self.progress = progress  # told each stage of each upgrade (the CLI shows it)
        self.config_file = config_file
        self._ledger = ledger
        self._configs: dict[CommitId, Config] = {}

    # -- configuration and collaborators ----------------------------------------------------
    def config_at(self, commit: CommitId) -> Config:
        """The configuration for work on ``commit`` (its config.yaml, then --config)."""
        if commit not in self._configs:
            self._configs[commit] = load_config(self.repo, commit, self.config_file)
        return self._configs[commit]

    @property
    def ledger(self) -> UpgradeLedger:
        """The ledger, opened with the configuration of HEAD."""
        if self._ledger is None:
            from gitupgrade.ledger import UpgradeLedger

            self._ledger = UpgradeLedger(self.repo, self.config_at(self.repo.resolve_commit("HEAD")))
        return self._ledger

    def target_branch(self, config: Config | None = None) -> BranchName:
        """``integration.target_branch``, else the branch checked out here."""
        config = config or self.config_at(self.repo.resolve_commit("HEAD"))
        configured = config.get_path("integration.target_branch")
        branch = BranchName(configured) if configured else self.repo.current_branch()
        if branch is None:
            raise NoTargetBranchError("HEAD is detached and integration.target_branch is not set")
        return branch

    # -- scan and queue ------------------------------------------------------------------------
    def trigger_scan(
        self,
        target_path: str | Sequence[str] | None = None,
        rev: str = "HEAD",
        progress: Callable[[int, int], None] | None = None,
    ) -> ScanOutcome:
        """Analyse ``rev``, queue the suggestions the risk policy lets through, log the scan."""
        from gitupgrade.analysis import ArchitectAnalyzer

        commit = self.repo.resolve_commit(rev)
        config = self.config_at(commit)
        # The commit id pins the scan even if ``rev`` moves meanwhile; ``rev`` only names it in messages.
        report = ArchitectAnalyzer(self.repo, config).analyze_codebase(
            target_path, rev=rev, progress=progress, reuse=True
        )
        commit = CommitId(report.metadata["commit"])
        result = self.queue_suggestions(report.suggestions, commit, config)
        self.ledger.record_scan(
            commit, report.summary(), [s.id for s in report.suggestions], list(result.queued), len(result.filtered)
        )
        return ScanOutcome(report, commit, result.queued, result.filtered)

    def queue_suggestions(
        self, suggestions: list[Suggestion], base: CommitId | None = None, config: Config | None = None
    ) -> upgrade_queue.QueueResult:
        """Queue suggestions found on ``base`` as pending upgrades (stable ids are not queued twice).

        A priority off the 1-10 scale is a ValueError, raised before anything is queued.
        """
        from gitupgrade.refactor import registry

        for suggestion in suggestions:
            check_priority(suggestion.priority)
        base = base or self.repo.resolve_commit("HEAD")
        config = config or self.config_at(base)
        return upgrade_queue.enqueue(
            self.ledger,
            RiskPolicy.with_learning(config, self.ledger),
            suggestions,
            base,
            self.target_branch(config),
            registry.handled_types(),
        )

    # -- execution -----------------------------------------------------------------------------
    def run(self, ids: tuple[str, ...] = (), max_count: int | None = None) -> RunReport:
        """Execute pending upgrades (or the named ones) in priority order, under the runner lock."""
        from gitupgrade.manager.execute import BaselineFailingError
        from gitupgrade.manager.rederive import Rederiver

        for upgrade_id in ids:
            record = self.record(upgrade_id)
            if record.status not in ("pending", "in_progress"):
                raise UserError(
                    f"{upgrade_id} is {record.status.replace('_', ' ')}, not pending",
                    hint="git upgrade status lists the pending upgrades",
                )
        report = RunReport()
        with self._lock("run", report) as lock:
            executor = self._executor()
            target = self.target_branch()
            report.messages += reconcile.record_merged_elsewhere(self.repo, self.ledger, target)
            rederiver = Rederiver(self.repo, self.ledger, self.config_at)
            for record in upgrade_queue.runnable(self.ledger, ids):
                if max_count is not None and len(report.outcomes) >= max_count:
                    break
                record, refusal = rederiver.local_record(record, target)
                if refusal is not None:
                    report.outcomes.append(refusal)
                    continue
                if record.status == "in_progress":
                    report.messages.append(f"retrying {record.id}, interrupted by a crashed run")
                lock.update(record.id)
                try:
                    report.outcomes.append(executor.run_one(record, target))
                except BaselineFailingError as exc:
                    report.baseline_failure = exc.message
                    break
                except KeyboardInterrupt:
                    with sigint_deferred():
                        reconcile.record_interrupted(self.repo, self.ledger, record)
                    raise
                finally:
                    report.messages.extend(executor.staging.repairs)
                    executor.staging.repairs.clear()
            report.suite_runs = executor.suite_runs
        return report

    def run_batch(self, ids: tuple[str, ...] = (), max_count: int | None = None) -> RunReport:
        """Run independent pending upgrades as one validated stack (see ``manager.batch``);
        the upgrades that share files with the batch stay pending for the next run."""
        from gitupgrade.manager.batch import BatchRunner, select_independent
        from gitupgrade.manager.execute import BaselineFailingError
        from gitupgrade.manager.rederive import Rederiver

        report = RunReport()
        with self._lock("run", report) as lock:
            executor = self._executor()
            target = self.target_branch()
            rederiver = Rederiver(self.repo, self.ledger, self.config_at)
            records = []
            for record in upgrade_queue.runnable(self.ledger, ids)[:max_count]:
                record, refusal = rederiver.local_record(record, target)
                if refusal is None:
                    records.append(record)
                else:
                    report.outcomes.append(refusal)
            batch, rest = select_independent(records)
            if rest:
                report.messages.append(f"{len(rest)} upgrade(s) share files with the batch; left pending")
            lock.update(None)
            try:
                report.outcomes.extend(BatchRunner(executor).run(batch, target))
            except BaselineFailingError as exc:
                report.baseline_failure = exc.message
            except KeyboardInterrupt:
                with sigint_deferred():
                    for record in batch:
                        current = self.ledger.upgrade(record.id)
                        if current is not None and current.status == "in_progress":
                            reconcile.record_interrupted(self.repo, self.ledger, current)
                raise
            finally:
                report.messages.extend(executor.staging.repairs)
            report.suite_runs = executor.suite_runs
        return report

    def execute_upgrade(self, upgrade_id: str) -> UpgradeOutcome:
        """Execute one pending upgrade (the spec's method); a failing baseline raises."""
        from gitupgrade.manager.execute import BaselineFailingError

        report = self.run((upgrade_id,))
        if report.baseline_failure:
            raise BaselineFailingError(self.repo.resolve_commit("HEAD"), report.baseline_failure)
        return report.outcomes[0]

    def approve(self, upgrade_id: str) -> UpgradeOutcome:
        """Merge a reviewed upgrade; rebuilt and revalidated on the new tip when the target moved."""
        from gitupgrade.manager.rederive import Rederiver

        record = self.record(upgrade_id)
        if record.status not in ("awaiting_review", "approved"):
            raise UserError(
                f"{upgrade_id} is {record.status.replace('_', ' ')}; only upgrades awaiting review can be approved"
            )
        report = RunReport()
        with self._lock("approve", report):
            executor = self._executor()
            if not record.validated_here:
                # Another clone's validation is a claim, not a fact: validate it here first.
                target = self.target_branch()
                record, refusal = Rederiver(self.repo, self.ledger, self.config_at).local_record(record, target)
                if refusal is not None:
                    return refusal
                return executor.run_one(record, target, approved_by="approved by a reviewer after validation here")
            target = BranchName(record.target_branch or self.target_branch())
            return executor.approve(record, target)

    def reject(self, upgrade_id: str) -> dict[str, Any]:
        """Delete an upgrade's branch (kept as a backup ref) and remember the decision."""
        record = self.record(upgrade_id)
        if record.status in ("merged", "rolled_back", "rejected"):
            raise UserError(
                f"{upgrade_id} is {record.status.replace('_', ' ')}; cannot reject it",
                hint="use git upgrade rollback to undo a merged upgrade",
            )
        with self._lock("reject", RunReport()):
            branch = upgrade_branch(upgrade_id)
            commit = read_ref(self.repo, branch_ref(branch))
            if commit is not None:
                backup(self.repo, upgrade_id, commit, CommitId(record.base_commit) if record.base_commit else None)
                delete_ref(self.repo, branch_ref(branch))
            self.ledger.log_rejection(upgrade_id, commit or record.commit or record.base_commit)
        return {"upgrade_id": upgrade_id, "status": "rejected", "deleted_branch": branch if commit else None}

    def rollback_upgrade(self, upgrade_id: str) -> RollbackOutcome:
        """Revert a merged upgrade on its target branch, or delete an unmerged one's branch."""
        from gitupgrade.manager.rollback import rollback
        from gitupgrade.manager.staging import Staging

        record = self.record(upgrade_id)
        with self._lock("rollback", RunReport()):
            config = self.config_at(self.repo.resolve_commit("HEAD"))
            staging = Staging(self.repo, config)
            target = BranchName(record.target_branch or self.target_branch(config))
            reconcile.check_merge_shown(self.repo, record, target)
            return rollback(
                self.repo, self.ledger, record, target, staging, self.config_at, int(config["max_upgrade_retries"])
            )

    def learn_from_outcomes(self) -> LearningReport:
        """What the ledger's outcomes teach per type; trust changes are recorded as ``learning`` events."""
        from gitupgrade.learning import Learner

        return Learner(self.ledger, self.config_at(self.repo.resolve_commit("HEAD"))).learn_from_outcomes()

    # -- views -----------------------------------------------------------------------------------
    def get_upgrade_status(self) -> dict[str, Any]:
        """Queue counts, last and next scan, pending / in progress / recently completed upgrades."""
        config = self.config_at(self.repo.resolve_commit("HEAD"))
        target = config.get_path("integration.target_branch") or self.repo.current_branch()
        return upgrade_status(self.repo, self.ledger, config, target)

    def diff(self, upgrade_id: str) -> UpgradeDiff:
        """Type, affected modules and per-file changes of an upgrade, with its patch."""
        return upgrade_diff(self.repo, self.record(upgrade_id))

    def gc(self, dry_run: bool = False) -> GcReport:
        """Prune backups older than ``backup_retention_days``."""
        from gitupgrade.manager.gc import collect

        with self._lock("gc", RunReport()):
            return collect(self.repo, self.config_at(self.repo.resolve_commit("HEAD")), dry_run=dry_run)

    # -- helpers ---------------------------------------------------------------------------------
    def record(self, upgrade_id: str) -> UpgradeRecord:
        """The ledger's record of an upgrade; a user error naming it when unknown."""
        record = self.ledger.upgrade(upgrade_id)
        if record is None:
            raise UserError(f"unknown upgrade: {upgrade_id}", hint="git upgrade status lists the upgrades")
        return record

    def _executor(self) -> Executor:
        """An executor staging in core_v2 with the config at HEAD."""
        from gitupgrade.manager.execute import Executor
        from gitupgrade.manager.staging import Staging

        staging = Staging(self.repo, self.config_at(self.repo.resolve_commit("HEAD")))
        return Executor(self.repo, self.ledger, staging, self.config_at, self.progress)

    def _lock(self, command: str, report: RunReport) -> RunnerLock:
        lock = RunnerLock(self.repo, command).acquire()
        if lock.stale_owner is not None:
            report.messages.append(
                f"recovered from a crashed run: {lock.stale_owner.describe()} had died holding the lock; took it over"
            )
            from gitupgrade.manager.testrun import kill_orphaned_run

            stopped = kill_orphaned_run(self.repo.state_dir)
            if stopped:
                report.messages.append(stopped)
        # before anything reads the checkout: a half-done merge must not look like local changes
        recovery = recover_interrupted_merge(self.repo, holding_lock=True)
        if recovery is not None:
            report.messages.append(recovery.describe())
        self.last_messages = report.messages
        return lock
