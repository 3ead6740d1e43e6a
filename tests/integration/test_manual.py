"""The manual page: generated from the click commands, shipped up to date, shown by help and man."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from gitupgrade.cli.main import COMMANDS, cli
from gitupgrade.cli.manpage import render_roff, render_text
from tests.conftest import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "man" / "man1" / "git-upgrade.1"


def test_the_shipped_page_is_what_the_generator_renders_now() -> None:
    assert SHIPPED.read_text() == render_roff(cli), (
        "man/man1/git-upgrade.1 is stale: python -m gitupgrade.cli.manpage > man/man1/git-upgrade.1"
    )


def test_the_page_documents_every_command_with_its_synopsis_and_options() -> None:
    roff = render_roff(cli)
    assert roff.startswith('.TH GIT\\-UPGRADE 1 "" "gitupgrade ')
    sections = [line for line in roff.splitlines() if line.startswith(".SH ")]
    assert sections == [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH EXIT STATUS",
        ".SH ENVIRONMENT",
        ".SH SEE ALSO",
    ]
    subsections = [line.removeprefix(".SS ") for line in roff.splitlines() if line.startswith(".SS ")]
    top_level = [name for name in subsections if " " not in name]
    assert top_level == list(COMMANDS)
    assert "hook install" in subsections
    assert "git upgrade diff [OPTIONS] UPGRADE_ID" in roff
    assert "\\fB\\-\\-patch\\fR" in roff


def test_help_prints_the_same_text_and_help_cmd_only_that_command(run_cli) -> None:
    whole = run_cli("help")
    assert whole.exit_code == 0
    assert whole.stdout == render_text(cli)
    assert whole.stdout.splitlines()[:2] == [
        "NAME",
        "    git-upgrade - Keep a Python codebase's architecture healthy, one validated commit at a time.",
    ]

    one = run_cli("help", "diff")
    assert one.exit_code == 0
    assert one.stdout.splitlines() == [
        "  git upgrade diff [OPTIONS] UPGRADE_ID",
        "      Show an upgrade's type, affected modules and per-file changes (or its patch).",
        "      --patch",
        "          Show the patch.",
        "      --json",
        "          Print JSON.",
        "      -h, --help",
        "          Show this message and exit.",
    ]
    nested = run_cli("help", "hook")
    assert [line for line in nested.stdout.splitlines() if line.startswith("  git upgrade")] == [
        "  git upgrade hook [OPTIONS] COMMAND [ARGS]...",
        "  git upgrade hook install [OPTIONS]",
        "  git upgrade hook run-pre-commit [OPTIONS]",
        "  git upgrade hook run-pre-push [OPTIONS] REMOTE [URL]",
        "  git upgrade hook uninstall [OPTIONS]",
    ]

    unknown = run_cli("help", "nope")
    assert unknown.exit_code == 2
    assert unknown.stderr.splitlines() == [
        "error: no such command: nope",
        "hint: see 'git upgrade help' for the list of commands",
    ]


def test_dash_h_stays_the_short_usage(run_cli) -> None:
    short = run_cli("-h")
    assert short.exit_code == 0
    assert short.stdout.splitlines()[0] == "Usage: git upgrade [OPTIONS] COMMAND [ARGS]..."
    assert "completion" in short.stdout and "DESCRIPTION" not in short.stdout


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_renders_the_shipped_page() -> None:
    shown = subprocess.run(
        ["man", "-l", str(SHIPPED)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "MANPAGER": "cat", "MANWIDTH": "80", "LANG": "C.UTF-8"},
        check=True,
    )
    lines = shown.stdout.splitlines()
    assert lines[0].split() == ["GIT-UPGRADE(1)", "Git", "Manual", "GIT-UPGRADE(1)"]
    assert "       git upgrade [OPTIONS] COMMAND [ARGS]..." in lines
    assert "       git upgrade completion [OPTIONS] {bash|fish|zsh}" in lines
    assert shown.stderr == ""


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_a_checkout_shows_its_page_with_manpath(tool_on_path, tmp_path) -> None:
    """A developer checkout (editable installs copy no data files): MANPATH=<checkout>/man: finds the page."""
    env = {
        "PATH": f"{tool_on_path.parent}:/usr/bin:/bin",
        "MANPATH": f"{PROJECT_ROOT / 'man'}:",
        "MANPAGER": "cat",
        "MANWIDTH": "80",
        "HOME": str(tmp_path),
    }
    shown = subprocess.run(["git", "upgrade", "--help"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0].split() == ["GIT-UPGRADE(1)", "Git", "Manual", "GIT-UPGRADE(1)"]
