"""Batches: stack independent upgrades, run the suite once on the stack, bisect on failure.

As a merge queue does: upgrades that share no file are each built on the target's
tip (syntax and import checks run per upgrade), then replayed one on top of the
other; the test suite runs once on the top of that stack. When it fails, the stack
is split in halves until each failing upgrade is isolated: one bad upgrade among n
costs at most 2*log2(n)+1 suite runs, n good ones cost one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from gitupgrade.config import Config
from gitupgrade.errors import RefMovedError, RefusedError
from gitupgrade.manager.attempt import Attempt, Build, UpgradeOutcome
from gitupgrade.manager.deploy import deploy
from gitupgrade.manager.execute import Executor
from gitupgrade.manager.policy import RiskPolicy
from gitupgrade.manager.static_checks import StaticReport
from gitupgrade.manager.validation import Validator, Verdict
from gitupgrade.repo import BranchName, CommitId, GitRepo
from gitupgrade.repo.branches import delete_ref, upgrade_branch
from gitupgrade.repo.diffs import changed_files
from gitupgrade.repo.merge import cherry_pick
from gitupgrade.repo.names import branch_ref
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeRecord


@dataclass(frozen=True)
class Member:
    """One upgrade of a batch: its ledger record, suggestion and build on the tip."""

    record: UpgradeRecord
    suggestion: Suggestion
    build: Build

    @property
    def commit(self) -> CommitId:
        """The upgrade's commit: a member was built (a strategy that changed nothing is never batched)."""
        assert self.build.commit is not None
        return self.build.commit


def select_independent(records: Sequence[UpgradeRecord]) -> tuple[list[UpgradeRecord], list[UpgradeRecord]]:
    """Split records (priority order) into a batch sharing no affected file, and the rest."""
    used: set[str] = set()
    batch: list[UpgradeRecord] = []
    rest: list[UpgradeRecord] = []
    for record in records:
        files = set((record.suggestion or {}).get("affected_modules") or ())
        if files & used:
            rest.append(record)
        else:
            used |= files
            batch.append(record)
    return batch, rest


def bisect(
    members: Sequence[Member], test: Callable[[Sequence[Member]], Verdict], known: Verdict | None = None
) -> dict[str, Verdict | None]:
    """Per upgrade id: None when it passes, else the verdict of the smallest failing stack holding it.

    ``known`` is the failing verdict of ``members`` when already tested.
    """
    verdict = known or test(members)
    if verdict.ok:
        return {m.record.id: None for m in members}
    if len(members) == 1:
        return {members[0].record.id: verdict}
    half = len(members) // 2
    left, right = members[:half], members[half:]
    left_verdict = test(left)
    found: dict[str, Verdict | None] = (
        bisect(left, test, left_verdict) if not left_verdict.ok else {m.record.id: None for m in left}
    )
    # The whole failed and the left half passed: the right half holds the failure, no need to test it.
    found.update(bisect(right, test, verdict if left_verdict.ok else None))
    return found


class BatchRunner:
    """Runs one batch of independent upgrades on the target's tip."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    def run(self, records: Sequence[UpgradeRecord], target: BranchName) -> list[UpgradeOutcome]:
        """Build, validate as a stack, bisect, record and deploy the batch; outcomes in order."""
        ex = self.executor
        started = time.monotonic()
        tip = ex.target_tip(target)
        config = ex.config_at(tip)
        policy = RiskPolicy.with_learning(config, ex.ledger)
        outcomes: dict[str, UpgradeOutcome] = {}
        members: list[Member] = []
        seen_files: set[str] = set()
        for record in records:
            assert record.suggestion is not None, f"{record.id} was queued without its suggestion"
            suggestion = Suggestion.from_dict(record.suggestion)
            build = ex.build(record.id, suggestion, tip, config, policy, with_suite=False)
            files = {f["path"] for f in build.files}
            if build.commit is not None and files & seen_files:
                build = Build(
                    tip,
                    build.commit,
                    Verdict.fail(
                        "merge_conflict", "touches a file another upgrade of the batch changes; run it on its own"
                    ),
                    build.baseline,
                    build.strategy,
                    build.files,
                )
            if not build.built:
                outcomes[record.id] = ex.record_failure(Attempt.of(record.id, suggestion, build, started, 1), build)
                continue
            seen_files |= files
            members.append(Member(record, suggestion, build))
        if members:
            outcomes.update(self._validate_and_deploy(members, tip, target, config, policy, started))
        return [outcomes[r.id] for r in records if r.id in outcomes]

    def _validate_and_deploy(
        self,
        members: list[Member],
        tip: CommitId,
        target: BranchName,
        config: Config,
        policy: RiskPolicy,
        started: float,
    ) -> dict[str, UpgradeOutcome]:
        ex = self.executor
        validator = Validator(ex.staging.path, ex.repo.state_dir, config)
        baseline = members[0].build.baseline
        need_tests = {m.record.id for m in members if policy.require_tests(m.suggestion.risk_level)}
        # The static checks run on the stack too (before its suite), so every member is checked when there are any.
        checked = members if baseline.static is not None else [m for m in members if m.record.id in need_tests]
        passed_static: dict[str, StaticReport] = {}

        def test(group: Sequence[Member]) -> Verdict:
            top = self._stack(group, tip)
            ex.staging.checkout(top)
            static = validator.check_static(baseline, {f.path for f in changed_files(ex.repo, tip, top)})
            if not static.ok:
                return static
            with_suite = baseline.tests is not None and any(m.record.id in need_tests for m in group)
            verdict = validator.check_tests(baseline) if with_suite else Verdict(True)
            if verdict.ok and not validator.benchmark_command:
                validator.remember(ex.repo.commit_tree(top), verdict.tests)  # the next base, once merged
            verdict = validator.check_benchmark(baseline) if verdict.ok else verdict
            if verdict.ok and static.static is not None and baseline.static is not None:
                validator.static.remember(ex.repo.commit_tree(top), baseline.static, static.static)
                for member in group:
                    passed_static.setdefault(member.record.id, static.static)
            return replace(verdict, static=static.static)

        verdicts = bisect(checked, test) if checked else {}
        ex.suite_runs += validator.suite_runs
        outcomes: dict[str, UpgradeOutcome] = {}
        approved: list[tuple[Member, Attempt]] = []
        for member in members:
            verdict = verdicts.get(member.record.id)
            build = member.build
            if verdict is not None:
                build = replace(build, verdict=verdict)
            elif member.record.id in passed_static:
                static = replace(build.verdict, static=passed_static[member.record.id])
                branch = upgrade_branch(member.record.id)
                build = replace(build, commit=ex.with_static_trailer(branch, member.commit, static), verdict=static)
                member = replace(member, build=build)
            common = Attempt.of(member.record.id, member.suggestion, build, started, 1)
            if verdict is not None:
                outcomes[member.record.id] = ex.record_failure(common, build)
                continue
            approved_now, reason = policy.approval(member.suggestion)
            common = replace(common, approval=reason)
            if not approved_now:
                outcomes[member.record.id] = ex.record(common, "awaiting_review")
            else:
                ex.record(common, "approved")
                approved.append((member, common))
        if approved:
            outcomes.update(self._deploy(approved, tip, target))
        return outcomes

    def _deploy(
        self, approved: list[tuple[Member, Attempt]], tip: CommitId, target: BranchName
    ) -> dict[str, UpgradeOutcome]:
        ex = self.executor
        stacked: list[CommitId] = []
        onto = tip
        for member, _ in approved:
            onto = _picked(ex.repo, member.commit, onto)
            stacked.append(onto)
        outcomes: dict[str, UpgradeOutcome] = {}
        try:
            deploy(ex.repo, target, tip, onto, f"git upgrade: merge a batch of {len(approved)}")
        except (RefMovedError, RefusedError) as exc:
            failure = "local_changes" if isinstance(exc, RefusedError) else None
            for member, common in approved:
                detail = exc.message if failure else f"{exc.message}; run the batch again"
                outcomes[member.record.id] = ex.record(replace(common, detail=detail), "approved", failure)
            return outcomes
        for (member, common), commit in zip(approved, stacked, strict=True):
            upgrade_id = member.record.id
            ex.ledger.log_merge(upgrade_id, commit, target, commit == member.build.commit, commit=member.build.commit)
            delete_ref(ex.repo, branch_ref(upgrade_branch(upgrade_id)))
            outcomes[upgrade_id] = common.outcome(
                "merged", merge_commit=commit, fast_forward=commit == member.build.commit
            )
        return outcomes

    def _stack(self, group: Sequence[Member], tip: CommitId) -> CommitId:
        onto = tip
        for member in group:
            onto = _picked(self.executor.repo, member.commit, onto)
        return onto


def _picked(repo: GitRepo, commit: CommitId, onto: CommitId) -> CommitId:
    """``commit`` replayed on ``onto``: members of a batch touch no common file, so it never conflicts."""
    outcome = cherry_pick(repo, commit, onto)
    assert outcome.commit is not None, f"{commit[:10]} conflicts on {onto[:10]}"
    return outcome.commit
