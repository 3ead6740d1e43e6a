"""The outcome model: what counts as an attempt, a success, a failure and a regression."""

from __future__ import annotations

import pytest

from gitupgrade.config import default_config
from gitupgrade.learning.model import build_model, learning_key, top_level_package
from tests.learning.events import Timeline

LEARNING = default_config()["learning"]


def test_estimate_is_the_beta_posterior_mean() -> None:
    line = Timeline()
    for _ in range(3):
        line.success()
    line.failure()
    model = build_model(line.events, LEARNING)
    stats = model.types["god_class"]
    assert (stats.attempts, stats.successes) == (4, 3)
    # Beta(1, 1) prior: (3 + 1) / (4 + 2)
    assert model.type_estimate("god_class") == pytest.approx(4 / 6)
    assert model.type_estimate("never_tried") == pytest.approx(0.5)
    assert dict(stats.failure_types) == {"test_failure": 1}


def test_an_upgrade_counts_once_with_its_latest_outcome() -> None:
    line = Timeline()
    uid = line.queue()
    line.execute(uid, "failed", "merge_conflict")
    line.execute(uid, "awaiting_review")
    line.execute(uid, "approved")
    line.merge(uid, "c" * 40)
    stats = build_model(line.events, LEARNING).types["god_class"]
    assert (stats.attempts, stats.successes, dict(stats.failure_types)) == (1, 1, {})


def test_refusals_and_failures_that_are_not_the_upgrades_fault_are_not_attempts() -> None:
    line = Timeline()
    for status, failure_type in [
        ("refused", "refused"),
        ("failed", "baseline_failing"),
        ("failed", "local_changes"),
        ("failed", "llm_unavailable"),
    ]:
        line.execute(line.queue(), status, failure_type)
    assert "god_class" not in build_model(line.events, LEARNING).types


def test_a_rejection_or_a_discarded_branch_turns_a_success_into_a_failure() -> None:
    line = Timeline()
    rejected, discarded = line.queue(), line.queue()
    for uid in (rejected, discarded):
        line.execute(uid, "awaiting_review")
    line.reject(rejected)
    line.rollback(discarded, status="deleted_branch")
    stats = build_model(line.events, LEARNING).types["god_class"]
    assert (stats.attempts, stats.successes) == (2, 0)
    assert dict(stats.failure_types) == {"rejected": 1, "discarded": 1}
    assert stats.consecutive_failures == 2
    assert stats.last_regression is None


def test_rollback_of_a_merged_upgrade_is_a_regression() -> None:
    line = Timeline()
    uid = line.success()
    line.rollback(uid)
    stats = build_model(line.events, LEARNING).types["god_class"]
    assert (stats.attempts, stats.successes) == (1, 0)
    assert stats.last_regression == {"upgrade_id": uid, "ts": line.events[-1]["ts"], "reason": "was rolled back"}


def test_a_failing_baseline_on_a_merge_commit_is_a_regression_of_that_upgrade() -> None:
    line = Timeline()
    merged = line.success()
    merge_commit = line.events[-1]["merge_commit"]
    later = line.queue("circular_import")
    line.execute(later, "failed", "baseline_failing", base_commit=merge_commit, upgrade_type="circular_import")
    model = build_model(line.events, LEARNING)
    assert model.types["god_class"].last_regression["upgrade_id"] == merged
    assert "circular_import" not in model.types  # its own run says nothing about it


def test_a_merged_upgrade_failing_a_later_validation_is_a_regression() -> None:
    line = Timeline()
    uid = line.success()
    line.execute(uid, "failed", "test_failure")
    stats = build_model(line.events, LEARNING).types["god_class"]
    assert stats.last_regression["reason"] == "failed after it was merged"


def test_model_written_upgrades_are_counted_apart() -> None:
    line = Timeline()
    line.success("complex_function")
    uid = line.queue("complex_function", strategy="llm")
    line.execute(uid, "failed", "llm_invalid_diff", upgrade_type="complex_function", strategy="llm:openai/m")
    model = build_model(line.events, LEARNING)
    assert sorted(model.types) == ["complex_function", "complex_function[llm]"]
    assert learning_key("god_class", "llm:command/x") == "god_class[llm]"
    assert learning_key("god_class", "rule") == "god_class"


@pytest.mark.parametrize(
    ("suggestion", "package"),
    [
        ({"evidence": {"module": "shop.orders.models"}}, "shop"),
        ({"evidence": {"cycle": ["app.a", "app.b"]}}, "app"),
        ({"evidence": {}, "affected_modules": ["src/lib/x.py"]}, "lib"),
        ({"evidence": {}, "affected_modules": ["tool.py"]}, "tool"),
        ({"evidence": {}, "affected_modules": []}, None),
    ],
)
def test_top_level_package(suggestion, package) -> None:
    assert top_level_package(suggestion) == package


def test_package_estimate_is_shrunk_toward_the_types_record_elsewhere() -> None:
    line = Timeline()
    for _ in range(8):
        line.success(module="good.mod")
    line.failure(module="bad.mod")
    line.failure(module="bad.mod")
    model = build_model(line.events, LEARNING)
    assert model.type_estimate("god_class") == pytest.approx(9 / 12)
    # the prior of "bad" is the record in "good": (8 + 1) / (8 + 2) = 0.9, weighted 2
    assert model.estimate_for("god_class", "bad") == pytest.approx((0 + 2 * 0.9) / (2 + 2))
    # the prior of "good" is the record in "bad": (0 + 1) / (2 + 2) = 0.25
    assert model.estimate_for("god_class", "good") == pytest.approx((8 + 2 * 0.25) / (8 + 2))
    assert model.estimate_for("god_class", "elsewhere") == pytest.approx(9 / 12)
    assert model.packages["bad"].attempts == 2
