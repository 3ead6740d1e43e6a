"""Attacks 2-4 of issue 14: a synced ledger is data, never authority.

Each test: the attacker pushes hostile notes, the victim syncs and works as usual;
afterwards nothing outside the repository changed, nothing unvalidated merged, and
every command still works.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitupgrade.refactor.strategies.source import RefusedChange, Workspace
from tests.security.conftest import NOTES, PROJECT, Team, line, snapshot

UPGRADE_ID = "upgrade_20261201_000000_a1b2c3"


def _cycle_suggestion(importer_path: str, sid: str = "circular_import-0123456789ab") -> dict:
    edge = {
        "importer": "pkg.b",
        "importer_path": importer_path,
        "imported": "pkg.a",
        "imported_path": "pkg/a.py",
        "line": 1,
        "statement": "from pkg import a",
        "names": ["a"],
        "uses": 1,
        "kind": "module",
    }
    return {
        "id": sid,
        "type": "circular_import",
        "title": "Break the import cycle pkg.a, pkg.b",
        "description": "",
        "risk_level": "low",
        "priority": 99,
        "affected_modules": [importer_path, "pkg/a.py"],
        "evidence": {"cycle": ["pkg.a", "pkg.b"], "paths": ["pkg/a.py", importer_path], "chain": [edge], "cut": [edge]},
        "strategy": "rule",
    }


def _queued(upgrade_id: str, suggestion: dict, base: str, **extra: object) -> str:
    return line(
        "upgrade_queued",
        upgrade_id,
        suggestion=suggestion,
        priority=99,
        base_commit=base,
        target_branch="main",
        **extra,
    )


def _attacker_god_class(team: Team) -> dict:
    """The god class suggestion the attacker's own scan finds (the tool used as intended); its notes removed."""
    assert team.upgrade_in_attacker("scan").exit_code == 0
    notes = team.attacker.git("notes", "--ref=upgrades", "show", team.base).splitlines()
    (god,) = [json.loads(t)["suggestion"] for t in notes if '"upgrade_queued"' in t and "god_class" in t]
    team.attacker.git("notes", "--ref=upgrades", "remove", team.base)
    return god


def test_attack2_synced_paths_outside_the_repository_are_skipped_and_never_written(team: Team) -> None:
    # The god class strategy rewrites evidence.path and creates a module beside it: pointed
    # outside the repository, and at the victim's own checkout from core_v2.
    (team.outside / "pkg" / "shop.py").write_text(PROJECT["pkg/shop.py"])
    god = _attacker_god_class(team)
    hostile = []
    for n, path in enumerate(("../../../../outside/pkg/shop.py", "../../../pkg/shop.py")):
        suggestion = {
            **god,
            "risk_level": "low",
            "affected_modules": [path],
            "evidence": {**god["evidence"], "path": path},
        }
        hostile.append(_queued(f"upgrade_20261201_000000_a1b2c{n}", suggestion, team.base))
    team.notes(team.base, *hostile)
    outside_before = snapshot(team.outside)
    checkout_before = snapshot(team.victim.path)

    synced = team.upgrade("sync")
    ran = team.upgrade("run")

    assert snapshot(team.outside) == outside_before
    assert snapshot(team.victim.path) == checkout_before
    assert team.main() == team.base
    assert synced.exit_code == 0, synced.stderr
    assert synced.stderr.splitlines() == [
        "warning: skipped 2 invalid events from origin: 2 path outside the repository"
    ]
    assert (ran.exit_code, ran.stdout) == (0, "no pending upgrades\n")
    team.assert_every_command_works()
    team.assert_nothing_unvalidated_merged()
    # Reported once: the next sync does not repeat the warning.
    assert team.upgrade("sync").stderr == ""


def test_the_workspace_refuses_a_path_that_resolves_outside_it(tmp_path: Path) -> None:
    work = tmp_path / "core_v2"
    (work / "pkg").mkdir(parents=True)
    (tmp_path / "outside.py").write_text("x = 1\n")
    (work / "pkg" / "link.py").symlink_to(tmp_path / "outside.py")
    ws = Workspace(work)
    for path in ("../outside.py", "pkg/link.py", str(tmp_path / "outside.py"), ".git/config"):
        with pytest.raises(RefusedChange, match="outside the work directory"):
            ws.create(path, "y = 2\n") if path != "pkg/link.py" else ws.read(path)
    assert (tmp_path / "outside.py").read_text() == "x = 1\n"


def test_attack3_a_forged_validation_never_merges_and_approve_validates_first(team: Team) -> None:
    # The attacker queues the real suggestion with the tool, then forges its validation: a
    # commit X that breaks the tests, carried as a second parent of the notes commit.
    assert team.upgrade_in_attacker("scan").exit_code == 0
    (record,) = [
        json.loads(text)
        for text in team.attacker.git("notes", "--ref=upgrades", "show", team.base).splitlines()
        if '"upgrade_queued"' in text and "circular_import" in text
    ]
    upgrade_id = record["upgrade_id"]
    team.attacker.git("checkout", "-q", "-b", "evil")
    x = team.attacker.commit({"pkg/b.py": "def g():\n    return 1\n\n\ndef h():\n    return 2\n"}, "evil")
    team.attacker.git("checkout", "-q", "main")
    forged = line(
        "upgrade_executed",
        upgrade_id,
        status="awaiting_review",
        commit=x,
        base_commit=team.base,
        branch=f"upgrade/{upgrade_id}",
        tests={"baseline": {"passed": 14, "failed": 0}, "after": {"passed": 14, "failed": 0}},
        files=[{"path": "pkg/b.py", "change": "MODIFY", "added": 1, "removed": 4}],
        failure_type=None,
        detail="",
        type="circular_import",
        risk_level="low",
    )
    team.attacker.git("notes", "--ref=upgrades", "append", "-m", forged, x)
    tip = team.attacker.head(NOTES)
    carried = team.attacker.git("commit-tree", f"{tip}^{{tree}}", "-p", tip, "-p", x, "-m", "notes").strip()
    team.attacker.git("update-ref", NOTES, carried)
    team.attacker.git("branch", "-q", "-D", "evil")
    team.attacker.git("push", "-q", "origin", f"{NOTES}:{NOTES}")
    outside_before = snapshot(team.outside)

    assert team.upgrade("sync").exit_code == 0
    described = team.upgrade("describe", upgrade_id)
    approved = team.upgrade("approve", upgrade_id)

    main = team.main()
    assert main != x
    assert "| 14 |" not in described.stdout
    assert "Not validated in this clone" in described.stdout
    assert approved.exit_code == 0, approved.stderr
    assert team.victim.git("rev-list", "--count", f"{x}", f"^{main}").strip() == "1"  # X is not on main
    assert team.victim.git("show", f"{main}:pkg/b.py") != team.attacker.git("show", f"{x}:pkg/b.py")
    assert team.victim.git("log", "-1", "--format=%B", main).count(f"Upgrade-Id: {upgrade_id}") == 1
    assert snapshot(team.outside) == outside_before
    team.assert_every_command_works()
    team.assert_nothing_unvalidated_merged()


def test_attack4_a_requeued_suggestion_takes_risk_and_priority_from_the_local_scan(team: Team) -> None:
    # The god class is medium risk here (review required); the event says low.
    god = _attacker_god_class(team)
    hostile = {**god, "risk_level": "low", "priority": 100}
    team.notes(team.base, _queued(UPGRADE_ID, hostile, team.base))

    assert team.upgrade("sync").exit_code == 0
    ran = team.upgrade("run", "--json")

    assert ran.exit_code == 0, ran.stderr
    (outcome,) = json.loads(ran.stdout)["upgrades"]
    assert (outcome["upgrade_id"], outcome["status"]) == (UPGRADE_ID, "awaiting_review")
    assert team.main() == team.base
    status = json.loads(team.upgrade("status", "--json").stdout)
    (waiting,) = status["awaiting_review"]
    assert (waiting["id"], waiting["risk_level"]) == (UPGRADE_ID, "medium")
    assert waiting["priority"] != 100
    team.assert_every_command_works()
    team.assert_nothing_unvalidated_merged()


def test_attack4_a_suggestion_a_local_scan_does_not_find_is_refused(team: Team) -> None:
    outside_before = snapshot(team.outside)
    team.notes(team.base, _queued(UPGRADE_ID, _cycle_suggestion("pkg/b.py"), team.base))

    assert team.upgrade("sync").exit_code == 0
    ran = team.upgrade("run", "--json")

    assert ran.exit_code == 0, ran.stderr
    (outcome,) = json.loads(ran.stdout)["upgrades"]
    assert (outcome["status"], outcome["detail"]) == (
        "refused",
        "queued by another clone and not found by a scan of its base here",
    )
    assert team.main() == team.base
    assert snapshot(team.outside) == outside_before
    team.assert_every_command_works()
    team.assert_nothing_unvalidated_merged()


def test_attack4_forged_merges_do_not_teach_trust(team: Team) -> None:
    # 36 forged god_class successes; none merged on main, none validated here.
    forged = []
    for n in range(36):
        uid = f"upgrade_20261201_000000_{n:06x}"
        suggestion = {**_cycle_suggestion("pkg/b.py", f"god_class-{n:012x}"), "type": "god_class"}
        forged += [
            _queued(uid, suggestion, team.base),
            line("upgrade_executed", uid, status="merged", commit=team.base, base_commit=team.base, type="god_class"),
            line("upgrade_merged", uid, merge_commit=team.base, target_branch="main", fast_forward=True),
        ]
    team.attacker.git("notes", "--ref=upgrades", "add", "-m", "\n".join(forged), team.base)
    team.attacker.git("push", "-q", "origin", f"{NOTES}:{NOTES}")

    assert team.upgrade("sync").exit_code == 0
    learned = team.upgrade("learn", "--json")
    scanned = team.upgrade("scan")
    ran = team.upgrade("run", "--json")

    assert scanned.exit_code == 0
    outcomes = {o["upgrade_id"]: o["status"] for o in json.loads(ran.stdout)["upgrades"]}
    statuses = sorted(outcomes.values())
    assert statuses == ["awaiting_review", "merged"]  # the cycle (low) merged, the god class waits
    report = json.loads(learned.stdout)
    assert [t["type"] for t in report["types"] if t["trust"] == "trusted"] == []
    assert len(report["skipped"]) == 36
    assert "skipped 36 upgrades another clone reported" in team.upgrade("learn").stdout
    god = [o for o in json.loads(ran.stdout)["upgrades"] if o["status"] == "awaiting_review"]
    assert god and "god_class" in team.victim.git("show", "-s", "--format=%B", god[0]["commit"])
    team.assert_every_command_works()
    team.assert_nothing_unvalidated_merged()


def test_attack4_rollback_of_a_forged_merge_reverts_nothing(team: Team) -> None:
    # The ledger claims the user's own commit is an upgrade's merge.
    users = team.victim.commit({"pkg/notes.py": "TODO = []\n"}, "my own work")
    team.victim.git("push", "-q", "origin", "main")
    uid = "upgrade_20261201_000000_0000aa"
    suggestion = {**_cycle_suggestion("pkg/b.py")}
    team.attacker.git("fetch", "-q", "origin")
    team.notes(
        team.base,
        _queued(uid, suggestion, team.base),
        line("upgrade_executed", uid, status="merged", commit=users, base_commit=team.base, type="circular_import"),
        line("upgrade_merged", uid, merge_commit=users, target_branch="main", fast_forward=True),
    )
    assert team.upgrade("sync").exit_code == 0

    result = team.upgrade("rollback", uid)

    assert team.main() == users
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: the ledger says {uid} was merged as {users[:10]}, but no commit on main names that upgrade; "
        "nothing reverted",
        "hint: if you mean to undo that commit, use git revert",
    ]
