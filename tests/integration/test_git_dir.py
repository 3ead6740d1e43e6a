"""``git --git-dir=... --work-tree=... upgrade`` and GIT_DIR/GIT_WORK_TREE choose the repository, as for git."""

from __future__ import annotations

import json
import os
import subprocess

from tests.integration.upgrades import UPGRADE_ID, make_upgrade


def _stable(text: str) -> list[str]:
    """The status lines that do not depend on the clock."""
    return [line for line in text.splitlines() if not line.startswith("next auto scan: ")]


def _git(*args: str, cwd, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **env})


def test_status_through_git_dir_and_work_tree_from_another_directory(git_repo, tool_on_path, tmp_path) -> None:
    make_upgrade(git_repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    inside = _git("upgrade", "status", cwd=git_repo.path)
    assert inside.returncode == 0, inside.stderr
    assert f"  {UPGRADE_ID}" in inside.stdout

    through_options = _git(
        f"--git-dir={git_repo.path / '.git'}", f"--work-tree={git_repo.path}", "upgrade", "status", cwd=elsewhere
    )
    relative_env = _git("upgrade", "status", cwd=tmp_path, GIT_DIR="repo/.git", GIT_WORK_TREE="repo")

    assert len(_stable(inside.stdout)) == len(inside.stdout.splitlines()) - 1
    assert (through_options.returncode, _stable(through_options.stdout)) == (0, _stable(inside.stdout))
    assert (relative_env.returncode, _stable(relative_env.stdout)) == (0, _stable(inside.stdout))
    # Without the variables, the other directory is not a repository: the error says so.
    plain = _git("upgrade", "status", cwd=elsewhere)
    assert plain.returncode == 2
    assert plain.stderr.splitlines()[0] == f"error: not a git repository: {elsewhere}"


def test_a_git_dir_that_is_no_repository_is_a_usage_error(tool_on_path, tmp_path) -> None:
    done = _git("upgrade", "status", cwd=tmp_path, GIT_DIR=str(tmp_path / "missing"))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: not a git repository: GIT_DIR={tmp_path / 'missing'}",
        "hint: point GIT_DIR (or git --git-dir) at a repository's .git directory",
    ]


def test_commands_that_write_work_through_git_dir(git_repo, tool_on_path, tmp_path) -> None:
    make_upgrade(git_repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    rejected = _git(
        f"--git-dir={git_repo.path / '.git'}",
        f"--work-tree={git_repo.path}",
        "upgrade",
        "reject",
        UPGRADE_ID,
        cwd=elsewhere,
    )
    assert rejected.returncode == 0, rejected.stderr
    status = json.loads(_git("upgrade", "status", "--json", cwd=git_repo.path).stdout)
    assert status["recently_completed"][0]["id"] == UPGRADE_ID
    assert status["recently_completed"][0]["status"] == "rejected"
    assert (
        git_repo.git("log", "-1", "--format=%an <%ae>", "refs/notes/upgrades").strip() == "Test User <test@example.com>"
    )
