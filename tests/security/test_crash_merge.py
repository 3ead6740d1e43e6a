"""Fault 6: kill -9 while a merge writes the files of the user's checked-out branch.

The sweep kills ``git upgrade run`` at each write of the working files (an injected
SIGKILL in the writer), before the index, before the ref and before the journal is
cleared. Afterwards ``git fsck``, ``git commit``, ``git stash``, ``status``, ``run``
and ``rollback`` all work, no file is empty or half written, and the user's own work
is intact.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GitRepoBuilder
from tests.manager.conftest import CALC, QUICK_CONFIG, cli, manager_for, quick_project, test_strategy  # noqa: F401
from tests.manager.strategies import edit

EXTRA = "def extra():\n    return 'old'\n"
OLD = "def old():\n    return 0\n"
NEW_CALC = CALC + "\n\ndef sub(a, b):\n    return a - b\n"
NEW_FILES = {
    "src/pkg/calc.py": NEW_CALC,
    "src/pkg/extra.py": "def extra():\n    return 'new'\n",
    "src/pkg/fresh.py": "FRESH = 1\n",
}
# sorted paths: calc.py, extra.py, fresh.py (created), old.py (deleted): four writes
CRASH_POINTS = ["write:1", "write:2", "write:3", "write:4", "index", "ref", "journal"]
OLD_FILES = {"src/pkg/calc.py": CALC, "src/pkg/extra.py": EXTRA, "src/pkg/old.py": OLD}


@pytest.fixture
def crashed(quick_project: GitRepoBuilder, request: pytest.FixtureRequest) -> tuple[GitRepoBuilder, str, str]:  # noqa: F811 - the imported fixture
    """The project after ``run`` was killed at the crash point ``request.param``."""
    repo = quick_project
    # Deleting pkg.old changes the public surface; the sweep is about the merge, so that check is off.
    config = QUICK_CONFIG + "    public_surface: false\n"
    repo.commit(
        {"src/pkg/extra.py": EXTRA, "src/pkg/old.py": OLD, "README.md": "readme\n", "config.yaml": config}, "more files"
    )
    repo.write({"NOTES.txt": "my notes\n", "README.md": "readme\nmy uncommitted line\n"})
    (upgrade_id,) = manager_for(repo).queue_suggestions([edit(NEW_FILES, delete=("src/pkg/old.py",))]).queued
    killed = cli("run", cwd=repo.path, GITUPGRADE_TEST_CRASH_AT=request.param)
    assert killed.returncode == -9, killed.stderr
    return repo, upgrade_id, request.param


def tracked_state(repo: GitRepoBuilder) -> dict[str, str | None]:
    return {
        path: (repo.path / path).read_text() if (repo.path / path).exists() else None
        for path in [*NEW_FILES, "src/pkg/old.py"]
    }


def assert_user_work_intact(repo: GitRepoBuilder) -> None:
    assert (repo.path / "NOTES.txt").read_text() == "my notes\n"
    assert (repo.path / "README.md").read_text() == "readme\nmy uncommitted line\n"


def assert_no_debris(repo: GitRepoBuilder) -> None:
    files = [p for p in repo.path.rglob("*") if p.is_file() and ".git" not in p.relative_to(repo.path).parts]
    assert [p for p in files if p.stat().st_size == 0 and p.name != "__init__.py"] == []
    assert [p for p in files if "gitupgrade-tmp" in p.name] == []
    assert not (repo.path / ".git/refs/heads/main.lock").exists()
    assert not (repo.path / ".git/index.lock").exists()
    assert not (repo.path / ".git/upgrade/merge-journal.json").exists()


@pytest.mark.parametrize("crashed", CRASH_POINTS, indirect=True)
def test_kill_9_during_the_merge_then_every_command_works(crashed, tmp_path: Path) -> None:
    repo, upgrade_id, point = crashed
    base = repo.head("HEAD")
    # the ref is locked only for the compare-and-swap: a kill -9 anywhere leaves no lock on
    # main (the fault as reported was a stale main.lock that stopped the user's git commit)
    assert not (repo.path / ".git/refs/heads/main.lock").exists()
    assert subprocess.run(["git", "fsck", "--strict"], cwd=repo.path, capture_output=True).returncode == 0
    if point == "index":
        # what libgit2 leaves when it dies while writing the index: its lock file
        (repo.path / ".git/index.lock").write_bytes(b"DIRC half")

    status = cli("status", cwd=repo.path)

    assert status.returncode == 0, status.stderr
    outcome = "finished" if point == "journal" else "undone"
    line = f"recovered an interrupted merge of {upgrade_id} into main: {outcome}"
    assert status.stderr.splitlines()[0].startswith(f"note: {line}")
    assert line in status.stdout.splitlines()[3]
    assert_no_debris(repo)
    assert_user_work_intact(repo)
    expected = {**OLD_FILES, "src/pkg/fresh.py": None} if outcome == "undone" else {**NEW_FILES, "src/pkg/old.py": None}
    assert tracked_state(repo) == expected
    # git sees exactly the user's own changes
    assert sorted(repo.git("status", "--porcelain").splitlines()) == [" M README.md", "?? NOTES.txt"]
    assert repo.git("fsck", "--strict") == ""

    repo.git("stash")
    assert repo.git("status", "--porcelain") == "?? NOTES.txt\n"
    repo.git("stash", "pop")
    repo.git("commit", "-q", "-am", "my work")
    assert repo.git("rev-parse", "HEAD~1").strip() == base

    # the upgrade was approved when the merge died: approving it again merges it (undone),
    # or the next run sees its commit on main and records it (finished)
    again = cli("run", "--json", cwd=repo.path)
    assert again.returncode == 0, again.stderr
    if outcome == "undone":
        approve = cli("approve", upgrade_id, cwd=repo.path)
        assert approve.returncode == 0, approve.stderr
    else:
        assert (
            f"{upgrade_id} was merged into refs/heads/main outside git upgrade; recorded"
            in json.loads(again.stdout)["messages"]
        )
    assert tracked_state(repo) == {**NEW_FILES, "src/pkg/old.py": None}
    assert json.loads(cli("status", "--json", cwd=repo.path).stdout)["recently_completed"][0]["status"] == "merged"
    rollback = cli("rollback", upgrade_id, cwd=repo.path)
    assert rollback.returncode == 0, rollback.stderr
    assert tracked_state(repo) == {**OLD_FILES, "src/pkg/fresh.py": None}
    assert_no_debris(repo)
    assert (repo.path / "NOTES.txt").read_text() == "my notes\n"
    assert repo.git("status", "--porcelain") == "?? NOTES.txt\n"


@pytest.mark.parametrize("crashed", ["write:2"], indirect=True)
def test_the_next_command_recovers_before_the_local_changes_check(crashed) -> None:
    repo, upgrade_id, _ = crashed

    again = cli("approve", upgrade_id, "--json", cwd=repo.path)

    assert again.returncode == 0, again.stderr
    outcome = json.loads(again.stdout)
    assert (outcome["upgrade_id"], outcome["status"], outcome["failure_type"]) == (upgrade_id, "merged", None)
    assert again.stderr.splitlines()[0] == f"note: recovered an interrupted merge of {upgrade_id} into main: undone"
    assert tracked_state(repo) == {**NEW_FILES, "src/pkg/old.py": None}
    assert_no_debris(repo)
    assert_user_work_intact(repo)


@pytest.mark.parametrize("crashed", ["write:3"], indirect=True)
def test_a_file_the_user_changed_after_the_crash_is_left_alone_and_named(crashed) -> None:
    repo, upgrade_id, _ = crashed
    (repo.path / "src/pkg/calc.py").write_text("# the user's rewrite\n")  # written by the merge, then edited

    status = cli("status", cwd=repo.path)

    assert status.returncode == 0, status.stderr
    assert status.stderr.splitlines()[0] == (
        f"note: recovered an interrupted merge of {upgrade_id} into main: undone; "
        "left src/pkg/calc.py as they are (changed since, by someone else)"
    )
    assert (repo.path / "src/pkg/calc.py").read_text() == "# the user's rewrite\n"
    assert (repo.path / "src/pkg/extra.py").read_text() == EXTRA
    assert sorted(repo.git("status", "--porcelain").splitlines()) == [
        " M README.md",
        " M src/pkg/calc.py",
        "?? NOTES.txt",
    ]


def test_a_file_that_becomes_a_folder_and_back(git_repo: GitRepoBuilder) -> None:
    from gitupgrade.repo import BranchName, CommitId, GitRepo
    from gitupgrade.repo.status import advance_checked_out

    file_side = git_repo.commit({"pkg/data": "a file\n", "keep.txt": "keep\n"}, "file")
    git_repo.git("rm", "-q", "pkg/data")
    folder_side = git_repo.commit({"pkg/data/__init__.py": "FOLDER = 1\n"}, "folder")
    git_repo.git("reset", "-q", "--hard", file_side)
    repo = GitRepo.discover(git_repo.path)

    advance_checked_out(repo, git_repo.path, BranchName("main"), CommitId(file_side), CommitId(folder_side), "m")
    assert (git_repo.path / "pkg/data/__init__.py").read_text() == "FOLDER = 1\n"
    assert git_repo.git("status", "--porcelain") == ""
    advance_checked_out(repo, git_repo.path, BranchName("main"), CommitId(folder_side), CommitId(file_side), "m")
    assert (git_repo.path / "pkg/data").read_text() == "a file\n"
    assert git_repo.git("status", "--porcelain") == ""
    assert not (git_repo.path / ".git/upgrade/merge-journal.json").exists()


def test_executable_bits_and_symlinks_are_written_as_git_would(git_repo: GitRepoBuilder) -> None:
    import os

    from gitupgrade.repo import BranchName, CommitId, GitRepo
    from gitupgrade.repo.status import advance_checked_out

    git_repo.write({"run.sh": "echo old\n"})
    os.symlink("run.sh", git_repo.path / "link")
    old = git_repo.commit(message="old")
    git_repo.write({"run.sh": "echo new\n"})
    (git_repo.path / "run.sh").chmod(0o755)
    (git_repo.path / "link").unlink()
    os.symlink("other.txt", git_repo.path / "link")
    new = git_repo.commit({"other.txt": "other\n"}, "new")
    git_repo.git("reset", "-q", "--hard", old)
    assert not os.access(git_repo.path / "run.sh", os.X_OK)

    advance_checked_out(
        GitRepo.discover(git_repo.path), git_repo.path, BranchName("main"), CommitId(old), CommitId(new), "m"
    )

    assert os.access(git_repo.path / "run.sh", os.X_OK)
    assert os.readlink(git_repo.path / "link") == "other.txt"
    assert git_repo.git("status", "--porcelain") == ""
