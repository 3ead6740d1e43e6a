"""Adaptive thresholds: how an upgrade type earns and loses trust.

Trust is a small ladder per upgrade type (``restricted`` < ``default`` < ``trusted``).
A type climbs one rung after ``min_attempts`` attempts at ``trust_success_rate`` or
better, counted in a window that restarts at every change of rung (so earning trust
back after a demotion takes a full window of fresh evidence, not the old record). It
falls one rung at the first regression (a merged upgrade rolled back or later
failing), and a trusted type falls back to default after ``demote_after_failures``
failures in a row. Plain failures never push a type below default: validation caught
them and nothing bad was merged; only regressions make approval stricter than the
risk policy.

The rung shifts the risk level the risk policy is asked about: a trusted type's
upgrade is judged one level lower than its risk, a restricted type's one level higher.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from gitupgrade.outcomes import RISK_LEVELS

RESTRICTED, DEFAULT, TRUSTED = -1, 0, 1
TRUST_NAMES = {RESTRICTED: "restricted", DEFAULT: "default", TRUSTED: "trusted"}
TRUST_LEVELS = {name: level for level, name in TRUST_NAMES.items()}


@dataclass(frozen=True)
class TrustRules:
    """The thresholds of ``self_upgrading.learning``."""

    min_attempts: int = 10
    success_rate: float = 0.95
    demote_after_failures: int = 2

    @classmethod
    def from_config(cls, learning: Mapping[str, Any]) -> TrustRules:
        """Read the rules from the ``learning`` config section."""
        return cls(
            min_attempts=int(learning["min_attempts"]),
            success_rate=float(learning["trust_success_rate"]),
            demote_after_failures=int(learning["demote_after_failures"]),
        )


@dataclass(frozen=True)
class TrustTransition:
    """One change of trust of an upgrade type, with the numbers that caused it."""

    key: str
    ts: str
    upgrade_id: str
    before: str
    after: str
    reason: str
    attempts: int
    successes: int
    estimate: float
    window_attempts: int
    window_successes: int
    consecutive_failures: int

    def to_record(self) -> dict[str, Any]:
        """The payload of the ``learning`` ledger event (contract keys first)."""
        data = asdict(self)
        record = {
            "type": data.pop("key"),
            "package": None,
            "attempts": data.pop("attempts"),
            "successes": data.pop("successes"),
            "estimate": round(data.pop("estimate"), 4),
            "trust_before": data.pop("before"),
            "trust_after": data.pop("after"),
            "reason": data.pop("reason"),
        }
        data["observed_at"] = data.pop("ts")
        record.update(data)
        return record


@dataclass
class TrustTracker:
    """The trust of one upgrade type, replayed observation by observation."""

    key: str
    rules: TrustRules
    level: int = DEFAULT
    since: str | None = None
    last_reason: str = ""
    # Outcome of each upgrade counted in the current window, by upgrade id, and the successes
    # among them (kept as a count: the window of a type that never earns trust keeps growing).
    window: dict[str, bool] = field(default_factory=dict)
    window_successes: int = 0

    @property
    def window_attempts(self) -> int:
        """Attempts since the last change of trust."""
        return len(self.window)

    def observe(
        self,
        *,
        ts: str,
        upgrade_id: str,
        success: bool,
        first: bool,
        regression: bool,
        detail: str,
        attempts: int,
        successes: int,
        estimate: float,
        consecutive_failures: int,
    ) -> TrustTransition | None:
        """Take one outcome into account; return the change of trust it causes, if any."""
        if first or upgrade_id in self.window:
            self.window_successes += int(success) - int(self.window.get(upgrade_id, False))
            self.window[upgrade_id] = success
        target, reason = self._decide(regression, success, consecutive_failures, upgrade_id, detail)
        if target is None:
            return None
        transition = TrustTransition(
            key=self.key,
            ts=ts,
            upgrade_id=upgrade_id,
            before=TRUST_NAMES[self.level],
            after=TRUST_NAMES[target],
            reason=reason,
            attempts=attempts,
            successes=successes,
            estimate=estimate,
            window_attempts=self.window_attempts,
            window_successes=self.window_successes,
            consecutive_failures=consecutive_failures,
        )
        self.level, self.since, self.last_reason = target, ts, reason
        self.window, self.window_successes = {}, 0
        return transition

    def _decide(
        self,
        regression: bool,
        success: bool,
        consecutive_failures: int,
        upgrade_id: str,
        detail: str,
    ) -> tuple[int | None, str]:
        if regression:
            target = max(self.level - 1, RESTRICTED)
            # At the bottom rung a regression still restarts the window, silently.
            if target == self.level:
                self.window, self.window_successes = {}, 0
                return None, ""
            return target, f"regression: {upgrade_id} {detail}".rstrip()
        if not success and self.level == TRUSTED and consecutive_failures >= self.rules.demote_after_failures:
            return DEFAULT, f"{consecutive_failures} failures in a row (limit {self.rules.demote_after_failures})"
        if self.level < TRUSTED and self._window_earns():
            return self.level + 1, (
                f"{self.window_successes}/{self.window_attempts} succeeded "
                f"({self.window_successes / self.window_attempts:.0%}), at least {self.rules.min_attempts} "
                f"attempts at {self.rules.success_rate:.0%} or better"
            )
        return None, ""

    def _window_earns(self) -> bool:
        attempts = self.window_attempts
        if attempts == 0 or attempts < self.rules.min_attempts:
            return False
        return self.window_successes / attempts >= self.rules.success_rate

    def explain(self) -> str:
        """Why the type stands where it does now, in one line."""
        if self.level == TRUSTED:
            return f"trusted since {_day(self.since)}: {self.last_reason}"
        needed = self.rules.min_attempts
        since = _day(self.since)
        done = (
            f"{self.window_successes}/{self.window_attempts} succeeded since {since}"
            if self.window
            else f"no attempt since {since}"
        )
        progress = f"{done}; needs {needed} attempts at {self.rules.success_rate:.0%} or better"
        if self.level == RESTRICTED:
            return f"restricted since {_day(self.since)} ({self.last_reason}); {progress}"
        if self.last_reason:
            return f"default since {_day(self.since)} ({self.last_reason}); {progress}"
        return progress


def effective_risk(risk_level: str, trust_level: int) -> str:
    """The risk level the policy is asked about: one lower when trusted, one higher when restricted.

    Critical upgrades always stay critical: no track record replaces a review there.
    """
    if risk_level not in RISK_LEVELS or risk_level == "critical":
        return risk_level
    index = RISK_LEVELS.index(risk_level) - trust_level
    return RISK_LEVELS[min(max(index, 0), len(RISK_LEVELS) - 1)]


def _day(ts: str | None) -> str:
    return ts[:10] if ts else "the start"
