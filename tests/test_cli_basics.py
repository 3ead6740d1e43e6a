"""The CLI contract: --version, --help, exit codes and one-line errors."""

from __future__ import annotations

import json

from gitupgrade import __version__
from gitupgrade.cli.main import COMMANDS
from tests.conftest import run_cli_subprocess


def test_version(run_cli, tmp_path) -> None:
    result = run_cli("--version", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == f"git-upgrade, version {__version__}\n"


def test_every_command_has_help(run_cli, tmp_path) -> None:
    for name in COMMANDS:
        result = run_cli(name, "--help", cwd=tmp_path)
        assert result.exit_code == 0, name
        assert result.stdout.startswith("Usage: "), name


def test_unknown_option_is_a_usage_error_with_hint(run_cli, tmp_path) -> None:
    result = run_cli("config", "--bogus", cwd=tmp_path)
    assert result.exit_code == 2
    first, hint = result.stderr.splitlines()
    # click words the message differently across versions; ours is the frame around it
    assert first.startswith("error: No such option") and "--bogus" in first
    assert hint == "hint: see 'git upgrade config --help'"


def test_outside_a_repository_is_exit_2(run_cli, tmp_path) -> None:
    result = run_cli("config", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: not a git repository: {tmp_path.resolve()}"


def test_repository_without_commits_is_exit_2(run_cli, git_repo) -> None:
    result = run_cli("config", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: the repository has no commits yet"


def test_unknown_revision_is_exit_2(run_cli, git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("config", "--rev", "nope", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: unknown revision: nope"


def test_works_from_a_subdirectory_and_a_linked_worktree(run_cli, git_repo, tmp_path) -> None:
    git_repo.commit({"pkg/a.py": "x = 1\n", "config.yaml": "self_upgrading:\n  max_upgrade_retries: 4\n"})
    result = run_cli("config", "--json", cwd=git_repo.path / "pkg")
    assert json.loads(result.stdout)["self_upgrading"]["max_upgrade_retries"] == 4
    linked = tmp_path / "linked"
    git_repo.git("worktree", "add", "-q", str(linked), "-b", "side")
    result = run_cli("config", "--json", cwd=linked)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["self_upgrading"]["max_upgrade_retries"] == 4


def test_console_script_module_runs_as_a_process(git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    done = run_cli_subprocess("config", "--json", cwd=git_repo.path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sources"] == ["defaults"]
