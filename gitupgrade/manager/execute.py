"""Executing one upgrade: build it on the target tip in core_v2, validate, record, deploy.

An upgrade is built as a commit on ``upgrade/<id>`` whose parent is the target
branch's tip, validated in the staging worktree against the tip's baseline, and
then, when the risk policy auto-approves it, merged by compare-and-swap. If the
target moved meanwhile the upgrade is regenerated on the new tip and validated
again, up to ``max_upgrade_retries`` times.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

from gitupgrade.config import Config
from gitupgrade.errors import GitUpgradeError, NoTargetBranchError, RefMovedError, RefusedError
from gitupgrade.manager.attempt import Attempt, Build, Ready, UpgradeOutcome
from gitupgrade.manager.deploy import deploy
from gitupgrade.manager.policy import RiskPolicy
from gitupgrade.manager.progress import NO_PROGRESS, Progress, Stage
from gitupgrade.manager.quality import QualityGate
from gitupgrade.manager.staging import Staging
from gitupgrade.manager.surface import check_surface
from gitupgrade.manager.validation import Baseline, Validator, Verdict, imports_failing_at
from gitupgrade.outcomes import FAILURE_TYPES
from gitupgrade.refactor import CodeRefactorer, RefactorResult, Status
from gitupgrade.repo import BranchName, CommitId, GitRepo
from gitupgrade.repo.branches import backup, delete_ref, point_branch, upgrade_branch
from gitupgrade.repo.commits import add_trailers, commit_worktree, format_message, is_ancestor
from gitupgrade.repo.diffs import changed_files
from gitupgrade.repo.merge import merge as merge_in_memory
from gitupgrade.repo.names import branch_ref
from gitupgrade.repo.refs import read_ref
from gitupgrade.repo.worktree import changed_paths
from gitupgrade.suggestion import Suggestion, shown_priority

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord


class BaselineFailingError(GitUpgradeError):
    """The base commit does not pass its own tests: nothing is merged against it."""

    def __init__(self, commit: CommitId, detail: str) -> None:
        super().__init__(
            f"the tests fail at {commit[:10]} before any upgrade: {detail}",
            hint="fix the failing tests (or validation.test_command), then run git upgrade run again",
        )
        self.commit = commit
        self.detail = detail


class Executor:
    """Builds, validates, records and deploys upgrades, one at a time (the lock is the caller's)."""

    def __init__(
        self,
        repo: GitRepo,
        ledger: UpgradeLedger,
        staging: Staging,
        config_at: Callable[[CommitId], Config],
        progress: Progress = NO_PROGRESS,
    ) -> None:
        self.repo = repo
        self.progress = progress
        self.ledger = ledger
        self.staging = staging
        self.config_at = config_at
        self.suite_runs = 0
        self.quality = QualityGate(repo)

    def run_one(self, record: UpgradeRecord, target: BranchName, approved_by: str | None = None) -> UpgradeOutcome:
        """Execute a pending upgrade to its end state (merged, awaiting_review, approved, failed, refused).

        ``approved_by`` says who approved it beforehand (a reviewer): it then merges when
        its validation here passes, whatever the risk policy says.
        """
        started = time.monotonic()
        assert record.suggestion is not None, f"{record.id} was queued without its suggestion"
        suggestion = Suggestion.from_dict(record.suggestion)

        def prepare(tip: CommitId, config: Config, attempt: int) -> Ready | UpgradeOutcome:
            policy = RiskPolicy.with_learning(config, self.ledger)
            build = self.build(record.id, suggestion, tip, config, policy, announce=attempt == 1)
            common = Attempt.of(record.id, suggestion, build, started, attempt)
            if not build.built:
                return self.record_failure(common, build)
            approved, reason = (True, approved_by) if approved_by else policy.approval(suggestion)
            common = replace(common, approval=reason)
            if not approved:
                return self.record(common, "awaiting_review")
            self.record(common, "approved")
            assert build.commit is not None  # built
            return Ready(common, build.commit)

        return self._until_merged(target, prepare)

    def _until_merged(
        self, target: BranchName, prepare: Callable[[CommitId, Config, int], Ready | UpgradeOutcome]
    ) -> UpgradeOutcome:
        """The one retry loop: ``prepare`` an attempt on the target's tip and merge it by compare-and-swap.

        ``prepare`` ends the upgrade itself (an outcome) or hands back what to merge; when
        the target moved meanwhile it is asked again on the new tip, up to
        ``max_upgrade_retries`` times.
        """
        for attempt in itertools.count(1):
            tip = self.target_tip(target)
            config = self.config_at(tip)
            ready = prepare(tip, config, attempt)
            if isinstance(ready, UpgradeOutcome):
                return ready
            try:
                return self.merge(ready.attempt, target, tip, ready.new, ready.fast_forward)
            except RefusedError as exc:
                return self.record(replace(ready.attempt, detail=exc.message), "approved", "local_changes")
            except RefMovedError as exc:
                if attempt > int(config["max_upgrade_retries"]):
                    gave_up = f"{exc.message}; gave up after {attempt} attempts"
                    return self.record(replace(ready.attempt, detail=gave_up), "failed", "merge_conflict")
        raise AssertionError("itertools.count never ends")

    def build(
        self,
        upgrade_id: str,
        suggestion: Suggestion,
        base: CommitId,
        config: Config,
        policy: RiskPolicy,
        announce: bool = True,
        with_suite: bool = True,
    ) -> Build:
        """Apply the suggestion on ``base`` in core_v2, commit it on ``upgrade/<id>`` and validate it.

        ``with_suite`` False stops after the syntax and import checks (a batch runs the
        test suite once for the whole stack).
        """
        self.progress.stage(upgrade_id, Stage.BASELINE)
        worktree, validator, baseline, need_tests = self._baseline(base, config, policy, suggestion)
        self.progress.stage(upgrade_id, Stage.BUILD)
        if announce:
            # Marks the upgrade in progress: a crash from here on leaves a visible trace to recover.
            self.ledger.append("upgrade_started", base, upgrade_id=upgrade_id)
        branch = upgrade_branch(upgrade_id)
        point_branch(self.repo, branch, base, f"git upgrade: start {upgrade_id}")
        result = CodeRefactorer(worktree.path, config).execute_refactor(suggestion)
        refusal = self._refusal(suggestion, result, changed_paths(worktree))
        if refusal is not None:
            return Build(base, None, refusal, baseline, result.strategy, [])
        commit = commit_worktree(self.repo, worktree, _commit_message(upgrade_id, suggestion, result))
        assert commit is not None  # _refusal returned a verdict when nothing changed
        point_branch(self.repo, branch, commit, f"git upgrade: build {upgrade_id}")
        files = [asdict(f) for f in changed_files(self.repo, base, commit)]
        assessment = self.quality.assess(config, base, commit, suggestion)
        if assessment.problem is not None:
            verdict = Verdict.fail("refused", assessment.problem)
        else:
            self.progress.stage(upgrade_id, Stage.CHECKS)
            verdict = self._validate(
                validator,
                {f["path"]: f["change"] for f in files},
                baseline,
                policy,
                need_tests,
                with_suite,
                (base, commit),
                upgrade_id,
            )
        if verdict.ok:
            commit = self._keep_passed(validator, baseline, branch, commit, verdict, with_suite)
        if verdict.ok and result.reason:
            # e.g. the model was unreachable and a rule did the work: say so in the record
            verdict = replace(verdict, detail=result.reason)
        return Build(base, commit, verdict, baseline, result.strategy, files, assessment.quality)

    def _keep_passed(
        self,
        validator: Validator,
        baseline: Baseline,
        branch: BranchName,
        commit: CommitId,
        verdict: Verdict,
        with_suite: bool,
    ) -> CommitId:
        """Remember what the passed commit's checks found (the next upgrade's baseline once it merges);
        the commit, re-made with its ``Static-Checks:`` trailer when static checks ran."""
        if with_suite and not validator.benchmark_command:
            validator.remember(self.repo.commit_tree(commit), verdict.tests)
        if verdict.static is None or baseline.static is None:
            return commit
        validator.static.remember(self.repo.commit_tree(commit), baseline.static, verdict.static)
        return self.with_static_trailer(branch, commit, verdict)

    def _baseline(
        self, base: CommitId, config: Config, policy: RiskPolicy, suggestion: Suggestion
    ) -> tuple[Any, Validator, Baseline, bool]:
        """Check out ``base`` in core_v2 and get its baseline (cached by tree id); a failing one raises."""
        worktree = self.staging.checkout(base)
        validator = Validator(worktree.path, self.repo.state_dir, config)
        need_tests = policy.require_tests(suggestion.risk_level)
        baseline = validator.baseline(self.repo.commit_tree(base), with_tests=need_tests)
        self.suite_runs += validator.suite_runs
        if need_tests and baseline.failing:
            raise BaselineFailingError(base, baseline.describe_failure())
        if policy.require_checks():
            baseline = replace(baseline, static=validator.static.baseline(self.repo.commit_tree(base)))
        return worktree, validator, baseline, need_tests

    def _validate(
        self,
        validator: Validator,
        changed: dict[str, str],
        baseline: Baseline,
        policy: RiskPolicy,
        need_tests: bool,
        with_suite: bool,
        base_and_head: tuple[CommitId, CommitId],
        upgrade_id: str = "",
    ) -> Verdict:
        runs_before = validator.suite_runs
        verdict = self._check_code(validator, changed, base_and_head) if policy.require_checks() else Verdict(True)
        # Static checks after the import check and before the suite: the linters take a second
        # where a suite takes minutes, and mypy, incremental from the base's run, rechecks only
        # what changed; a new finding then costs no suite run.
        static = None
        if verdict.ok and with_suite:
            verdict = validator.check_static(baseline, changed)
            static = verdict.static
        if verdict.ok and need_tests and with_suite:
            self.progress.stage(upgrade_id, Stage.TESTS)
            verdict = validator.check_tests(baseline)
        if verdict.ok and with_suite:
            bench = validator.check_benchmark(baseline)
            verdict = bench if not bench.ok else verdict
        self.suite_runs += validator.suite_runs - runs_before
        return replace(verdict, static=verdict.static or static)

    def _check_code(
        self, validator: Validator, changed: dict[str, str], base_and_head: tuple[CommitId, CommitId]
    ) -> Verdict:
        """The syntax and import checks, then the public surface's when configured."""
        verdict = validator.check_syntax(changed)
        if verdict.ok:
            verdict = validator.check_imports(
                changed, failing_at_base=imports_failing_at(self.staging, validator, *base_and_head)
            )
        if verdict.ok and validator.public_surface:
            verdict = check_surface(self.staging, validator, self.repo, *base_and_head)
        return verdict

    def with_static_trailer(self, branch: BranchName, commit: CommitId, verdict: Verdict) -> CommitId:
        """The validated commit re-made with a ``Static-Checks:`` trailer (same tree), ``branch`` moved to it."""
        if verdict.static is None or not verdict.static.tools:
            return commit
        remade = add_trailers(self.repo, commit, {"Static-Checks": verdict.static.summary()})
        point_branch(self.repo, branch, remade, "git upgrade: static checks trailer")
        return remade

    def merge(
        self, attempt: Attempt, target: BranchName, tip: CommitId, new: CommitId, fast_forward: bool = True
    ) -> UpgradeOutcome:
        """Move ``target`` from ``tip`` to ``new`` (the upgrade commit, or a merge commit) and record it."""
        upgrade_id = attempt.upgrade_id
        self.progress.stage(upgrade_id, Stage.MERGE)
        deploy(self.repo, target, tip, new, f"git upgrade: merge {upgrade_id}")
        self.ledger.log_merge(upgrade_id, new, target, fast_forward, commit=attempt.commit or new)
        delete_ref(self.repo, branch_ref(upgrade_branch(upgrade_id)))
        return attempt.outcome("merged", merge_commit=new, fast_forward=fast_forward)

    def approve(self, record: UpgradeRecord, target: BranchName) -> UpgradeOutcome:
        """Merge a reviewed upgrade: fast-forward when its base is still the tip, else a merge
        commit validated on the new tip (or, when that conflicts, the upgrade rebuilt there)."""
        started = time.monotonic()
        # an upgrade awaiting review was built: it has its suggestion, base and commit
        assert record.suggestion is not None and record.base_commit is not None and record.commit is not None
        suggestion = Suggestion.from_dict(record.suggestion)
        base, commit = CommitId(record.base_commit), CommitId(record.commit)

        def prepare(tip: CommitId, config: Config, attempt: int) -> Ready | UpgradeOutcome:
            if tip == base or is_ancestor(self.repo, tip, commit):
                build = Build(
                    base,
                    commit,
                    Verdict(True),
                    Baseline(self.repo.commit_tree(tip), None, None),
                    record.strategy or "",
                    list(record.files),
                )
                new = commit
            else:
                build, new = self._rebase_reviewed(record, suggestion, tip, commit, config, RiskPolicy(config))
            common = Attempt.of(record.id, suggestion, build, started, attempt)
            common = replace(common, detail="approved by a reviewer")
            if common.static_checks is None and new == commit:
                common = replace(common, static_checks=record.static_checks)  # as validated before the review
            if not build.built:
                return self.record_failure(common, build)
            return Ready(common, new, fast_forward=new == build.commit)

        return self._until_merged(target, prepare)

    def _rebase_reviewed(
        self,
        record: UpgradeRecord,
        suggestion: Suggestion,
        tip: CommitId,
        commit: CommitId,
        config: Config,
        policy: RiskPolicy,
    ) -> tuple[Build, CommitId]:
        # A merge commit keeps the reviewed commit as it was reviewed; only a conflict makes us
        # regenerate the change on the new tip.
        plan = merge_in_memory(self.repo, tip, commit, f"Merge {upgrade_branch(record.id)}: {suggestion.title}")
        if plan.commit is None:
            build = self.build(record.id, suggestion, tip, config, policy, announce=False)
            return build, build.commit or tip
        _, validator, baseline, need_tests = self._baseline(tip, config, policy, suggestion)
        self.staging.checkout(plan.commit)
        changed = {f.path: f.change for f in changed_files(self.repo, tip, plan.commit)}
        verdict = self._validate(validator, changed, baseline, policy, need_tests, True, (tip, plan.commit), record.id)
        files = [asdict(f) for f in changed_files(self.repo, tip, plan.commit)]
        return Build(tip, commit, verdict, baseline, record.strategy or "", files), plan.commit

    @staticmethod
    def _refusal(suggestion: Suggestion, result: RefactorResult, changed: dict[str, str]) -> Verdict | None:
        if result.status is not Status.APPLIED:
            kind = result.failure_type if result.failure_type in FAILURE_TYPES else "refused"
            failed = result.status is not Status.REFUSED
            prefix = "the strategy failed: " if failed else ""
            return Verdict(False, kind, prefix + (result.reason or result.status.value), strategy_failed=failed)
        if not changed:
            return Verdict(False, "refused", "the strategy changed no file")
        allowed = set(suggestion.affected_modules)
        outside = sorted(p for p, kind in changed.items() if kind != "CREATE" and p not in allowed)
        if outside:
            return Verdict(False, "refused", f"the strategy changed files outside its suggestion: {', '.join(outside)}")
        return None

    def target_tip(self, target: BranchName) -> CommitId:
        """The commit the target branch points at now."""
        tip = read_ref(self.repo, branch_ref(target))
        if tip is None:
            raise NoTargetBranchError(f"the target branch {target} does not exist")
        return tip

    def record_failure(self, attempt: Attempt, build: Build) -> UpgradeOutcome:
        """Record a failed or refused build; its commit and base stay as backup refs."""
        # A failed upgrade is kept as a backup ref (with its base) for inspection; its branch goes.
        backup(self.repo, attempt.upgrade_id, build.commit, build.base)
        delete_ref(self.repo, branch_ref(upgrade_branch(attempt.upgrade_id)))
        refused = build.commit is None and not build.verdict.strategy_failed
        status = "refused" if refused else "failed"
        return self.record(replace(attempt, branch=None), status, build.verdict.failure_type or "refused")

    def record(self, attempt: Attempt, status: str, failure_type: str | None = None) -> UpgradeOutcome:
        """Write the ``upgrade_executed`` event of an end state and return the outcome."""
        self.ledger.record_execution(attempt.execution(status, failure_type))
        return attempt.outcome(status, failure_type)


def _commit_message(upgrade_id: str, suggestion: Suggestion, result: RefactorResult) -> str:
    """The upgrade commit's message: the change's title, the strategy's summary, the trailers."""
    return format_message(
        result.title or suggestion.title,
        result.summary,
        {
            "Upgrade-Id": upgrade_id,
            "Upgrade-Type": suggestion.type,
            "Risk-Level": suggestion.risk_level,
            "Priority": str(shown_priority(suggestion.priority)),
        },
    )
