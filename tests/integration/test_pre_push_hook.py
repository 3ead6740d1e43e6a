"""The installed pre-push hook, run by a real ``git push`` to a bare remote in tmp_path."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, GitRepoBuilder
from tests.integration.samples import CLEAN, CYCLE, CYCLE_LINE


def _push(repo: GitRepoBuilder, *refspecs: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "origin", *refspecs], cwd=repo.path, capture_output=True, text=True, timeout=120
    )


def _stderr_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.rstrip() for line in done.stderr.splitlines()]


@pytest.fixture
def pushed(run_cli, git_repo: GitRepoBuilder, bare_remote: Path) -> GitRepoBuilder:
    """A repository with a clean main pushed to the remote, and the hook installed."""
    git_repo.commit(CLEAN, "clean base")
    git_repo.git("remote", "add", "origin", str(bare_remote))
    git_repo.git("push", "-q", "-u", "origin", "main")
    assert run_cli("hook", "install", cwd=git_repo.path).exit_code == 0
    return git_repo


def test_push_adding_an_import_cycle_is_rejected_with_the_cycle_named(
    tool_on_path: Path, pushed: GitRepoBuilder
) -> None:
    before = pushed.head("origin/main")
    head = pushed.commit(CYCLE, "add a cycle")
    done = _push(pushed, "main")
    assert done.returncode != 0
    lines = _stderr_lines(done)
    assert f"git upgrade: refs/heads/main: 1 new finding(s) block the push (since {before[:8]})" in lines
    assert f"  {CYCLE_LINE}" in lines
    assert "hint: fix the findings, or skip the check once with git push --no-verify" in lines
    assert pushed.git("ls-remote", "origin", "refs/heads/main").split()[0] == before
    assert head != before


def test_clean_push_passes(tool_on_path: Path, pushed: GitRepoBuilder) -> None:
    head = pushed.commit({"pkg/c.py": "def k():\n    return 2\n"}, "clean change")
    done = _push(pushed, "main")
    assert done.returncode == 0, done.stderr
    assert f"git upgrade: refs/heads/main: ok (since {pushed.head('HEAD~1')[:8]})" in _stderr_lines(done)
    assert pushed.git("ls-remote", "origin", "refs/heads/main").split()[0] == head


def test_new_branch_is_compared_with_the_remote_and_deletion_is_skipped(
    tool_on_path: Path, pushed: GitRepoBuilder
) -> None:
    base = pushed.head()
    pushed.git("checkout", "-q", "-b", "topic")
    pushed.commit(CYCLE, "cycle on a topic branch")
    rejected = _push(pushed, "topic")
    assert rejected.returncode != 0
    blocked = f"git upgrade: refs/heads/topic: 1 new finding(s) block the push (since {base[:8]})"
    assert blocked in _stderr_lines(rejected)

    pushed.git("push", "-q", "--no-verify", "origin", "topic")
    deleted = _push(pushed, ":topic")
    assert deleted.returncode == 0, deleted.stderr
    assert "git upgrade: (delete): skipped (deletion)" in _stderr_lines(deleted)


def test_existing_hook_still_runs_and_can_still_refuse(
    run_cli, tool_on_path: Path, git_repo: GitRepoBuilder, bare_remote: Path
) -> None:
    git_repo.commit(CLEAN, "clean base")
    git_repo.git("remote", "add", "origin", str(bare_remote))
    git_repo.git("push", "-q", "-u", "origin", "main")
    hooks = git_repo.path / ".git" / "hooks"
    seen = git_repo.path.parent / "team-hook-saw"
    (hooks / "pre-push").write_text(
        "#!/bin/sh\n"
        f"echo \"$1 $2\" > '{seen}'\ncat >> '{seen}'\n"
        "if [ -e refuse ]; then echo 'team hook says no' >&2; exit 7; fi\n"
    )
    (hooks / "pre-push").chmod(0o755)
    assert run_cli("hook", "install", cwd=git_repo.path).exit_code == 0

    old = git_repo.head()
    new = git_repo.commit({"pkg/c.py": "def k():\n    return 2\n"}, "clean change")
    done = _push(git_repo, "main")
    assert done.returncode == 0, done.stderr
    assert seen.read_text().splitlines() == [
        f"origin {bare_remote}",
        f"refs/heads/main {new} refs/heads/main {old}",
    ]

    (git_repo.path / "refuse").write_text("")
    git_repo.commit({"pkg/d.py": "x = 1\n"}, "another clean change")
    refused = _push(git_repo, "main")
    assert refused.returncode != 0
    assert "team hook says no" in _stderr_lines(refused)


def test_hook_falls_back_to_the_installing_interpreter(
    run_cli, pushed: GitRepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No git-upgrade on PATH: the hook runs `<sys.executable> -m gitupgrade`.
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p and not (Path(p) / "git-upgrade").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:  # pragma: no cover
        pytest.skip("git lives next to an installed git-upgrade")
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pushed.commit(CYCLE, "add a cycle")
    done = _push(pushed, "main")
    assert done.returncode != 0
    assert f"  {CYCLE_LINE}" in _stderr_lines(done)


def test_several_refs_at_once_are_each_checked_and_one_bad_ref_stops_the_push(
    tool_on_path: Path, pushed: GitRepoBuilder
) -> None:
    base = pushed.head()
    pushed.git("checkout", "-q", "-b", "topic")
    pushed.commit(CYCLE, "cycle on a topic branch")
    pushed.git("checkout", "-q", "main")
    pushed.commit({"pkg/c.py": "def k():\n    return 2\n"}, "clean change")
    done = _push(pushed, "main", "topic")
    assert done.returncode != 0
    lines = _stderr_lines(done)
    assert f"git upgrade: refs/heads/main: ok (since {base[:8]})" in lines
    assert f"git upgrade: refs/heads/topic: 1 new finding(s) block the push (since {base[:8]})" in lines
    # git pushes all refs or none when pre-push fails.
    assert pushed.git("ls-remote", "origin").splitlines() == [f"{base}\tHEAD", f"{base}\trefs/heads/main"]
