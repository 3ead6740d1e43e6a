"""compare: which differences between the baseline run and the run after an upgrade fail it."""

from __future__ import annotations

from gitupgrade.manager.testrun import TestRun as Run
from gitupgrade.manager.validation import compare


def run(outcomes: dict[str, str]) -> Run:
    passed = sum(o == "passed" for o in outcomes.values())
    return Run(
        passed, len(outcomes) - passed, 0 if passed == len(outcomes) else 1, False, 1.0, outcomes, has_junit=True
    )


BASE = run({"t::a": "passed", "t::b[02:04:56]": "passed", "t::c": "failed"})


def test_a_test_that_passed_and_now_fails_fails_the_upgrade() -> None:
    verdict = compare(BASE, run({"t::a": "failed", "t::b[02:04:56]": "passed", "t::c": "failed"}), 60)
    assert not verdict.ok and verdict.failure_type == "test_failure"
    assert "t::a (failed)" in verdict.detail


def test_a_test_id_renamed_by_the_clock_is_not_a_regression() -> None:
    # found on marshmallow: ids parametrized by the current time differ on every run
    assert compare(BASE, run({"t::a": "passed", "t::b[02:05:31]": "passed", "t::c": "failed"}), 60).ok


def test_a_test_that_is_gone_with_fewer_passing_fails_the_upgrade() -> None:
    verdict = compare(BASE, run({"t::a": "passed", "t::c": "failed"}), 60)
    assert not verdict.ok and "t::b[02:04:56] (missing)" in verdict.detail


def test_tests_failing_at_baseline_may_keep_failing() -> None:
    assert compare(BASE, BASE, 60).ok
