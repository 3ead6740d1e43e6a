"""``run`` reports each stage of each upgrade: live on a terminal; in a pipe, with --progress only."""

from __future__ import annotations

import sys

from tests.conftest import on_a_terminal
from tests.manager.conftest import CALC, manager_for, subprocess_env
from tests.manager.strategies import edit

SUB = CALC + "\n\ndef sub(a, b):\n    return a - b\n"
STAGES = ["baseline", "build", "checks", "tests", "merge"]


def test_piped_progress_is_one_plain_line_per_stage_on_stderr(quick_project, run_cli) -> None:
    (upgrade_id,) = manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})]).queued

    result = run_cli("run", "--progress", cwd=quick_project.path)

    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"progress: {upgrade_id} {stage}" for stage in STAGES]
    assert result.stdout.startswith(f"{upgrade_id} merged ")


def test_a_pipe_gets_no_progress_unless_asked(quick_project, run_cli) -> None:
    manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})])

    result = run_cli("run", cwd=quick_project.path)

    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_terminal_gets_a_live_line_that_is_gone_before_the_results(quick_project) -> None:
    (upgrade_id,) = manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})]).queued
    shown = on_a_terminal(
        [sys.executable, "-m", "gitupgrade", "run"],
        quick_project.path,
        subprocess_env(TERM="xterm", COLUMNS="120"),
    )

    for stage in STAGES:
        assert f"{upgrade_id}  {stage}  " in shown  # the live line named each stage
    assert "progress: " not in shown  # no piped-style lines on a terminal
    last_line = shown.rstrip("\n").split("\n")[-1]
    # The live line is erased (cursor up, clear line) before the result is printed.
    assert last_line.startswith("\x1b[?25h\r\x1b[1A\x1b[2K" + f"{upgrade_id} merged ")
