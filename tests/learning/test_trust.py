"""Trust rises exactly at the thresholds and falls at the first regression or N failures in a row."""

from __future__ import annotations

from gitupgrade.config import default_config
from gitupgrade.learning.model import build_model
from gitupgrade.learning.trust import DEFAULT, RESTRICTED, TRUSTED, effective_risk
from tests.learning.events import Timeline

LEARNING = default_config()["learning"]


def trusted_timeline(successes: int = 10) -> Timeline:
    line = Timeline()
    for _ in range(successes):
        line.success()
    return line


def test_nine_successes_do_not_earn_trust_the_tenth_does() -> None:
    line = trusted_timeline(9)
    assert build_model(line.events, LEARNING).trust_level("god_class") == DEFAULT
    tenth = line.success()
    model = build_model(line.events, LEARNING)
    assert model.trust_level("god_class") == TRUSTED
    [transition] = model.transitions
    assert (transition.before, transition.after, transition.upgrade_id) == ("default", "trusted", tenth)
    assert (transition.attempts, transition.successes, transition.window_attempts) == (10, 10, 10)
    assert transition.reason == "10/10 succeeded (100%), at least 10 attempts at 95% or better"
    assert round(transition.estimate, 4) == round(11 / 12, 4)


def test_the_rate_must_reach_the_threshold_too() -> None:
    line = Timeline()
    line.failure()
    for _ in range(18):
        line.success()
    assert build_model(line.events, LEARNING).trust_level("god_class") == DEFAULT  # 18/19 = 94.7%
    line.success()
    model = build_model(line.events, LEARNING)
    assert model.trust_level("god_class") == TRUSTED  # 19/20 = 95%
    assert model.transitions[0].reason.startswith("19/20 succeeded (95%)")


def test_trust_falls_at_the_first_regression() -> None:
    line = trusted_timeline()
    merged = line.events[-1]["upgrade_id"]
    line.success()
    line.rollback(merged)
    model = build_model(line.events, LEARNING)
    assert model.trust_level("god_class") == DEFAULT
    last = model.transitions[-1]
    assert (last.before, last.after, last.upgrade_id) == ("trusted", "default", merged)
    assert last.reason == f"regression: {merged} was rolled back"


def test_trust_falls_after_two_failures_in_a_row_not_one() -> None:
    line = trusted_timeline()
    line.failure()
    line.success()
    line.failure()
    assert build_model(line.events, LEARNING).trust_level("god_class") == TRUSTED
    line.failure("god_class", "import_error")
    model = build_model(line.events, LEARNING)
    assert model.trust_level("god_class") == DEFAULT
    assert model.transitions[-1].reason == "2 failures in a row (limit 2)"
    assert model.transitions[-1].consecutive_failures == 2


def test_failures_in_a_row_never_push_below_default_but_a_regression_does() -> None:
    line = Timeline()
    for _ in range(3):
        line.failure()
    assert build_model(line.events, LEARNING).trust_level("god_class") == DEFAULT
    merged = line.success()
    line.rollback(merged)
    model = build_model(line.events, LEARNING)
    assert model.trust_level("god_class") == RESTRICTED
    assert model.transitions[-1].after == "restricted"


def test_earning_trust_back_takes_a_fresh_window() -> None:
    line = trusted_timeline(30)
    line.rollback(line.events[-1]["upgrade_id"])
    # 29 of 30 still succeeded, but the record before the regression no longer counts.
    for _ in range(9):
        line.success()
    assert build_model(line.events, LEARNING).trust_level("god_class") == DEFAULT
    line.success()
    assert build_model(line.events, LEARNING).trust_level("god_class") == TRUSTED


def test_thresholds_come_from_the_config() -> None:
    learning = {**LEARNING, "min_attempts": 3, "trust_success_rate": 1.0, "demote_after_failures": 1}
    line = trusted_timeline(3)
    assert build_model(line.events, learning).trust_level("god_class") == TRUSTED
    line.failure()
    assert build_model(line.events, learning).trust_level("god_class") == DEFAULT


def test_effective_risk_moves_one_level_and_never_relaxes_critical() -> None:
    assert effective_risk("medium", TRUSTED) == "low"
    assert effective_risk("low", TRUSTED) == "low"
    assert effective_risk("low", RESTRICTED) == "medium"
    assert effective_risk("high", RESTRICTED) == "critical"
    assert effective_risk("critical", TRUSTED) == "critical"
    assert effective_risk("medium", DEFAULT) == "medium"
