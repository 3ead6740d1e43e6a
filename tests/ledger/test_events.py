"""Event schema: ts first, a schema version, validation on write, tolerance on read."""

from __future__ import annotations

import pytest

from gitupgrade.ledger import events as ev


def test_a_line_begins_with_its_timestamp_then_version_kind_and_upgrade() -> None:
    event = ev.make_event("upgrade_rejected", {"upgrade_id": "up_1"}, ts="2026-11-25T22:30:01.123456Z")
    assert ev.serialize(event) == (
        '{"ts":"2026-11-25T22:30:01.123456Z","v":1,"event":"upgrade_rejected","upgrade_id":"up_1"}'
    )


def test_execution_gets_every_optional_field() -> None:
    event = ev.make_event("upgrade_executed", {"upgrade_id": "up_1", "status": "failed"}, ts="t")
    assert list(event)[:4] == ["ts", "v", "event", "upgrade_id"]
    assert event["failure_type"] is None and event["files"] == [] and event["quality"] is None


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        (
            "upgrade_executed",
            {"upgrade_id": "u", "status": "great"},
            "ledger event upgrade_executed: status 'great' is not one of awaiting_review, merged, failed, refused, approved",
        ),
        (
            "upgrade_merged",
            {"upgrade_id": "u"},
            "ledger event upgrade_merged lacks merge_commit, target_branch, fast_forward",
        ),
        ("Bad Kind", {}, "invalid ledger event kind: 'Bad Kind'"),
        ("note", {"value": {1, 2}}, "ledger event note is not JSON data: Object of type set is not JSON serializable"),
    ],
)
def test_invalid_events_are_refused(kind: str, payload: dict, message: str) -> None:
    with pytest.raises(ev.InvalidEventError) as caught:
        ev.make_event(kind, payload)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not JSON (Expecting property name enclosed in double quotes at column 2)"),
        ("[1, 2]", "not a JSON object"),
        ('{"ts":"t","v":99,"event":"scan"}', "unknown schema version 99"),
        ('{"v":1,"event":"scan"}', "no ts or event field"),
    ],
)
def test_malformed_lines_say_why(line: str, reason: str) -> None:
    with pytest.raises(ev.MalformedLineError) as caught:
        ev.parse_line(line)
    assert str(caught.value) == reason


def test_timestamps_of_one_process_strictly_increase() -> None:
    stamps = [ev.CLOCK.now() for _ in range(1000)]
    assert stamps == sorted(set(stamps))
    assert all(s.endswith("Z") and len(s) == 27 for s in stamps)
