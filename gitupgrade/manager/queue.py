"""The upgrade queue: suggestions become pending upgrades, taken in priority order.

The queue has no state of its own: an upgrade is pending because the ledger holds
its ``upgrade_queued`` event and nothing after it. A suggestion whose stable id is
already pending, in progress, awaiting review, approved, merged, rejected or rolled
back is not queued again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitupgrade.manager.ids import new_upgrade_id
from gitupgrade.manager.policy import RiskPolicy
from gitupgrade.outcomes import UpgradeStatus
from gitupgrade.repo import BranchName, CommitId
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord


# Statuses that keep a suggestion from being queued again. A stable id covers the code it
# was found in, so a refusal would only repeat on every scan until that code changes (and
# the id with it); failed ones may come back, as a failure can be the environment's, until
# the learner sees the same failure max_upgrade_retries times.
BLOCKING_STATUSES = frozenset(UpgradeStatus) - {UpgradeStatus.FAILED}


@dataclass(frozen=True)
class QueueResult:
    """Upgrade ids queued, and the suggestions left out with the reason for each."""

    queued: tuple[str, ...]
    filtered: tuple[tuple[str, str], ...]  # (suggestion id, reason)


def enqueue(
    ledger: UpgradeLedger,
    policy: RiskPolicy,
    suggestions: Iterable[Suggestion],
    base: CommitId,
    target: BranchName,
    handled_types: tuple[str, ...],
) -> QueueResult:
    """Record an ``upgrade_queued`` event for each suggestion the policy lets through."""
    from gitupgrade.refactor.llm import route_suggestion

    known = {record.suggestion.get("id"): record.status for record in ledger.upgrades() if record.suggestion}
    learner = policy.learner
    queued: list[str] = []
    filtered: list[tuple[str, str]] = []
    entries: list[tuple[str, Suggestion, float]] = []
    for suggestion in sorted(suggestions, key=lambda s: (-s.priority, s.id)):
        # Types no rule handles (and those config prefers) go to the model when one is configured.
        suggestion = route_suggestion(suggestion, policy.config)
        refusal = policy.queue_refusal(suggestion, handled_types)
        if refusal is None and known.get(suggestion.id) in BLOCKING_STATUSES:
            refusal = f"already {known[suggestion.id].replace('_', ' ')}"
        if refusal is None and learner is not None:
            may, why = learner.should_requeue(suggestion.id)
            refusal = None if may else why
        if refusal is not None:
            filtered.append((suggestion.id, refusal))
            continue
        upgrade_id = new_upgrade_id()
        priority = learner.priority_for(suggestion) if learner is not None else suggestion.priority
        entries.append((upgrade_id, suggestion, priority))
        known[suggestion.id] = "pending"
        queued.append(upgrade_id)
    # one notes commit for the whole scan: a first scan of a large project queues hundreds
    ledger.log_upgrades_queued(entries, base, target)
    return QueueResult(tuple(queued), tuple(filtered))


def runnable(ledger: UpgradeLedger, ids: Iterable[str] = ()) -> list[UpgradeRecord]:
    """Pending upgrades (or the named ones), highest priority first, oldest first on ties.

    ``in_progress`` ones are included: with the runner lock held, an upgrade still
    marked in progress was interrupted by a crash and is retried.
    """
    wanted = set(ids)
    records = [r for r in ledger.upgrades() if r.status in ("pending", "in_progress")]
    if wanted:
        records = [r for r in records if r.id in wanted]
    # Another clone's priority is not ours to trust: its upgrades wait until re-derived here.
    return sorted(records, key=lambda r: (-(r.priority or 0) if r.queued_here else 1, r.created, r.id))
