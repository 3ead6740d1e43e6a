"""The outcome words: what each status and failure type counts as, and the enums the ledger accepts."""

from __future__ import annotations

import pytest

from gitupgrade.ledger import events as ev
from gitupgrade.outcomes import FailureType, Outcome, RiskLevel, UpgradeStatus, outcome, tally

# docs/outcomes.md, the table "How each failure type counts"
FAILED_COUNTS_AS = {
    "syntax_error": Outcome.FAILED,
    "import_error": Outcome.FAILED,
    "test_failure": Outcome.FAILED,
    "timeout": Outcome.FAILED,
    "performance_regression": Outcome.FAILED,
    "static_check": Outcome.FAILED,
    "api_change": Outcome.FAILED,
    "llm_invalid_diff": Outcome.FAILED,
    "refused": Outcome.REFUSED,
    "merge_conflict": Outcome.UNMERGED,
    "baseline_failing": Outcome.BLOCKED,
    "local_changes": Outcome.BLOCKED,
    "llm_unavailable": Outcome.BLOCKED,
    "llm_timeout": Outcome.BLOCKED,
    "interrupted": Outcome.BLOCKED,
}


def test_every_failure_type_has_one_documented_meaning() -> None:
    assert set(FAILED_COUNTS_AS) == set(FailureType)
    assert {kind: outcome("failed", kind) for kind in FailureType} == FAILED_COUNTS_AS
    assert outcome("failed", None) is Outcome.FAILED  # an older writer's failure without a type


@pytest.mark.parametrize(
    ("status", "failure_type", "expected"),
    [
        ("merged", None, Outcome.MERGED),
        ("awaiting_review", None, Outcome.UNMERGED),
        ("approved", "local_changes", Outcome.UNMERGED),
        ("rejected", None, Outcome.REJECTED),
        ("rolled_back", None, Outcome.ROLLED_BACK),
        ("refused", "refused", Outcome.REFUSED),
        ("refused", "llm_unavailable", Outcome.BLOCKED),
        ("pending", None, Outcome.PENDING),
        ("in_progress", None, Outcome.PENDING),
    ],
)
def test_statuses_count_as(status: str, failure_type: str | None, expected: Outcome) -> None:
    assert outcome(status, failure_type) is expected


def test_the_rate_is_merged_of_attempted_and_refusals_are_apart() -> None:
    # the shop: two merges and two refusals is a success rate of 100%, not 50%
    rows = [("god_class", "merged", None)] * 2 + [("god_class", "refused", "refused"), ("x", "failed", "refused")]
    counts = tally([*rows, ("x", "pending", None)])
    assert (counts["attempted"], counts["merged"], counts["failed"], counts["refused"]) == (2, 2, 0, 2)
    assert counts["success_rate"] == 1.0
    assert counts["by_type"]["x"] == {
        "attempted": 0,
        "merged": 0,
        "failed": 0,
        "refused": 1,
        "success_rate": 0.0,
        "by_outcome": {"refused": 1},
    }


def test_the_enums_are_the_plain_strings_of_the_ledger_and_the_config() -> None:
    assert [str(level) for level in RiskLevel] == ["low", "medium", "high", "critical"]
    assert UpgradeStatus.MERGED == "merged" and f"{FailureType.TIMEOUT}" == "timeout"


@pytest.mark.parametrize("failure_type", [*FailureType, "not_a_failure_type"])
def test_the_ledger_accepts_exactly_the_enums_failure_types(failure_type: str) -> None:
    payload = {"upgrade_id": "u1", "status": "failed", "failure_type": failure_type}
    if failure_type in set(FailureType):
        line = ev.serialize(ev.make_event(ev.UPGRADE_EXECUTED, payload))
        assert ev.parse_line(line)["failure_type"] == failure_type
    else:
        with pytest.raises(ev.InvalidEventError):
            ev.make_event(ev.UPGRADE_EXECUTED, payload)
        good = ev.make_event(ev.UPGRADE_EXECUTED, {**payload, "failure_type": "timeout"})
        with pytest.raises(ev.MalformedLineError, match="bad failure type"):
            ev.parse_line(ev.serialize({**good, "failure_type": failure_type}))
