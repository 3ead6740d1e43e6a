"""``git upgrade run`` end to end on a fixture project with a real pytest suite."""

from __future__ import annotations

import json
import subprocess
import sys

from gitupgrade.manager import UpgradeManager
from gitupgrade.repo import GitRepo
from gitupgrade.repo.commits import parse_trailers
from tests.manager.conftest import CALC, manager_for, process_gone
from tests.manager.strategies import edit

SUB = CALC + "\n\ndef sub(a, b):\n    return a - b\n"
BROKEN = CALC.replace("return a + b", "return a - b")


def test_low_risk_upgrade_merges_with_trailers_events_and_local_work_intact(project, run_cli) -> None:
    project.write(
        {"notes.txt": "my notes\n", "tests/test_calc.py": project.git("show", "HEAD:tests/test_calc.py") + "# wip\n"}
    )
    project.git("add", "notes.txt")
    index_before = (project.path / ".git" / "index").read_bytes()
    local_before = (project.git("diff"), project.git("diff", "--cached"), project.git("status", "--porcelain"))
    base = project.head()
    queued = manager_for(project).queue_suggestions([edit({"src/pkg/calc.py": SUB}, priority=6)]).queued

    result = run_cli("run", "--json", cwd=project.path)

    assert result.exit_code == 0, result.stderr
    (outcome,) = json.loads(result.stdout)["upgrades"]
    assert outcome["upgrade_id"] == queued[0]
    assert (outcome["status"], outcome["failure_type"], outcome["fast_forward"]) == ("merged", None, True)
    assert outcome["tests"] == {"baseline": {"passed": 3, "failed": 0}, "after": {"passed": 3, "failed": 0}}
    assert outcome["files"] == [{"path": "src/pkg/calc.py", "change": "MODIFY", "added": 4, "removed": 0}]
    assert project.head() == outcome["commit"] and project.git("rev-parse", "HEAD^").strip() == base
    message = project.git("log", "-1", "--format=%B")
    assert parse_trailers(message) == {
        "Upgrade-Id": queued[0],
        "Upgrade-Type": "test_edit",
        "Risk-Level": "low",
        "Priority": "6",
    }
    assert (project.path / "src/pkg/calc.py").read_text() == SUB
    # the user's uncommitted and staged work is untouched (calc.py was not among it)
    assert (project.git("diff"), project.git("diff", "--cached"), project.git("status", "--porcelain")) == local_before
    assert index_before != (project.path / ".git" / "index").read_bytes()  # calc.py's entry moved on, like git merge
    assert project.git("branch", "--list", "upgrade/*") == ""
    ledger = manager_for(project).ledger
    kinds = [e["event"] for e in ledger.events(queued[0])]
    assert kinds == ["upgrade_queued", "upgrade_started", "upgrade_executed", "upgrade_merged"]
    assert ledger.upgrade(queued[0]).status == "merged"
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_calc.py"],
        cwd=project.path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(project.path / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert suite.returncode == 0, suite.stdout


def test_a_change_that_breaks_a_test_fails_and_merges_nothing(project, run_cli) -> None:
    base = project.head()
    (upgrade_id,) = manager_for(project).queue_suggestions([edit({"src/pkg/calc.py": BROKEN})]).queued

    result = run_cli("run", "--json", cwd=project.path)

    (outcome,) = json.loads(result.stdout)["upgrades"]
    assert (outcome["status"], outcome["failure_type"]) == ("failed", "test_failure")
    assert outcome["detail"] == "1 test(s) broke: tests.test_calc::test_add (failed)"
    assert outcome["tests"]["after"] == {"passed": 2, "failed": 1}
    assert project.head() == base
    assert project.git("branch", "--list", "upgrade/*") == ""
    backup = project.git("rev-parse", f"refs/upgrade-backups/{upgrade_id}/upgrade").strip()
    assert backup == outcome["commit"]
    assert project.git("rev-parse", f"refs/upgrade-backups/{upgrade_id}/base").strip() == base
    assert manager_for(project).ledger.upgrade(upgrade_id).failure_type == "test_failure"


def test_syntax_and_import_errors_are_caught_before_the_tests(quick_project) -> None:
    manager = manager_for(quick_project)
    manager.queue_suggestions(
        [
            edit({"src/pkg/calc.py": "def add(a, b)\n    return a\n"}, priority=9),
            edit({"src/pkg/extra.py": "import does_not_exist\n"}, priority=8),
        ]
    )
    report = manager.run()
    assert [(o.status, o.failure_type) for o in report.outcomes] == [
        ("failed", "syntax_error"),
        ("failed", "import_error"),
    ]
    assert report.outcomes[0].detail.startswith("src/pkg/calc.py:1: expected ':'")
    assert report.outcomes[1].detail.startswith("importing pkg.extra failed: ModuleNotFoundError")
    assert report.suite_runs == 1  # the baseline only


def test_medium_risk_waits_for_review_and_approve_merges(quick_project, run_cli) -> None:
    (upgrade_id,) = manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB}, risk="medium")]).queued
    base = quick_project.head()
    result = run_cli("run", cwd=quick_project.path)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{upgrade_id} awaiting_review ")
    assert quick_project.head() == base
    branch_tip = quick_project.git("rev-parse", f"upgrade/{upgrade_id}").strip()

    quick_project.write({"notes.txt": "mine\n"})
    quick_project.git("add", "notes.txt")
    quick_project.write({"notes.txt": "mine, edited\n", "scratch.py": "x = 1\n"})
    index = (quick_project.path / ".git/index").read_bytes()
    approved = run_cli("approve", upgrade_id, cwd=quick_project.path)
    assert quick_project.git("diff", "--cached", "--", "notes.txt").endswith("+mine\n")
    assert (quick_project.path / "notes.txt").read_text() == "mine, edited\n"
    assert (quick_project.path / "scratch.py").read_text() == "x = 1\n"
    assert quick_project.git("status", "--porcelain") == "AM notes.txt\n?? scratch.py\n"
    assert index != (quick_project.path / ".git/index").read_bytes()  # calc.py's entry moved on, as git merge does

    assert approved.exit_code == 0, approved.stderr
    assert approved.stdout == f"merged {upgrade_id} (fast-forward {branch_tip[:10]})\n"
    assert quick_project.head() == branch_tip


def test_approve_after_the_target_moved_validates_a_merge_commit(quick_project, run_cli) -> None:
    (upgrade_id,) = manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB}, risk="medium")]).queued
    run_cli("run", cwd=quick_project.path)
    moved = quick_project.commit({"README.md": "hello\n"}, "someone else's work")

    result = run_cli("approve", upgrade_id, "--json", cwd=quick_project.path)

    outcome = json.loads(result.stdout)
    assert (outcome["status"], outcome["fast_forward"]) == ("merged", False)
    assert quick_project.git("rev-list", "--parents", "-1", "HEAD").split()[1] == moved
    assert outcome["tests"]["after"] == {"passed": 0, "failed": 0}  # exit status only: it passed
    assert (quick_project.path / "src/pkg/calc.py").read_text() == SUB


def test_reject_deletes_the_branch_and_the_suggestion_is_not_queued_again(quick_project, run_cli) -> None:
    suggestion = edit({"src/pkg/calc.py": SUB}, risk="medium")
    manager = manager_for(quick_project)
    (upgrade_id,) = manager.queue_suggestions([suggestion]).queued
    manager.run()
    result = run_cli("reject", upgrade_id, cwd=quick_project.path)
    assert result.stdout == (f"rejected {upgrade_id}; upgrade/{upgrade_id} kept under refs/upgrade-backups/\n")
    assert quick_project.git("branch", "--list", "upgrade/*") == ""
    again = manager_for(quick_project).queue_suggestions([suggestion])
    assert again.queued == () and again.filtered == ((suggestion.id, "already rejected"),)


def test_local_changes_touching_the_files_leave_the_upgrade_approved(quick_project) -> None:
    quick_project.write({"src/pkg/calc.py": CALC + "# my local edit\n"})
    base = quick_project.head()
    manager = manager_for(quick_project)
    (upgrade_id,) = manager.queue_suggestions([edit({"src/pkg/calc.py": SUB})]).queued
    (outcome,) = manager.run().outcomes
    assert (outcome.status, outcome.failure_type) == ("approved", "local_changes")
    assert outcome.detail == f"local changes in {quick_project.path} touch files this upgrade changes: src/pkg/calc.py"
    assert quick_project.head() == base
    assert (quick_project.path / "src/pkg/calc.py").read_text() == CALC + "# my local edit\n"
    quick_project.git("checkout", "--", "src/pkg/calc.py")
    assert manager_for(quick_project).approve(upgrade_id).status == "merged"


def test_target_moved_during_validation_regenerates_on_the_new_tip(quick_project, monkeypatch) -> None:
    # The fixture's check script moves main once (as a colleague pushing would) while it validates.
    monkeypatch.setenv("MOVE_REPO", str(quick_project.path))
    manager = manager_for(quick_project)
    manager.queue_suggestions([edit({"src/pkg/calc.py": CALC + "MOVE = True\n"})])
    (outcome,) = manager.run().outcomes
    assert (outcome.status, outcome.attempts) == ("merged", 2)
    assert quick_project.git("log", "-1", "--format=%s", "HEAD^") == "moved\n"
    assert quick_project.head() == outcome.commit


def test_target_moving_past_the_retry_limit_fails_as_a_merge_conflict(quick_project, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MOVE_REPO", str(quick_project.path))
    override = tmp_path / "override.yaml"
    override.write_text("self_upgrading:\n  max_upgrade_retries: 0\n")
    manager = UpgradeManager(GitRepo.discover(quick_project.path), config_file=override)
    (upgrade_id,) = manager.queue_suggestions([edit({"src/pkg/calc.py": CALC + "MOVE = True\n"})]).queued

    (outcome,) = manager.run().outcomes

    assert (outcome.status, outcome.failure_type, outcome.attempts) == ("failed", "merge_conflict", 1)
    assert outcome.detail.endswith("; gave up after 1 attempts")
    assert quick_project.git("log", "-1", "--format=%s", "HEAD") == "moved\n"
    record = manager.ledger.upgrade(upgrade_id)
    assert record is not None
    assert (record.status, record.failure_type, record.detail) == ("failed", "merge_conflict", outcome.detail)


def test_run_on_a_detached_head_without_a_target_branch_is_a_user_error(quick_project, run_cli) -> None:
    manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})])
    quick_project.git("checkout", "-q", "--detach")
    result = run_cli("run", cwd=quick_project.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: HEAD is detached and integration.target_branch is not set",
        "hint: check out the branch to upgrade, or set integration.target_branch",
    ]


def test_run_into_a_target_branch_that_does_not_exist_is_a_user_error(quick_project, run_cli, tmp_path) -> None:
    (upgrade_id,) = manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})]).queued
    override = tmp_path / "override.yaml"
    override.write_text("self_upgrading:\n  integration:\n    target_branch: nosuch\n")
    result = run_cli("--config", str(override), "run", cwd=quick_project.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: the target branch nosuch does not exist",
        "hint: check out the branch to upgrade, or set integration.target_branch",
    ]
    assert manager_for(quick_project).ledger.upgrade(upgrade_id).status == "pending"


def test_a_hanging_suite_is_recorded_as_timeout(quick_project, tmp_path, monkeypatch) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "block").write_text("")
    monkeypatch.setenv("GATE_DIR", str(gate))
    override = tmp_path / "override.yaml"
    # long enough for the baseline run on a loaded machine; the gated suite blocks for 60 s
    override.write_text("self_upgrading:\n  validation:\n    timeout_seconds: 8\n")
    manager = UpgradeManager(GitRepo.discover(quick_project.path), config_file=override)
    manager.queue_suggestions([edit({"src/pkg/calc.py": CALC + "GATED = True\n"})])

    report = manager.run()
    assert report.baseline_failure is None
    (outcome,) = report.outcomes

    assert (outcome.status, outcome.failure_type) == ("failed", "timeout")
    assert outcome.detail == "the test command did not finish within 8s"
    suite_pid = int((gate / "started").read_text())
    assert process_gone(suite_pid)  # the whole process group was killed


def test_a_failing_baseline_is_reported_once_and_nothing_runs(project, run_cli) -> None:
    project.commit({"tests/test_calc.py": "def test_broken():\n    assert False\n"}, "break the suite")
    manager = manager_for(project)
    manager.queue_suggestions([edit({"src/pkg/calc.py": SUB}), edit({"src/pkg/other.py": "x = 1\n"})])
    result = run_cli("run", cwd=project.path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"error: the tests fail at {project.head()[:10]} before any upgrade: "
        "1 test(s) fail at baseline (exit 1): tests.test_calc::test_broken"
    )
    assert lines[1:] == ["hint: fix the failing tests, then run git upgrade run again"]
    assert result.stdout == ""
    assert len(manager_for(project).ledger.upgrades("pending")) == 2


def test_merging_into_the_checked_out_branch_runs_the_post_merge_hook(quick_project) -> None:
    hook = quick_project.path / ".git/hooks/post-merge"
    hook.write_text('#!/bin/sh\necho "post-merge $1 $(git rev-parse HEAD)" > .git/post-merge-ran\n')
    hook.chmod(0o755)
    manager = manager_for(quick_project)
    manager.queue_suggestions([edit({"src/pkg/calc.py": CALC + "\n\nX = 1\n"})])
    (outcome,) = manager.run().outcomes
    assert outcome.status == "merged"
    # as after `git merge`: run in the user's checkout, after the branch moved, 0 = not a squash
    assert (quick_project.path / ".git/post-merge-ran").read_text() == f"post-merge 0 {outcome.merge_commit}\n"


def test_a_module_that_never_imported_here_is_not_the_upgrades_fault(quick_project) -> None:
    windows_only = 'import sys\n\nassert sys.platform == "win32", "Windows only"\n\n\ndef clear():\n    return 1\n'
    quick_project.commit({"src/pkg/winconsole.py": windows_only}, "a Windows-only module")
    manager = manager_for(quick_project)
    manager.queue_suggestions(
        [
            edit({"src/pkg/winconsole.py": windows_only + "\n\ndef beep():\n    return 2\n"}, priority=9),
            # importing it fails here before and after, but a module that imported fine must still import
            edit(
                {"src/pkg/winconsole.py": windows_only, "src/pkg/calc.py": CALC + "import does_not_exist\n"},
                priority=8,
            ),
        ]
    )
    report = manager.run()
    assert [(o.status, o.failure_type) for o in report.outcomes] == [("merged", None), ("failed", "import_error")]
    assert report.outcomes[1].detail == (
        "importing pkg.calc failed: ModuleNotFoundError: No module named 'does_not_exist'"
    )


def test_a_refused_suggestion_is_not_queued_again_until_its_code_changes(quick_project) -> None:
    refused = edit({"src/pkg/calc.py": CALC}, refuse="the class is one connected group")
    manager = manager_for(quick_project)
    manager.queue_suggestions([refused])
    (outcome,) = manager.run().outcomes
    assert (outcome.status, outcome.detail) == ("refused", "the class is one connected group")
    # every later scan of the same code finds the same suggestion: it must not loop
    again = manager_for(quick_project).queue_suggestions([refused])
    assert (again.queued, again.filtered) == ((), ((refused.id, "already refused"),))
