"""The learning report: the model per type and package, and what changed since the last run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from gitupgrade.learning.model import OutcomeModel, OutcomeStats
from gitupgrade.learning.trust import TRUST_NAMES


@dataclass(frozen=True)
class TypeReport:
    """What the model knows about one upgrade type (learning key)."""

    type: str
    attempts: int
    successes: int
    estimate: float
    trust: str
    trust_reason: str
    failure_types: dict[str, int]
    consecutive_failures: int
    last_regression: dict[str, str] | None
    change: str | None = None  # since the last run, in words; None when nothing changed


@dataclass(frozen=True)
class PackageReport:
    """Outcomes of all upgrades in one top-level package."""

    package: str
    attempts: int
    successes: int
    estimate: float
    failure_types: dict[str, int]


@dataclass(frozen=True)
class LearningReport:
    """The result of :meth:`Learner.learn_from_outcomes`."""

    generated_at: str
    previous_run: str | None
    learning_enabled: bool
    adaptive_thresholds: bool
    outcome_based_scoring: bool
    types: tuple[TypeReport, ...]
    packages: tuple[PackageReport, ...]
    recorded: tuple[dict[str, Any], ...] = ()  # learning events written by this run
    recommendations: tuple[str, ...] = field(default=())
    # learning.success_pattern_tracking / failure_pattern_analysis: which parts are reported
    success_pattern_tracking: bool = True
    failure_pattern_analysis: bool = True
    skipped: tuple[str, ...] = ()  # upgrades another clone reported and this one cannot verify
    # attempted, merged, failed, refused and merged / attempted, in total and by type: the
    # counts of ``git upgrade ledger`` (outcomes.tally)
    outcomes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)

    def snapshot(self) -> dict[str, Any]:
        """What the next run compares against."""
        return {
            "generated_at": self.generated_at,
            "types": {
                t.type: {
                    "attempts": t.attempts,
                    "successes": t.successes,
                    "estimate": round(t.estimate, 4),
                    "trust": t.trust,
                }
                for t in self.types
            },
        }


def build_report(
    model: OutcomeModel,
    learning: Mapping[str, Any],
    *,
    generated_at: str,
    previous: Mapping[str, Any] | None,
    recorded: list[dict[str, Any]],
) -> LearningReport:
    """Assemble the report from the model and the previous run's snapshot.

    ``learning.success_pattern_tracking: false`` leaves out the success patterns per
    top-level package; ``learning.failure_pattern_analysis: false`` leaves out the failure
    types and the recommendations drawn from them. Neither changes what the model learns.
    """
    successes_on = bool(learning.get("success_pattern_tracking", True))
    failures_on = bool(learning.get("failure_pattern_analysis", True))
    before = (previous or {}).get("types", {})
    types = tuple(
        _type_report(key, stats, model, before.get(key), previous is not None)
        for key, stats in sorted(model.types.items())
    )
    packages = tuple(
        PackageReport(
            name,
            s.attempts,
            s.successes,
            round(s.estimate(model.prior_successes, model.prior_failures), 4),
            dict(s.failure_types),
        )
        for name, s in sorted(model.packages.items())
    )
    recommendations = tuple(_recommendations(types)) if failures_on else ()
    if not failures_on:
        types = tuple(replace(t, failure_types={}) for t in types)
        packages = tuple(replace(p, failure_types={}) for p in packages)
    return LearningReport(
        generated_at=generated_at,
        previous_run=(previous or {}).get("generated_at"),
        learning_enabled=bool(learning["enabled"]),
        adaptive_thresholds=bool(learning["adaptive_thresholds"]),
        outcome_based_scoring=bool(learning["outcome_based_scoring"]),
        types=types,
        packages=packages if successes_on else (),
        recorded=tuple(recorded),
        recommendations=recommendations,
        success_pattern_tracking=successes_on,
        failure_pattern_analysis=failures_on,
    )


def _type_report(
    key: str, stats: OutcomeStats, model: OutcomeModel, before: Mapping[str, Any] | None, had_previous: bool
) -> TypeReport:
    tracker = model.trust[key]
    estimate = round(model.type_estimate(key), 4)
    trust = TRUST_NAMES[tracker.level]
    change = None
    if had_previous:
        change = _change(before, stats, estimate, trust)
    return TypeReport(
        type=key,
        attempts=stats.attempts,
        successes=stats.successes,
        estimate=estimate,
        trust=trust,
        trust_reason=tracker.explain(),
        failure_types=dict(stats.failure_types),
        consecutive_failures=stats.consecutive_failures,
        last_regression=stats.last_regression,
        change=change,
    )


def _change(before: Mapping[str, Any] | None, stats: OutcomeStats, estimate: float, trust: str) -> str | None:
    if before is None:
        return "new"
    parts = []
    attempts = stats.attempts - int(before.get("attempts", 0))
    successes = stats.successes - int(before.get("successes", 0))
    if attempts or successes:
        parts.append(f"{attempts:+d} attempts, {successes:+d} successes")
    old_estimate = float(before.get("estimate", estimate))
    if abs(old_estimate - estimate) >= 0.005:
        parts.append(f"estimate {old_estimate:.2f} -> {estimate:.2f}")
    if before.get("trust", trust) != trust:
        parts.append(f"trust {before.get('trust')} -> {trust}")
    return "; ".join(parts) or None


def _recommendations(types: tuple[TypeReport, ...]) -> list[str]:
    advice = []
    for t in types:
        if t.last_regression:
            advice.append(
                f"{t.type}: {t.last_regression['upgrade_id']} regressed ({t.last_regression['reason']}); "
                "review its upgrades until it earns trust back"
            )
        if t.attempts >= 3 and t.estimate < 0.5 and t.failure_types:
            worst = max(t.failure_types.items(), key=lambda item: item[1])[0]
            advice.append(
                f"{t.type}: {t.attempts - t.successes} of {t.attempts} attempts failed, most with {worst}; "
                "its upgrades are queued with lower priority"
            )
    return advice
