"""Start-up: the plain lines of ``status`` and ``scan`` are rich's, and ``status`` loads no more than it needs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from gitupgrade.cli.output import print_line
from tests.conftest import PROJECT_ROOT, run_cli_subprocess

LINES = [
    "queue: 0 pending, 0 in progress, 0 completed today",
    "last scan: 2026-12-01T04:29:05.718721Z at 78843cd9dd: 0 suggestions, 0 queued",
    "  upgrade_20260101_120000_abcdef  p7  Split class :fire: in a:thumbs_up:b.py",
    ":smile: at the start and :SMILE: upper, :smile-text: and :smile-emoji: variants, :not_an_emoji:",
    "tab\tseparated\tcolumns and a wide 漢字\tafter",
    "controls: bell\x07 back\x08 vt\x0b ff\x0c cr\r kept escape \x1b[31m and nul \x00",
    "[bold]markup is not read[/bold] [link=x]x[/link]",
    "trailing spaces   ",
    "",
    "x" * 500,
    "ünïcödé, \u2028 separator, zero\u200bwidth",
]


def _rich(text: str, terminal: bool) -> str:
    buffer = io.StringIO()
    if terminal:
        console = Console(file=buffer, highlight=False, soft_wrap=False, force_terminal=True)
    else:
        console = Console(file=buffer, highlight=False, soft_wrap=False, color_system=None)
    console.print(text, markup=False, soft_wrap=True)
    return buffer.getvalue()


@pytest.mark.parametrize("text", LINES)
def test_print_line_writes_what_rich_writes(text, capsys) -> None:
    print_line(text)
    written = capsys.readouterr().out
    assert written == _rich(text, terminal=False) == _rich(text, terminal=True)


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules a process has loaded once ``git upgrade ARGS`` ran in it (asserting exit 0)."""
    probe = (
        "import json, sys\n"
        "from gitupgrade.cli.main import cli\n"
        f"code = cli.main({args!r}, standalone_mode=False)\n"
        "print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, env=env, check=False)
    code, modules = json.loads(done.stderr.splitlines()[-1])
    assert code == 0, done.stderr
    return set(modules)


def test_status_loads_neither_rich_nor_yaml_nor_the_machinery_of_other_commands(git_repo) -> None:
    git_repo.commit({"pkg/__init__.py": "", "pkg/a.py": "def f(x):\n    return x + 1\n"})
    assert run_cli_subprocess("scan", cwd=git_repo.path).returncode == 0
    loaded = _modules_after(["status"], git_repo.path)
    unwanted = {
        "rich.console",
        "yaml",
        "unidiff",
        "libcst",
        "gitupgrade.analysis.assemble",
        "gitupgrade.manager.execute",
        "gitupgrade.learning.learner",
    }
    assert loaded & unwanted == set()
