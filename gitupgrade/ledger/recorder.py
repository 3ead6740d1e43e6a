"""The ``record_*`` and ``log_*`` methods of the ledger: one per event kind of the contract.

The spec's three (``log_scan``, ``log_upgrade_execution``, ``log_rollback``, returning
an event id) are in :mod:`gitupgrade.ledger.spec_log`; they are built on these.

A mixin of :class:`~gitupgrade.ledger.ledger.UpgradeLedger`, which provides
``append``, ``upgrade`` and ``repo``; each method says on which commit's note
its event goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Required, TypedDict

from gitupgrade.errors import UserError
from gitupgrade.ledger import events as ev
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.ledger.state import UpgradeRecord
    from gitupgrade.repo import CommitId, GitRepo


class ExecutionRecord(TypedDict, total=False):
    """The payload of an ``upgrade_executed`` event: what an end state of an upgrade records.

    Left-out keys are filled from ``events.EXECUTION_DEFAULTS`` when the event is made.
    """

    upgrade_id: Required[str]
    status: Required[str]  # one of outcomes.EXECUTION_STATUSES
    failure_type: str | None  # one of outcomes.FAILURE_TYPES
    type: str | None
    risk_level: str | None
    branch: str | None
    commit: str | None
    base_commit: str | None
    detail: str
    tests: dict[str, Any] | None  # {"baseline": counts, "after": counts}
    seconds: float | None
    files: list[dict[str, Any]]  # per file: path, change and line counts
    strategy: str | None
    quality: dict[str, float] | None
    static_checks: dict[str, Any] | None
    approval: str  # why it merged without review, or waits for one
    attempts: int
    merge_commit: str


class LedgerRecorder:
    """Typed shortcuts over ``append`` for each kind of event."""

    if TYPE_CHECKING:
        # Provided by UpgradeLedger.
        repo: GitRepo

        def append(self, event_kind: str, commit: str, /, **payload: Any) -> dict[str, Any]: ...

        def append_many(self, items: Iterable[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]: ...

        def upgrade(self, upgrade_id: str) -> UpgradeRecord | None: ...

        def resolve(self, commit: str) -> CommitId: ...

    def record_scan(
        self, commit: str, summary: dict[str, Any], suggestion_ids: list[str], queued: list[str], filtered: int
    ) -> dict[str, Any]:
        """Record a scan of ``commit`` (on that commit's note)."""
        return self.append(
            ev.SCAN,
            commit,
            commit=self.resolve(commit),
            summary=summary,
            suggestion_ids=list(suggestion_ids),
            queued=list(queued),
            filtered=filtered,
        )

    def log_upgrade_queued(
        self,
        upgrade_id: str,
        suggestion: Suggestion | dict[str, Any],
        base_commit: str,
        target_branch: str | None,
        priority: float | None = None,
    ) -> dict[str, Any]:
        """Record that a suggestion became a pending upgrade (on the base commit's note)."""
        (event,) = self.log_upgrades_queued([(upgrade_id, suggestion, priority)], base_commit, target_branch)
        return event

    def log_upgrades_queued(
        self,
        entries: Sequence[tuple[str, Suggestion | dict[str, Any], float | None]],
        base_commit: str,
        target_branch: str | None,
    ) -> list[dict[str, Any]]:
        """Record several ``(upgrade_id, suggestion, priority)`` queued on one base, in one notes commit."""
        base = self.resolve(base_commit)
        items = []
        for upgrade_id, suggestion, priority in entries:
            data = suggestion.to_dict() if isinstance(suggestion, Suggestion) else dict(suggestion)
            items.append(
                (
                    ev.UPGRADE_QUEUED,
                    base,
                    {
                        "upgrade_id": upgrade_id,
                        "suggestion": data,
                        "priority": data.get("priority") if priority is None else priority,
                        "base_commit": base,
                        "target_branch": target_branch,
                    },
                )
            )
        return self.append_many(items)

    def record_execution(self, record: ExecutionRecord) -> dict[str, Any]:
        """Record one execution (on the upgrade commit's note, else the base commit's)."""
        target = record.get("commit") or record.get("base_commit")
        if not target:
            raise UserError("an upgrade execution needs its commit or base_commit")
        return self.append(ev.UPGRADE_EXECUTED, target, **record)

    def log_merge(
        self, upgrade_id: str, merge_commit: str, target_branch: str, fast_forward: bool, commit: str | None = None
    ) -> dict[str, Any]:
        """Record that an upgrade was merged into ``target_branch``."""
        return self.append(
            ev.UPGRADE_MERGED,
            commit or self._upgrade_commit(upgrade_id, merge_commit),
            upgrade_id=upgrade_id,
            merge_commit=merge_commit,
            target_branch=target_branch,
            fast_forward=fast_forward,
        )

    def log_rejection(self, upgrade_id: str, commit: str | None = None) -> dict[str, Any]:
        """Record that a reviewer rejected an upgrade."""
        return self.append(ev.UPGRADE_REJECTED, commit or self._upgrade_commit(upgrade_id), upgrade_id=upgrade_id)

    def record_rollback(self, record: dict[str, Any]) -> dict[str, Any]:
        """Record a rollback (on the upgrade commit's note, or ``record['commit']``)."""
        payload = dict(record)
        commit = payload.pop("commit", None) or self._upgrade_commit(
            payload["upgrade_id"], payload.get("revert_commit")
        )
        return self.append(ev.ROLLBACK, commit, **payload)

    def log_learning(self, record: dict[str, Any]) -> dict[str, Any]:
        """Record a change of the learned model (on ``record['commit']`` or HEAD's note)."""
        payload = dict(record)
        commit = payload.pop("commit", None) or self.repo.resolve_commit("HEAD")
        return self.append(ev.LEARNING, commit, **payload)

    def _upgrade_commit(self, upgrade_id: str, fallback: str | None = None) -> str:
        # Upgrade events go on the upgrade's commit, or its base before that commit exists.
        record = self.upgrade(upgrade_id)
        commit = ((record.commit or record.base_commit) if record else None) or fallback
        if not commit:
            raise UserError(
                f"the ledger does not know upgrade {upgrade_id}",
                hint="pass the commit whose note should record the event",
            )
        return commit
