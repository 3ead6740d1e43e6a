"""``diff``, ``status``, ``rollback`` and ``gc`` on upgrades made by a real run."""

from __future__ import annotations

import json
import re

from tests.manager.conftest import CALC, QUICK_CONFIG, manager_for
from tests.manager.strategies import edit

SUB = CALC + "\n\ndef sub(a, b):\n    return a - b\n"
QUICK_CONFIG_REVIEW = QUICK_CONFIG + "  risk_policies:\n    low: {auto_approve: false}\n"


def test_diff_status_and_rollback_of_a_merged_upgrade(quick_project, run_cli) -> None:
    manager = manager_for(quick_project)
    (upgrade_id,) = manager.queue_suggestions(
        [edit({"src/pkg/calc.py": SUB, "src/pkg/util.py": "X = 1\n"}, title="Add sub")]
    ).queued
    base = quick_project.head()
    manager.run()

    diff = run_cli("diff", upgrade_id, cwd=quick_project.path)
    assert diff.stdout.splitlines() == [
        f"{upgrade_id} test_edit (merged): Add sub",
        "affected modules: src/pkg/calc.py, src/pkg/util.py",
        "  MODIFY src/pkg/calc.py (10 lines, +4 -0)",
        "  CREATE src/pkg/util.py (1 lines, +1 -0)",
    ]
    patch = json.loads(run_cli("diff", upgrade_id, "--patch", "--json", cwd=quick_project.path).stdout)["patch"]
    assert "+def sub(a, b):" in patch.splitlines()

    status = json.loads(run_cli("status", "--json", cwd=quick_project.path).stdout)
    assert status["queue"] == {"pending": 0, "in_progress": 0, "completed_today": 1}
    assert status["recently_completed"][0]["id"] == upgrade_id

    quick_project.write(
        {"notes.txt": "staged\n", "tests/check.sh": quick_project.git("show", "HEAD:tests/check.sh") + "# wip\n"}
    )
    quick_project.git("add", "notes.txt")
    local = (
        quick_project.git("diff"),
        quick_project.git("diff", "--cached"),
        quick_project.git("status", "--porcelain"),
    )
    result = run_cli("rollback", upgrade_id, "--json", cwd=quick_project.path)
    rolled = json.loads(result.stdout)
    assert (
        quick_project.git("diff"),
        quick_project.git("diff", "--cached"),
        quick_project.git("status", "--porcelain"),
    ) == local
    assert (rolled["status"], rolled["restored_files"]) == ("done", ["src/pkg/calc.py", "src/pkg/util.py"])
    assert quick_project.head() == rolled["revert_commit"]
    assert quick_project.git("diff", base, "HEAD", "--", "src") == ""
    assert (quick_project.path / "src/pkg/calc.py").read_text() == CALC
    assert manager_for(quick_project).ledger.upgrade(upgrade_id).status == "rolled_back"


def test_rollback_conflicting_with_later_work_changes_nothing(quick_project, run_cli) -> None:
    manager = manager_for(quick_project)
    (upgrade_id,) = manager.queue_suggestions([edit({"src/pkg/calc.py": SUB})]).queued
    manager.run()
    later = quick_project.commit({"src/pkg/calc.py": SUB + "\n\ndef div(a, b):\n    return a / b\n"}, "later work")
    result = run_cli("rollback", upgrade_id, cwd=quick_project.path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: cannot roll back {upgrade_id}: reverting conflicts in src/pkg/calc.py",
        "hint: resolve it by hand with git revert, or roll back the later upgrades first",
    ]
    assert quick_project.head() == later
    assert quick_project.git("status", "--porcelain") == ""


def test_rollback_of_an_unmerged_upgrade_deletes_its_branch_and_gc_prunes_backups(quick_project, run_cli) -> None:
    manager = manager_for(quick_project)
    (upgrade_id,) = manager.queue_suggestions([edit({"src/pkg/calc.py": SUB}, risk="high")]).queued
    manager.run()
    result = run_cli("rollback", upgrade_id, cwd=quick_project.path)
    assert result.stdout == f"{upgrade_id} was not merged: deleted upgrade/{upgrade_id}\n"
    assert quick_project.git("branch", "--list", "upgrade/*") == ""
    assert quick_project.git("for-each-ref", "--format=%(refname)", "refs/upgrade-backups/").split() == [
        f"refs/upgrade-backups/{upgrade_id}/base",
        f"refs/upgrade-backups/{upgrade_id}/upgrade",
    ]
    kept = run_cli("gc", cwd=quick_project.path)
    assert kept.stdout == "removed 0 backup ref(s), kept 2 (retention 30 days)\n"
    override = quick_project.path.parent / "zero.yaml"
    override.write_text("self_upgrading:\n  backup_retention_days: 0\n")
    pruned = run_cli("--config", str(override), "gc", "--json", cwd=quick_project.path)
    assert json.loads(pruned.stdout)["removed"] == [
        f"refs/upgrade-backups/{upgrade_id}/base",
        f"refs/upgrade-backups/{upgrade_id}/upgrade",
    ]
    assert quick_project.git("for-each-ref", "refs/upgrade-backups/") == ""


def test_an_upgrade_merged_by_a_reviewer_outside_the_tool_shows_as_merged(quick_project, run_cli) -> None:
    quick_project.write({"config.yaml": QUICK_CONFIG_REVIEW})
    quick_project.commit(message="review everything")
    manager = manager_for(quick_project)
    (upgrade_id,) = manager.queue_suggestions([edit({"src/pkg/calc.py": SUB}, title="Add sub")]).queued
    (outcome,) = manager.run().outcomes
    assert outcome.status == "awaiting_review"

    # the reviewer merges the pull request's branch by hand
    quick_project.git("merge", "-q", "--no-ff", "-m", "Merge pull request", f"upgrade/{upgrade_id}")
    status = json.loads(run_cli("status", "--json", cwd=quick_project.path).stdout)
    assert status["merged_elsewhere"] == [upgrade_id]
    assert [(r["id"], r["status"]) for r in status["recently_completed"]] == [(upgrade_id, "merged")]
    assert status["awaiting_review"] == []
    # status is read-only; the next runner records the merge in the ledger
    assert manager_for(quick_project).ledger.upgrade(upgrade_id).status == "awaiting_review"
    report = manager_for(quick_project).run()
    assert report.messages == [f"{upgrade_id} was merged into refs/heads/main outside git upgrade; recorded"]
    assert manager_for(quick_project).ledger.upgrade(upgrade_id).status == "merged"


def test_status_text_names_the_next_scheduled_scan(quick_project, run_cli) -> None:
    manager = manager_for(quick_project)
    (upgrade_id,) = manager.queue_suggestions([edit({"src/pkg/calc.py": SUB}, title="Add sub")]).queued
    lines = run_cli("status", cwd=quick_project.path).stdout.splitlines()
    assert lines[:2] == ["queue: 1 pending, 0 in progress, 0 completed today", "last scan: never"]
    # never scanned: the weekly schedule makes a scan due now, scan only by default
    assert re.fullmatch(
        r"next auto scan: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ by git upgrade tick "
        r"\(scan only: auto_upgrade_enabled is false\)",
        lines[2],
    )
    # base priority 5 scaled by the prior success estimate of an untried type, 0.5: 2.5, shown as 2
    assert lines[3:] == ["pending:", f"  {upgrade_id}  p2  Add sub"]
    quick_project.commit({"config.yaml": QUICK_CONFIG + "  scan_schedule: manual\n"}, "manual scans")
    assert run_cli("status", cwd=quick_project.path).stdout.splitlines()[2] == "next auto scan: never (manual schedule)"
