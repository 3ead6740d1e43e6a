"""Another clone's suggestion runs only as what a scan here finds: re-derived, or refused.

The ledger is shared, so an ``upgrade_queued`` event this clone did not write (see
``ledger/provenance.py``) may carry any evidence, risk and priority. Before such an
upgrade runs, its base commit is scanned here; the suggestion with the same stable id
replaces the event's (evidence, paths, risk level), it is queued again by this clone
with the priority the local policy gives it, and only then built. A suggestion the
scan does not find, or that the local policy would not queue, is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gitupgrade.config import Config
from gitupgrade.errors import GitUpgradeError
from gitupgrade.manager.attempt import UpgradeOutcome
from gitupgrade.manager.policy import RiskPolicy
from gitupgrade.repo import BranchName, CommitId, GitRepo
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord


NOT_FOUND = "queued by another clone and not found by a scan of its base here"


class Rederiver:
    """Re-derives foreign suggestions from local scans (one scan per base commit)."""

    def __init__(self, repo: GitRepo, ledger: UpgradeLedger, config_at: Callable[[CommitId], Config]) -> None:
        self.repo = repo
        self.ledger = ledger
        self.config_at = config_at
        self._scans: dict[CommitId, dict[str, Suggestion]] = {}

    def local_record(self, record: UpgradeRecord, target: BranchName) -> tuple[UpgradeRecord, UpgradeOutcome | None]:
        """``(record, None)`` ready to run here, or ``(record, refusal)`` recorded in the ledger."""
        if record.queued_here:
            return record, None
        wanted = (record.suggestion or {}).get("id")
        try:
            base = self.repo.resolve_commit(str(record.base_commit))
        except GitUpgradeError:
            return record, self._refuse(record, None, f"{NOT_FOUND}: its base commit is not in this repository")
        found = self._scan(base).get(wanted) if isinstance(wanted, str) else None
        if found is None:
            return record, self._refuse(record, base, NOT_FOUND)
        from gitupgrade.refactor import registry
        from gitupgrade.refactor.llm import route_suggestion

        config = self.config_at(base)
        policy = RiskPolicy.with_learning(config, self.ledger)
        found = route_suggestion(found, config)
        refusal = policy.queue_refusal(found, registry.handled_types())
        if refusal is not None:
            return record, self._refuse(record, base, f"queued by another clone; refused here: {refusal}")
        priority = policy.learner.priority_for(found) if policy.learner is not None else found.priority
        self.ledger.log_upgrade_queued(record.id, found, base, target, priority)
        queued = self.ledger.upgrade(record.id)
        assert queued is not None, f"{record.id} was just queued"
        return queued, None

    def _scan(self, base: CommitId) -> dict[str, Suggestion]:
        if base not in self._scans:
            from gitupgrade.analysis import ArchitectAnalyzer

            report = ArchitectAnalyzer(self.repo, self.config_at(base)).analyze_codebase(rev=base)
            self._scans[base] = {s.id: s for s in report.suggestions}
        return self._scans[base]

    def _refuse(self, record: UpgradeRecord, base: CommitId | None, detail: str) -> UpgradeOutcome:
        # Recorded on a commit this clone has: the base when it exists, else HEAD.
        where = base or self.repo.resolve_commit("HEAD")
        self.ledger.record_execution(
            {
                "upgrade_id": record.id,
                "status": "refused",
                "failure_type": "refused",
                "base_commit": where,
                "detail": detail,
                "type": record.type,
            }
        )
        return UpgradeOutcome(record.id, "refused", None, None, base, "refused", detail)
