"""The git primitives of the manager on real repositories: lock, worktree, merge, revert, status."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gitupgrade.errors import LockHeldError, RefMovedError, RefusedError
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo.commits import format_message, parse_trailers
from gitupgrade.repo.lock import LOCK_NAME, RunnerLock, current_owner
from gitupgrade.repo.merge import merge, revert
from gitupgrade.repo.status import advance_checked_out
from gitupgrade.repo.worktree import changed_paths, checkout_commit, ensure_worktree


def test_lock_is_exclusive_and_names_its_owner(git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    repo = GitRepo.discover(git_repo.path)
    with RunnerLock(repo, "run"):
        with pytest.raises(LockHeldError) as caught:
            RunnerLock(repo, "approve").acquire()
        assert caught.value.message.startswith(f"another git upgrade is running: 'run' (pid {os.getpid()} on ")
        assert current_owner(repo).pid == os.getpid()
    assert current_owner(repo) is None
    assert not (repo.state_dir / LOCK_NAME).exists()


def test_lock_of_a_dead_process_is_taken_over(git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    repo = GitRepo.discover(git_repo.path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    import socket

    (repo.state_dir / LOCK_NAME).write_text(
        json.dumps(
            {
                "pid": pid,
                "host": socket.gethostname(),
                "process_start": "1",
                "acquired_at": 0.0,
                "command": "run",
            }
        )
    )
    lock = RunnerLock(repo, "run").acquire()
    try:
        assert lock.stale_owner is not None and lock.stale_owner.pid == pid
        assert current_owner(repo).pid == os.getpid()
    finally:
        lock.release()


def test_staging_worktree_is_detached_reused_and_rewrites_only_changed_files(git_repo) -> None:
    first = git_repo.commit({"a.py": "a = 1\n", "b.py": "b = 1\n"})
    second = git_repo.commit({"b.py": "b = 2\n"})
    repo = GitRepo.discover(git_repo.path)
    path = repo.state_dir / "core_v2"
    state = ensure_worktree(repo, "core_v2", path, CommitId(first))
    assert state.repairs == ()
    checkout_commit(state.worktree, CommitId(first))
    os.utime(path / "a.py", (1_000_000, 1_000_000))
    os.utime(path / "b.py", (1_000_000, 1_000_000))
    (path / "new.py").write_text("leftover of a failed strategy\n")
    checkout_commit(state.worktree, CommitId(second))
    assert (path / "a.py").stat().st_mtime == 1_000_000  # unchanged file not rewritten
    assert (path / "b.py").read_text() == "b = 2\n"
    assert not (path / "new.py").exists()
    assert changed_paths(state.worktree) == {}
    assert "(detached HEAD)" in git_repo.git("worktree", "list")
    assert git_repo.git("branch", "--list").split() == ["*", "main"]
    assert git_repo.git("status", "--porcelain") == ""


def test_broken_worktree_is_repaired(git_repo) -> None:
    commit = CommitId(git_repo.commit({"a.py": "a = 1\n"}))
    repo = GitRepo.discover(git_repo.path)
    path = repo.state_dir / "core_v2"
    ensure_worktree(repo, "core_v2", path, commit)
    (path / ".git").unlink()  # e.g. a crash while it was being created
    state = ensure_worktree(repo, "core_v2", path, commit)
    assert state.repairs == (f"the core_v2 worktree was broken; recreated it at {path}",)
    checkout_commit(state.worktree, commit)
    assert (path / "a.py").read_text() == "a = 1\n"
    subprocess.run(["git", "fsck", "--strict"], cwd=git_repo.path, check=True, capture_output=True)


def test_trailers_round_trip() -> None:
    message = format_message("Break the cycle", "Moved X.", {"Upgrade-Id": "upgrade_x", "Priority": "70"})
    assert message == "Break the cycle\n\nMoved X.\n\nUpgrade-Id: upgrade_x\nPriority: 70\n"
    assert parse_trailers(message) == {"Upgrade-Id": "upgrade_x", "Priority": "70"}


def test_long_body_lines_wrap_at_72_columns_each_still_one_item() -> None:
    moved = (
        "moved 6 methods of Inventory (reserve, release, reserved, reservation, orders_holding) to ReservationsMixin"
    )
    message = format_message("Split class Inventory", f"{moved}\nshort line", {"Upgrade-Id": "upgrade_x"})
    assert message.splitlines()[2:7] == [
        "moved 6 methods of Inventory (reserve, release, reserved, reservation,",
        "  orders_holding) to ReservationsMixin",
        "short line",
        "",
        "Upgrade-Id: upgrade_x",
    ]
    assert parse_trailers(message) == {"Upgrade-Id": "upgrade_x"}


def test_merge_fast_forwards_or_builds_a_merge_commit_and_revert_uses_mainline(git_repo) -> None:
    base = git_repo.commit({"a.py": "a = 1\n", "b.py": "b = 1\n"})
    git_repo.git("checkout", "-q", "-b", "up")
    upgrade = git_repo.commit({"a.py": "a = 2\n"})
    git_repo.git("checkout", "-q", "main")
    repo = GitRepo.discover(git_repo.path)
    assert merge(repo, CommitId(base), CommitId(upgrade), "m").fast_forward
    moved = git_repo.commit({"b.py": "b = 2\n"})
    outcome = merge(repo, CommitId(moved), CommitId(upgrade), "merge up")
    assert not outcome.fast_forward and outcome.conflicts == ()
    assert git_repo.git("show", f"{outcome.commit}:a.py") == "a = 2\n"
    assert git_repo.git("show", f"{outcome.commit}:b.py") == "b = 2\n"
    reverted = revert(repo, CommitId(outcome.commit), CommitId(outcome.commit), "revert")
    assert git_repo.git("show", f"{reverted.commit}:a.py") == "a = 1\n"
    assert git_repo.git("show", f"{reverted.commit}:b.py") == "b = 2\n"
    later = git_repo.commit({"a.py": "a = 3\n"})
    conflict = revert(repo, CommitId(upgrade), CommitId(later), "revert")
    assert conflict.commit is None and conflict.conflicts == ("a.py",)


def test_advancing_the_checked_out_branch_keeps_unrelated_local_work(git_repo) -> None:
    base = git_repo.commit({"a.py": "a = 1\n", "b.py": "b = 1\n", "c.py": "c = 1\n"})
    git_repo.git("checkout", "-q", "-b", "up")
    upgrade = git_repo.commit({"a.py": "a = 2\n", "d.py": "d = 1\n"})
    git_repo.git("checkout", "-q", "main")
    git_repo.write({"b.py": "b = local\n"})
    git_repo.write({"c.py": "c = staged\n"})
    git_repo.git("add", "c.py")
    git_repo.write({"c.py": "c = staged then edited\n"})
    before = (git_repo.git("diff"), git_repo.git("diff", "--cached"), git_repo.git("status", "--porcelain"))
    repo = GitRepo.discover(git_repo.path)
    with pytest.raises(RefMovedError):
        advance_checked_out(repo, git_repo.path, "main", CommitId(upgrade), CommitId(base), "x")
    updated = advance_checked_out(repo, git_repo.path, "main", CommitId(base), CommitId(upgrade), "ff")
    assert updated == ["a.py", "d.py"]
    assert git_repo.head() == upgrade
    assert (git_repo.path / "a.py").read_text() == "a = 2\n" and (git_repo.path / "d.py").read_text() == "d = 1\n"
    after = (git_repo.git("diff"), git_repo.git("diff", "--cached"), git_repo.git("status", "--porcelain"))
    assert after == before


def test_advancing_refuses_when_local_changes_touch_the_files(git_repo) -> None:
    base = git_repo.commit({"a.py": "a = 1\n"})
    git_repo.git("checkout", "-q", "-b", "up")
    upgrade = git_repo.commit({"a.py": "a = 2\n"})
    git_repo.git("checkout", "-q", "main")
    git_repo.write({"a.py": "a = mine\n"})
    repo = GitRepo.discover(git_repo.path)
    with pytest.raises(RefusedError) as caught:
        advance_checked_out(repo, git_repo.path, "main", CommitId(base), CommitId(upgrade), "ff")
    assert caught.value.message == f"local changes in {git_repo.path} touch files this upgrade changes: a.py"
    assert git_repo.head() == base
    assert (git_repo.path / "a.py").read_text() == "a = mine\n"
