"""The outcome model: what became of each upgrade, folded from ledger events, per type and package.

Pure functions over event dicts (the ledger's contract): no git, no I/O. Each upgrade
counts once, with its latest outcome; the outcome can change after the fact (a
reviewer rejects an upgrade that passed validation, a merged upgrade is rolled back),
and those changes are replayed in time order so that trust moves when they happened.

What counts:
- success: validation passed (``merged``, ``approved``, ``awaiting_review``);
- failure: ``failed`` for a reason of the upgrade's own (not ``baseline_failing``,
  ``local_changes`` or an unreachable model: those say nothing about the refactoring),
  a rejection by a reviewer, an unmerged upgrade discarded by ``rollback``;
- regression: a merged upgrade rolled back, failing a later validation, or whose merge
  commit is the base of a later run with a failing baseline;
- ``refused`` is not an attempt: the strategy declined and nothing changed (``requeue``
  keeps suggestions that keep refusing out of the queue).

The model's successes feed estimates and trust. The outcome words the report shows
beside them (attempted, merged, failed, refused) are :func:`outcome_counts`, the same
tally as ``git upgrade ledger`` (docs/outcomes.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gitupgrade.learning.trust import TrustRules, TrustTracker, TrustTransition
from gitupgrade.ledger.state import fold
from gitupgrade.outcomes import PASSED_STATUSES, counts_against, tally


def learning_key(upgrade_type: str, strategy: str | None) -> str:
    """The name outcomes are counted under: the type, with model-written upgrades kept apart."""
    if strategy and strategy.startswith("llm"):
        return f"{upgrade_type}[llm]"
    return upgrade_type


def top_level_package(suggestion: Mapping[str, Any]) -> str | None:
    """The top-level package a suggestion touches first (``src/`` layouts included)."""
    evidence = suggestion.get("evidence") or {}
    module = evidence.get("module") or evidence.get("importer") or next(iter(evidence.get("cycle") or ()), None)
    if isinstance(module, str) and module:
        return module.split(".")[0]
    packages = (_path_package(path) for path in suggestion.get("affected_modules") or ())
    return next((package for package in packages if package is not None), None)


def _path_package(path: object) -> str | None:
    """The first folder (or module) of a repository path, below ``src/`` when there is one."""
    parts = [p for p in str(path).split("/") if p]
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    return parts[0].removesuffix(".py") if parts else None


@dataclass(frozen=True)
class Observation:
    """A change of one upgrade's outcome at time ``ts``."""

    ts: str
    upgrade_id: str
    key: str
    package: str | None
    success: bool
    previous: bool | None  # the upgrade's outcome before this one, None when first seen
    previous_failure_type: str | None
    regression: bool
    failure_type: str | None
    detail: str


def observations(events: Iterable[Mapping[str, Any]]) -> list[Observation]:
    """Fold ledger events into outcome changes, in time order."""
    folder = _Folder()
    for event in sorted(events, key=lambda e: str(e.get("ts", ""))):
        folder.take(event)
    return folder.found


class _Folder:
    """The per-upgrade state needed to turn events into observations."""

    def __init__(self) -> None:
        self.found: list[Observation] = []
        self.meta: dict[str, tuple[str, str | None]] = {}
        self.outcome: dict[str, tuple[bool, str | None]] = {}
        self.merged: set[str] = set()
        self.merge_commits: dict[str, str] = {}
        self.commits: dict[str, str] = {}

    def take(self, event: Mapping[str, Any]) -> None:
        """Fold one event (events of an unknown kind, or without an upgrade id, change nothing)."""
        kind, uid = event.get("event"), event.get("upgrade_id")
        fold = _FOLDS.get(str(kind))
        if uid and fold is not None:
            fold(self, uid, event)

    def _queued(self, uid: str, event: Mapping[str, Any]) -> None:
        suggestion = event.get("suggestion") or {}
        key = learning_key(str(suggestion.get("type", "unknown")), suggestion.get("strategy"))
        self.meta[uid] = (key, top_level_package(suggestion))

    def _merged(self, uid: str, event: Mapping[str, Any]) -> None:
        self.merged.add(uid)
        for commit in (event.get("merge_commit"), self.commits.get(uid)):
            if commit:
                self.merge_commits[commit] = uid
        self._emit(uid, event, True)

    def _rejected(self, uid: str, event: Mapping[str, Any]) -> None:
        if uid in self.outcome:
            self._emit(uid, event, False, "rejected", "rejected by a reviewer")

    def _rollback(self, uid: str, event: Mapping[str, Any]) -> None:
        if uid not in self.outcome:
            return
        status = event.get("status")
        if status == "done" and uid in self.merged:
            self.merged.discard(uid)
            self._emit(uid, event, False, "rolled_back", "was rolled back", regression=True)
        elif status == "deleted_branch":
            self._emit(uid, event, False, "discarded", "was discarded before merging")

    def _count_under(self, uid: str, event: Mapping[str, Any]) -> None:
        """The learning key of an upgrade, as its execution names it."""
        if uid not in self.meta or self.meta[uid][0] == "unknown":
            key = learning_key(str(event.get("type", "unknown")), event.get("strategy"))
            self.meta[uid] = (key, self.meta.get(uid, (key, None))[1])
        elif str(event.get("strategy") or "").startswith("llm") and not self.meta[uid][0].endswith("[llm]"):
            # Queued for a rule but written by a model (llm.prefer_for): count it with the model's.
            self.meta[uid] = (learning_key(self.meta[uid][0], "llm"), self.meta[uid][1])

    def _blame_base(self, uid: str, event: Mapping[str, Any]) -> None:
        """A base that fails its own tests is a regression of the merged upgrade that made it."""
        culprit = self.merge_commits.get(str(event.get("base_commit")))
        if culprit in self.merged:
            self.merged.discard(culprit)
            detail = f"fails the tests of its merge commit (seen by {uid})"
            self._emit(culprit, event, False, "baseline_failing", detail, regression=True)

    def _executed(self, uid: str, event: Mapping[str, Any]) -> None:
        self._count_under(uid, event)
        if event.get("commit"):
            self.commits[uid] = str(event["commit"])
        status, failure_type = event.get("status"), event.get("failure_type")
        if failure_type == "baseline_failing":
            self._blame_base(uid, event)
        if status in PASSED_STATUSES:
            self._emit(uid, event, True)
        elif counts_against(str(status), failure_type):
            regression = uid in self.merged
            self.merged.discard(uid)
            detail = "failed after it was merged" if regression else str(event.get("detail") or "")
            self._emit(uid, event, False, failure_type or "failed", detail, regression=regression)

    def _emit(
        self,
        uid: str,
        event: Mapping[str, Any],
        success: bool,
        failure_type: str | None = None,
        detail: str = "",
        regression: bool = False,
    ) -> None:
        previous = self.outcome.get(uid)
        if previous is not None and previous[0] == success and not regression:
            return
        self.outcome[uid] = (success, failure_type)
        key, package = self.meta.get(uid, ("unknown", None))
        self.found.append(
            Observation(
                ts=str(event.get("ts", "")),
                upgrade_id=uid,
                key=key,
                package=package,
                success=success,
                previous=None if previous is None else previous[0],
                previous_failure_type=None if previous is None else previous[1],
                regression=regression,
                failure_type=None if success else failure_type,
                detail=detail,
            )
        )


# How each kind of event folds into the state; other kinds (a newer writer's) change nothing.
_FOLDS: dict[str, Callable[[_Folder, str, Mapping[str, Any]], None]] = {
    "upgrade_queued": _Folder._queued,
    "upgrade_executed": _Folder._executed,
    "upgrade_merged": _Folder._merged,
    "upgrade_rejected": _Folder._rejected,
    "rollback": _Folder._rollback,
}


@dataclass
class OutcomeStats:
    """Attempts, successes and failure types of one type, package or (type, package) cell."""

    attempts: int = 0
    successes: int = 0
    failure_types: Counter[str] = field(default_factory=Counter)
    consecutive_failures: int = 0
    last_regression: dict[str, str] | None = None

    def apply(self, obs: Observation) -> None:
        """Count one observation."""
        if obs.previous is None:
            self.attempts += 1
        elif obs.previous_failure_type:
            self.failure_types[obs.previous_failure_type] -= 1
            self.failure_types += Counter()  # drop zero counts
        if obs.success:
            self.successes += 1
            self.consecutive_failures = 0
            return
        if obs.previous:
            self.successes -= 1
        self.failure_types[obs.failure_type or "failed"] += 1
        self.consecutive_failures += 1
        if obs.regression:
            self.last_regression = {"upgrade_id": obs.upgrade_id, "ts": obs.ts, "reason": obs.detail}

    def estimate(self, prior_successes: float, prior_failures: float) -> float:
        """Posterior mean of the success rate under a Beta(prior_successes, prior_failures) prior."""
        total = self.attempts + prior_successes + prior_failures
        return (self.successes + prior_successes) / total if total else 0.0


@dataclass
class OutcomeModel:
    """Outcome statistics and trust, per learning key (type), top-level package and both."""

    prior_successes: float
    prior_failures: float
    types: dict[str, OutcomeStats] = field(default_factory=dict)
    packages: dict[str, OutcomeStats] = field(default_factory=dict)
    cells: dict[tuple[str, str], OutcomeStats] = field(default_factory=dict)
    trust: dict[str, TrustTracker] = field(default_factory=dict)
    transitions: list[TrustTransition] = field(default_factory=list)

    def type_estimate(self, key: str) -> float:
        """The success estimate of a type (the prior mean when it was never tried)."""
        return self.types.get(key, OutcomeStats()).estimate(self.prior_successes, self.prior_failures)

    def estimate_for(self, key: str, package: str | None) -> float:
        """The success estimate of a type in a package, shrunk toward the type's record elsewhere.

        The type's estimate from its other packages is the prior of the cell, with the
        weight of the Beta prior: one failure in a package moves it a little, a record
        moves it a lot, and a type tried in one package only gets its plain estimate.
        """
        cell = self.cells.get((key, package)) if package else None
        if cell is None or cell.attempts == 0:
            return self.type_estimate(key)
        overall = self.types[key]
        elsewhere = OutcomeStats(overall.attempts - cell.attempts, overall.successes - cell.successes)
        prior = elsewhere.estimate(self.prior_successes, self.prior_failures)
        weight = self.prior_successes + self.prior_failures
        return (cell.successes + weight * prior) / (cell.attempts + weight)

    def trust_level(self, key: str) -> int:
        """The trust rung of a type (0, the default, when never tried)."""
        tracker = self.trust.get(key)
        return tracker.level if tracker else 0


def build_model(events: Iterable[Mapping[str, Any]], learning: Mapping[str, Any]) -> OutcomeModel:
    """Replay the ledger's events into an :class:`OutcomeModel` under the ``learning`` config."""
    rules = TrustRules.from_config(learning)
    model = OutcomeModel(float(learning["prior_successes"]), float(learning["prior_failures"]))
    for obs in observations(events):
        stats = model.types.setdefault(obs.key, OutcomeStats())
        stats.apply(obs)
        if obs.package:
            model.packages.setdefault(obs.package, OutcomeStats()).apply(obs)
            model.cells.setdefault((obs.key, obs.package), OutcomeStats()).apply(obs)
        tracker = model.trust.setdefault(obs.key, TrustTracker(obs.key, rules))
        transition = tracker.observe(
            ts=obs.ts,
            upgrade_id=obs.upgrade_id,
            success=obs.success,
            first=obs.previous is None,
            regression=obs.regression,
            detail=obs.detail,
            attempts=stats.attempts,
            successes=stats.successes,
            estimate=stats.estimate(model.prior_successes, model.prior_failures),
            consecutive_failures=stats.consecutive_failures,
        )
        if transition is not None:
            model.transitions.append(transition)
    return model


def outcome_counts(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Attempted, merged, failed and refused upgrades, in total and per type (``outcomes.tally``).

    Each upgrade's events are folded as the ledger folds them, so its current status is
    the one ``git upgrade ledger`` counts.
    """
    by_upgrade: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        uid = event.get("upgrade_id")
        if uid and isinstance(event.get("ts"), str) and isinstance(event.get("event"), str):
            by_upgrade.setdefault(str(uid), []).append(dict(event))
    records = (fold(uid, found) for uid, found in sorted(by_upgrade.items()))
    return tally((r.type, r.status, r.failure_type) for r in records if r is not None)
