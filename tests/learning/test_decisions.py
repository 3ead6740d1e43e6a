"""Priority scaling, the requeue guard and the scan schedule, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gitupgrade.config import default_config
from gitupgrade.learning.model import build_model
from gitupgrade.learning.priority import queue_priority, scaled_priority
from gitupgrade.learning.requeue import failure_histories, requeue_decision
from gitupgrade.learning.schedule import next_scan_time, scan_due, scan_interval
from tests.learning.events import Timeline

CONFIG = default_config()
LEARNING = CONFIG["learning"]


def suggestion(upgrade_type: str = "god_class", module: str = "pkg.mod", priority: float = 8) -> dict:
    return {
        "id": "s",
        "type": upgrade_type,
        "priority": priority,
        "strategy": "rule",
        "evidence": {"module": module},
        "affected_modules": [],
    }


def test_priority_is_base_times_estimate() -> None:
    line = Timeline()
    for _ in range(4):
        line.success()
    model = build_model(line.events, LEARNING)
    assert queue_priority(suggestion(), model, LEARNING) == (
        6.7,
        "8 x 0.83 (god_class in pkg: 4/4 succeeded)",
    )  # (4 + 1) / (4 + 2)
    assert queue_priority(suggestion("circular_import"), model, LEARNING) == (
        4.0,
        "8 x 0.50 (circular_import: never tried)",
    )
    off = {**LEARNING, "outcome_based_scoring": False}
    assert queue_priority(suggestion(), model, off) == (8, "outcome-based scoring is off")
    assert scaled_priority(10, 1.2) == 10 and scaled_priority(5, 0.0) == 0
    # a priority recorded on the old 0-100 scale is read on the 1-10 scale
    assert queue_priority(suggestion(priority=80), model, off) == (8, "outcome-based scoring is off")


def test_a_failing_type_sinks_below_a_succeeding_one() -> None:
    line = Timeline()
    for _ in range(3):
        line.failure("god_module")
        line.success("circular_import")
    model = build_model(line.events, LEARNING)
    failing = queue_priority(suggestion("god_module", priority=9), model, LEARNING)[0]
    succeeding = queue_priority(suggestion("circular_import", priority=6), model, LEARNING)[0]
    assert failing < succeeding


def decide(suggestion_id: str, events: list[dict], max_retries: int) -> tuple[bool, str]:
    return requeue_decision(failure_histories(events).get(suggestion_id), max_retries)


def failed_attempts(line: Timeline, suggestion_id: str, *failure_types: str) -> None:
    for failure_type in failure_types:
        uid = line.queue(suggestion_id=suggestion_id)
        status = "refused" if failure_type == "refused" else "failed"
        line.execute(uid, status, failure_type)


def test_requeue_stops_after_max_retries_failures_of_one_kind() -> None:
    line = Timeline()
    failed_attempts(line, "s1", "test_failure", "import_error", "test_failure")
    assert decide("s1", line.events, 3) == (True, "3 failed attempts, at most 2 with test_failure (limit 3)")
    failed_attempts(line, "s1", "test_failure")
    allowed, reason = decide("s1", line.events, 3)
    assert not allowed
    assert reason.startswith("failed 3 times with test_failure (limit 3): upgrade_")
    assert decide("other", line.events, 3) == (True, "no failed attempt")


def test_requeue_ignores_failures_that_are_not_the_suggestions_fault_and_counts_refusals() -> None:
    line = Timeline()
    failed_attempts(line, "s1", "baseline_failing", "baseline_failing", "local_changes")
    assert decide("s1", line.events, 1) == (True, "no failed attempt")
    failed_attempts(line, "s1", "refused")
    assert decide("s1", line.events, 0)[0] is False


def test_a_later_success_clears_an_upgrades_failure() -> None:
    line = Timeline()
    uid = line.queue(suggestion_id="s1")
    line.execute(uid, "failed", "merge_conflict")
    line.execute(uid, "merged")
    assert decide("s1", line.events, 1) == (True, "no failed attempt")


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "hours", "expected"),
    [
        ("weekly", 168, timedelta(hours=168)),
        ("daily", 168, timedelta(hours=24)),
        ("weekly", 6, timedelta(hours=6)),
        ("manual", 1, None),
    ],
)
def test_scan_interval(schedule, hours, expected) -> None:
    assert scan_interval({"scan_schedule": schedule, "scan_interval_hours": hours}) == expected


def test_scan_due_from_the_last_scan() -> None:
    config = {"scan_schedule": "daily", "scan_interval_hours": 168}
    assert next_scan_time(config, None, NOW) == NOW and scan_due(config, None, NOW)
    last = "2026-03-01T10:00:00.000000Z"
    assert next_scan_time(config, last, NOW) == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert not scan_due(config, last, NOW + timedelta(hours=21, minutes=59))
    assert scan_due(config, last, NOW + timedelta(hours=22))
    # overdue: the next scan is now
    assert next_scan_time(config, last, NOW + timedelta(days=3)) == NOW + timedelta(days=3)
    manual = {**config, "scan_schedule": "manual"}
    assert next_scan_time(manual, None, NOW) is None and not scan_due(manual, None, NOW)
