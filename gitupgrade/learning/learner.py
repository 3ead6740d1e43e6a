"""The Learner: outcome model, trust, priority, requeue and schedule decisions over the ledger.

The manager asks it three questions (the priority of a suggestion at queue time,
whether an upgrade merges without review at deploy time, whether a suggestion may be
queued again at scan time) and ``tick`` asks it whether a scan is due. Every answer
comes from the ledger's events; the only state of its own is a snapshot of the last
``learn`` run (``<state dir>/learning.json``), kept to say what changed since.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from gitupgrade.config.risk import approves, manual_review_required
from gitupgrade.files import write_atomically
from gitupgrade.learning.model import OutcomeModel, build_model, learning_key, outcome_counts
from gitupgrade.learning.priority import queue_priority
from gitupgrade.learning.report import LearningReport, build_report
from gitupgrade.learning.requeue import (
    FailureHistory,
    failure_histories,
    requeue_decision,
)
from gitupgrade.learning.schedule import next_scan_time, scan_due
from gitupgrade.learning.trust import TRUST_NAMES, effective_risk
from gitupgrade.suggestion import Suggestion

STATE_FILE = "learning.json"


class LedgerView(Protocol):
    """The part of :class:`~gitupgrade.ledger.UpgradeLedger` the learner uses."""

    def events(self, upgrade_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]: ...

    def log_learning(self, record: dict[str, Any]) -> dict[str, Any]: ...

    def append_many(self, items: Iterable[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]: ...

    def last_scan(self) -> dict[str, Any] | None: ...


class Learner:
    """Learning from outcomes and the scan schedule, for one repository and configuration."""

    def __init__(self, ledger: LedgerView, config: Mapping[str, Any], *, state_path: Path | None = None) -> None:
        self.ledger = ledger
        self.config = config
        self.learning: Mapping[str, Any] = config["learning"]
        self.state_path = state_path
        self._events: list[dict[str, Any]] | None = None
        self.skipped: tuple[str, ...] = ()  # upgrades whose outcome this clone cannot verify
        self._model: OutcomeModel | None = None
        self._histories: dict[str, FailureHistory] | None = None

    # -- the model ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Forget the cached events (call after logging outcomes within one run)."""
        self._events = None
        self._model = None
        self._histories = None

    def model(self) -> OutcomeModel:
        """The outcome model of the ledger as it is now (cached until :meth:`refresh`)."""
        if self._model is None:
            self._model = build_model(self._all_events(), self.learning)
        return self._model

    def learn_from_outcomes(self, now: datetime | None = None) -> LearningReport:
        """Rebuild the model, record changes of trust in the ledger, and report what changed."""
        self.refresh()
        model = self.model()
        recorded = self.record_trust_changes()
        previous = self._read_snapshot()
        report = build_report(
            model, self.learning, generated_at=_iso(now or datetime.now(UTC)), previous=previous, recorded=recorded
        )
        report = replace(report, skipped=self.skipped, outcomes=outcome_counts(self._all_events()))
        self._write_snapshot(report.snapshot())
        return report

    def record_trust_changes(self) -> list[dict[str, Any]]:
        """Write a ``learning`` event for each change of trust the ledger does not hold yet.

        Changes replayed since the last recorded one are written in order with the numbers
        that caused them; if the recorded trust still differs from the current one (the
        thresholds changed), one more event reconciles them.
        """
        if not (self.learning["enabled"] and self.learning["adaptive_thresholds"]):
            return []
        model = self.model()
        last = self._recorded_trust()
        records: list[dict[str, Any]] = []
        for key in sorted(model.trust):
            records += _trust_records(model, key, *last.get(key, ("", TRUST_NAMES[0])))
        return self._write_learning(records)

    def _recorded_trust(self) -> dict[str, tuple[str, str]]:
        """Per type, the time and the trust of its latest ``learning`` event in the ledger."""
        last: dict[str, tuple[str, str]] = {}
        for event in sorted(self._all_events(kind="learning"), key=lambda e: str(e.get("ts", ""))):
            if event.get("package") is None and event.get("type"):
                last[event["type"]] = (str(event["ts"]), str(event.get("trust_after", "default")))
        return last

    def _write_learning(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not records:
            return []
        self._events = None  # the learning events written now are part of the ledger
        if len(records) == 1:
            return [self.ledger.log_learning(records[0])]
        # A first run over a long history can find hundreds of changes: one notes commit for all.
        return self.ledger.append_many([("learning", "HEAD", record) for record in records])

    # -- the manager's questions --------------------------------------------------------------

    def priority_for(self, suggestion: Suggestion | Mapping[str, Any]) -> float:
        """The priority to queue ``suggestion`` with (base x success estimate when scoring is on)."""
        return self.explain_priority(suggestion)[0]

    def explain_priority(self, suggestion: Suggestion | Mapping[str, Any]) -> tuple[float, str]:
        """The queue priority and how it was computed."""
        return queue_priority(_as_dict(suggestion), self.model(), self.learning)

    def auto_approve(self, suggestion: Suggestion | Mapping[str, Any], *, refresh: bool = True) -> tuple[bool, str]:
        """Whether an upgrade of ``suggestion`` merges without review, and the reason.

        The risk policy decides on the suggestion's risk level, shifted by the trust its
        type earned (one level lower when trusted, one higher when restricted) when
        ``learning.adaptive_thresholds`` is on. A trust change the decision relies on is
        recorded in the ledger first, so every auto-approval can be explained later.
        ``refresh=False`` reuses the model read before (for many decisions in a row).
        """
        data = _as_dict(suggestion)
        risk = str(data.get("risk_level"))
        policies = self.config["risk_policies"]
        if not (self.learning["enabled"] and self.learning["adaptive_thresholds"]):
            return _policy_answer(policies, risk, risk, "")
        if refresh:
            self.refresh()
        self.record_trust_changes()
        model = self.model()
        key = learning_key(str(data.get("type")), data.get("strategy"))
        level = model.trust_level(key)
        effective = effective_risk(risk, level)
        if effective == risk:
            return _policy_answer(policies, risk, risk, "")
        why = f"{key} is {TRUST_NAMES[level]} ({model.trust[key].explain()})"
        return _policy_answer(policies, risk, effective, why)

    def should_requeue(self, suggestion_id: str) -> tuple[bool, str]:
        """Whether a suggestion may be queued again (not after ``max_upgrade_retries`` failures of one kind)."""
        if self._histories is None:
            self._histories = failure_histories(self._all_events())
        return requeue_decision(self._histories.get(suggestion_id), int(self.config["max_upgrade_retries"]))

    # -- the schedule -------------------------------------------------------------------------

    def last_scan_time(self) -> str | None:
        """The timestamp of the last scan in the ledger, or None."""
        scan = self.ledger.last_scan()
        return str(scan["ts"]) if scan else None

    def next_scan_time(self, now: datetime | None = None) -> datetime | None:
        """When the next scheduled scan is due (``now`` if overdue or never scanned); None when manual."""
        return next_scan_time(self.config, self.last_scan_time(), now or datetime.now(UTC))

    def scan_due(self, now: datetime | None = None) -> bool:
        """Whether a scheduled scan is due at ``now``."""
        return scan_due(self.config, self.last_scan_time(), now or datetime.now(UTC))

    # -- internals ----------------------------------------------------------------------------

    def _all_events(self, kind: str | None = None) -> list[dict[str, Any]]:
        if self._events is None:
            # Only outcomes this clone can verify teach it anything (see ledger/provenance.py):
            # another clone's notes could otherwise claim any success rate.
            from gitupgrade.ledger.ledger import UpgradeLedger

            if isinstance(self.ledger, UpgradeLedger):  # it knows which events are its own
                from gitupgrade.ledger.provenance import verified_events

                self._events, skipped = verified_events(self.ledger)
                self.skipped = tuple(skipped)
            else:
                self._events = self.ledger.events()
        if kind is not None:
            return [e for e in self._events if e.get("event") == kind]
        return self._events

    def _read_snapshot(self) -> dict[str, Any] | None:
        if self.state_path is None or not self.state_path.is_file():
            return None
        try:
            data = json.loads(self.state_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None  # a damaged snapshot only costs the "since last run" column
        return data if isinstance(data, dict) else None

    def _write_snapshot(self, data: dict[str, Any]) -> None:
        if self.state_path is None:
            return
        # A concurrent reader (another ``learn``, ``status``) never sees half a file.
        write_atomically(self.state_path, json.dumps(data, indent=2, sort_keys=True))


def _as_dict(suggestion: Suggestion | Mapping[str, Any]) -> Mapping[str, Any]:
    return suggestion.to_dict() if isinstance(suggestion, Suggestion) else suggestion


def _policy_answer(policies: Mapping[str, Any], risk: str, effective: str, why: str) -> tuple[bool, str]:
    if manual_review_required(policies, risk):
        return approves(policies, risk)
    approved = approves(policies, effective)[0]
    verdict = "auto-approves" if approved else "requires review for"
    if effective == risk:
        return approved, f"risk policy {verdict} {risk}-risk upgrades"
    return approved, f"{why}: judged as {effective} instead of {risk}; risk policy {verdict} {effective}-risk upgrades"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _trust_records(model: OutcomeModel, key: str, since: str, before: str) -> list[dict[str, Any]]:
    """The ``learning`` records of the trust changes of ``key`` after ``since`` (recorded as ``before``).

    The transitions replayed since then, in order; then one that reconciles the recorded
    trust with the current one when they still differ (the thresholds changed).
    """
    records: list[dict[str, Any]] = []
    for transition in model.transitions:
        if transition.key != key or transition.ts <= since or transition.after == before:
            continue
        records.append(transition.to_record() | {"trust_before": before})
        before = transition.after
    tracker = model.trust[key]
    current = TRUST_NAMES[tracker.level]
    if before != current:
        stats = model.types[key]
        records.append(
            {
                "type": key,
                "package": None,
                "attempts": stats.attempts,
                "successes": stats.successes,
                "estimate": round(model.type_estimate(key), 4),
                "trust_before": before,
                "trust_after": current,
                "reason": f"re-evaluated: {tracker.explain()}",
            }
        )
    return records
