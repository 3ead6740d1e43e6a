"""Fault 8: Ctrl-C during ``run`` always exits 130 and records the upgrade as interrupted.

A real ``python -m gitupgrade run`` gets SIGINT at a known point (the strategy or the
project's test command writes a file the test waits for; no sleeps): while a strategy
runs (its cleanup then raises KeyError, as libcst did) and while the tests run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitupgrade.refactor import registry
from tests.conftest import PROJECT_ROOT, GitRepoBuilder
from tests.manager.conftest import (  # noqa: F401 - quick_project, test_strategy: the imported fixtures
    CALC,
    cli,
    manager_for,
    process_gone,
    quick_project,
    start_cli,
    test_strategy,
    wait_for,
)
from tests.manager.strategies import edit
from tests.security.interrupting import TYPE, register, waiting_suggestion

PLUGIN_DIR = Path(__file__).resolve().parent / "plugin"
DEADLINE = 60.0


@pytest.fixture(autouse=True)
def interrupting_strategy() -> Iterator[None]:
    register()
    yield
    registry._STRATEGIES.pop(TYPE, None)


def start_run(repo: GitRepoBuilder, *args: str, **env: str) -> subprocess.Popen[str]:
    """Start ``python -m gitupgrade run ARGS`` with the interrupting strategy's plugin on the path."""
    plugin_path = os.pathsep.join([str(PLUGIN_DIR), str(PROJECT_ROOT)])
    return start_cli("run", *args, cwd=repo.path, PYTHONPATH=plugin_path, **env)


def interrupted_record(repo: GitRepoBuilder, upgrade_id: str) -> dict:
    status = cli("status", "--json", cwd=repo.path)
    assert status.returncode == 0, status.stderr
    rows = {row["id"]: row for row in json.loads(status.stdout)["recently_completed"]}
    return rows[upgrade_id]


def assert_everything_still_works(repo: GitRepoBuilder, base: str) -> None:
    assert repo.head() == base  # nothing merged
    assert repo.git("status", "--porcelain") == ""
    assert not (repo.path / ".git/upgrade/run.lock").exists()
    manager_for(repo).queue_suggestions([edit({"src/pkg/calc.py": CALC + "# after\n"})])
    again = cli("run", "--json", cwd=repo.path)
    assert again.returncode == 0, again.stderr
    assert [o["status"] for o in json.loads(again.stdout)["upgrades"]] == ["merged"]
    assert subprocess.run(["git", "fsck", "--strict"], cwd=repo.path, capture_output=True).returncode == 0


# Alone and in a batch (``run --batch``): either way the upgrade is recorded as interrupted.
@pytest.mark.parametrize("run_args", [(), ("--batch",)], ids=["alone", "batch"])
def test_ctrl_c_inside_a_strategy_whose_cleanup_raises_exits_130(
    quick_project: GitRepoBuilder,  # noqa: F811 - the imported fixture
    tmp_path: Path,
    run_args: tuple[str, ...],
) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    base = quick_project.head()
    (upgrade_id,) = manager_for(quick_project).queue_suggestions([waiting_suggestion()]).queued
    runner = start_run(quick_project, *run_args, INTERRUPT_GATE=str(gate))
    wait_for(gate / "started", runner)

    runner.send_signal(signal.SIGINT)
    out, err = runner.communicate(timeout=DEADLINE)

    assert runner.returncode == 130, (out, err)
    assert err.splitlines()[-1] == "interrupted"
    row = interrupted_record(quick_project, upgrade_id)
    assert (row["status"], row["failure_type"]) == ("failed", "interrupted")
    assert_everything_still_works(quick_project, base)


def test_ctrl_c_while_the_tests_run_stops_them_and_exits_130(quick_project: GitRepoBuilder, tmp_path: Path) -> None:  # noqa: F811 - the imported fixture
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "block").write_text("")
    base = quick_project.head()
    (upgrade_id,) = (
        manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": CALC + "GATED = True\n"})]).queued
    )
    runner = start_run(quick_project, GATE_DIR=str(gate))
    wait_for(gate / "started", runner)
    suite_pid = int((gate / "started").read_text())

    try:
        runner.send_signal(signal.SIGINT)
        out, err = runner.communicate(timeout=DEADLINE)
        # the gate is still closed: only our stopping it ends the test run (its own session)
        suite_stopped = process_gone(suite_pid)
    finally:
        (gate / "block").unlink()

    assert runner.returncode == 130, (out, err)
    assert err.splitlines()[-1] == "interrupted"
    assert suite_stopped
    row = interrupted_record(quick_project, upgrade_id)
    assert (row["status"], row["failure_type"]) == ("failed", "interrupted")
    assert_everything_still_works(quick_project, base)
