"""git's pager and colour rules for long output (cli/terminal.py), on a real terminal and in pipes."""

from __future__ import annotations

import os
import subprocess

from gitupgrade.cli.terminal import TerminalSettings
from tests.conftest import on_a_terminal
from tests.integration.upgrades import UPGRADE_ID, make_upgrade

# A pager that marks each line it shows, so the test sees which output went through it.
MARKING_PAGER = "sed 's/^/paged: /'"


def test_the_pager_follows_gits_order_of_settings() -> None:
    env = {"GIT_PAGER": "git-pager", "PAGER": "plain-pager"}
    assert TerminalSettings({}).pager({}, stdout_is_tty=True) == "less"
    assert TerminalSettings({}).pager({}, stdout_is_tty=False) is None
    assert TerminalSettings({"core.pager": "core"}).pager(env, True) == "git-pager"
    assert TerminalSettings({"core.pager": "core"}).pager({"PAGER": "plain-pager"}, True) == "core"
    assert TerminalSettings({}).pager({"PAGER": "plain-pager"}, True) == "plain-pager"
    assert TerminalSettings({"pager.upgrade": "false"}).pager(env, True) is None
    assert TerminalSettings({"pager.upgrade": "most -s"}).pager(env, True) == "most -s"
    assert TerminalSettings({"pager.upgrade": "true", "core.pager": "core"}).pager({}, True) == "core"
    assert TerminalSettings({}).pager({"GIT_PAGER": "cat"}, True) is None  # git --no-pager
    assert TerminalSettings({}).pager({"GIT_PAGER_IN_USE": "true"}, True) is None  # git paged us already


def test_colour_follows_color_upgrade_then_color_ui_and_no_color() -> None:
    assert TerminalSettings({}).color({}, stream_is_tty=True, paged=False) is True
    assert TerminalSettings({}).color({}, stream_is_tty=False, paged=False) is False
    assert TerminalSettings({}).color({}, stream_is_tty=False, paged=True) is True
    assert TerminalSettings({}).color({"TERM": "dumb"}, stream_is_tty=True, paged=False) is False
    assert TerminalSettings({"color.ui": "never"}).color({}, True, False) is False
    assert TerminalSettings({"color.ui": "false"}).color({}, True, False) is False
    assert TerminalSettings({"color.ui": "never", "color.upgrade": "always"}).color({}, False, False) is True
    assert TerminalSettings({"color.ui": "always"}).color({"NO_COLOR": "1"}, True, True) is False


def test_status_goes_through_core_pager_on_a_terminal_and_not_in_a_pipe(git_repo, tool_on_path) -> None:
    make_upgrade(git_repo)
    git_repo.git("config", "core.pager", MARKING_PAGER)

    shown = on_a_terminal(["git", "upgrade", "status"], git_repo.path, {**os.environ, "TERM": "xterm"})
    piped = subprocess.run(["git", "upgrade", "status"], cwd=git_repo.path, capture_output=True, text=True)

    lines = shown.splitlines()
    assert lines and all(line.startswith("paged: ") for line in lines), shown
    assert f"paged:   {UPGRADE_ID}  p5  Break the import cycle pkg.a, pkg.b" in lines
    assert "paged: " not in piped.stdout and f"  {UPGRADE_ID}  p5" in piped.stdout
    # pager.upgrade=false and git --no-pager turn it off; git -c pager.upgrade=CMD replaces it.
    unpaged = on_a_terminal(["git", "-c", "pager.upgrade=false", "upgrade", "status"], git_repo.path)
    no_pager = on_a_terminal(["git", "--no-pager", "upgrade", "status"], git_repo.path)
    assert "paged: " not in unpaged and f"  {UPGRADE_ID}  p5" in unpaged
    assert "paged: " not in no_pager and f"  {UPGRADE_ID}  p5" in no_pager


def test_color_always_colours_a_pipe_and_no_color_wins(git_repo, tool_on_path) -> None:
    make_upgrade(git_repo)
    bold = "\x1b[1mUpgrade ledger\x1b[0m"

    always = subprocess.run(
        ["git", "-c", "color.upgrade=always", "upgrade", "ledger"], cwd=git_repo.path, capture_output=True, text=True
    )
    plain = subprocess.run(["git", "upgrade", "ledger"], cwd=git_repo.path, capture_output=True, text=True)
    no_color = subprocess.run(
        ["git", "-c", "color.ui=always", "upgrade", "ledger"],
        cwd=git_repo.path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )

    assert always.stdout.splitlines()[0] == bold
    assert plain.stdout.splitlines()[0] == "Upgrade ledger" and "\x1b[" not in plain.stdout
    assert no_color.stdout == plain.stdout
