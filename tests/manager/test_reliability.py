"""Crash recovery, one runner at a time, and validation of the staged code (not the installed one)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import venv

from tests.manager.conftest import CALC, cli, manager_for, process_gone, start_cli, wait_for
from tests.manager.strategies import edit

DEADLINE = 60.0


def test_kill_9_during_the_tests_then_run_again_recovers(quick_project, tmp_path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "block").write_text("")
    (upgrade_id,) = (
        manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": CALC + "GATED = True\n"})]).queued
    )
    runner = start_cli("run", cwd=quick_project.path, GATE_DIR=str(gate))
    wait_for(gate / "started", runner)
    suite_pid = int((gate / "started").read_text())
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    (quick_project.path / ".git/upgrade/core_v2/src/pkg/calc.py").write_text("half-written")
    # The orphaned suite keeps blocking on its gate until the next run stops it; the retry
    # gets a gate of its own that is open.
    open_gate = tmp_path / "open-gate"
    open_gate.mkdir()

    try:
        again = cli("run", "--json", cwd=quick_project.path, GATE_DIR=str(open_gate))
    finally:
        (gate / "block").unlink()

    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["messages"][0].startswith(f"recovered from a crashed run: 'run' (pid {runner.pid} on ")
    assert report["messages"][1].startswith("stopped the test run (process group ")
    assert report["messages"][2] == f"retrying {upgrade_id}, interrupted by a crashed run"
    (outcome,) = report["upgrades"]
    assert (outcome["upgrade_id"], outcome["status"]) == (upgrade_id, "merged")
    assert process_gone(suite_pid)  # the orphaned suite was stopped
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=quick_project.path, capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stderr
    assert quick_project.git("status", "--porcelain") == ""


def test_a_second_run_exits_1_while_read_only_commands_answer(quick_project, tmp_path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "block").write_text("")
    manager = manager_for(quick_project)
    (merged_id,) = manager.queue_suggestions([edit({"src/pkg/calc.py": CALC + "# first\n"}, risk="medium")]).queued
    manager.run()
    manager.queue_suggestions([edit({"src/pkg/calc.py": CALC + "GATED = True\n"})])
    runner = start_cli("run", cwd=quick_project.path, GATE_DIR=str(gate))
    try:
        wait_for(gate / "started", runner)
        second = cli("run", cwd=quick_project.path)
        assert second.returncode == 1
        first_line, hint = second.stderr.splitlines()
        assert first_line.startswith(f"error: another git upgrade is running: 'run' (pid {runner.pid} on ")
        assert hint == "hint: wait for it to finish; read-only commands (status, ledger, diff) work meanwhile"
        status = cli("status", "--json", cwd=quick_project.path)
        assert status.returncode == 0 and json.loads(status.stdout)["queue"]["in_progress"] == 1
        assert cli("diff", merged_id, cwd=quick_project.path).returncode == 0
        assert cli("ledger", cwd=quick_project.path).returncode == 0
    finally:
        (gate / "block").unlink()
        runner.communicate(timeout=DEADLINE)
    assert runner.returncode == 0


def test_validation_runs_the_worktree_code_even_with_an_editable_install(project, tmp_path, monkeypatch) -> None:
    # A virtualenv where the project is "installed in editable mode": a .pth file pointing at
    # the user's checkout. Were the checkout's code imported, the broken upgrade would pass.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    (site / "pkg_editable.pth").write_text(str(project.path / "src") + "\n")
    monkeypatch.setenv("PATH", os.pathsep.join([str(env_dir / "bin"), os.environ["PATH"]]))
    monkeypatch.setenv("VIRTUAL_ENV", str(env_dir))
    check = subprocess.run(
        ["python", "-c", "import pkg.calc, sys; print(pkg.calc.__file__, sys.prefix)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert check.stdout.split() == [str(project.path / "src/pkg/calc.py"), str(env_dir)]

    manager = manager_for(project)
    manager.queue_suggestions([edit({"src/pkg/calc.py": CALC.replace("a * b", "a ** b")})])
    (outcome,) = manager.run().outcomes
    assert (outcome.status, outcome.failure_type) == ("failed", "test_failure")
    assert outcome.detail == "1 test(s) broke: tests.test_calc::test_mul (failed)"
