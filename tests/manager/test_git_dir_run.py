"""A run started with a relative GIT_DIR/GIT_WORK_TREE from another directory works on that repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gitupgrade.manager import UpgradeManager
from gitupgrade.repo import GitRepo
from tests.manager.conftest import CALC, cli, manager_for
from tests.manager.strategies import edit

SUB = CALC + "\n\ndef sub(a, b):\n    return a - b\n"


def manager_for_git_dir(git_dir: Path, work_tree: Path) -> UpgradeManager:
    """An UpgradeManager opened the way git --git-dir --work-tree makes us open it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GIT_DIR", str(git_dir))
        env.setenv("GIT_WORK_TREE", str(work_tree))
        return UpgradeManager(GitRepo.discover(work_tree))


def test_run_with_relative_git_dir_merges_and_runs_the_post_merge_hook(quick_project) -> None:
    hook = quick_project.path / ".git/hooks/post-merge"
    hook.write_text('#!/bin/sh\necho "post-merge $(git rev-parse HEAD)" > .git/post-merge-ran\n')
    hook.chmod(0o755)
    (upgrade_id,) = manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})]).queued

    done = cli("run", "--json", cwd=quick_project.path.parent, GIT_DIR="repo/.git", GIT_WORK_TREE="repo")

    assert done.returncode == 0, done.stderr
    (outcome,) = json.loads(done.stdout)["upgrades"]
    assert (outcome["upgrade_id"], outcome["status"]) == (upgrade_id, "merged")
    assert quick_project.head() == outcome["commit"]
    assert (quick_project.path / "src/pkg/calc.py").read_text() == SUB
    assert (quick_project.path / ".git/post-merge-ran").read_text() == f"post-merge {outcome['commit']}\n"


def test_run_with_a_separate_work_tree_updates_that_work_tree(quick_project, tmp_path) -> None:
    """--git-dir and --work-tree in different places: the merge rewrites the files of that work tree."""
    git_dir = tmp_path / "store.git"
    (quick_project.path / ".git").rename(git_dir)  # the work tree has no .git of its own now
    (upgrade_id,) = (
        manager_for_git_dir(git_dir, quick_project.path).queue_suggestions([edit({"src/pkg/calc.py": SUB})]).queued
    )
    quick_project.write({"notes.txt": "local work\n"})

    done = cli("run", "--json", cwd=tmp_path, GIT_DIR=str(git_dir), GIT_WORK_TREE=str(quick_project.path))

    assert done.returncode == 0, done.stderr
    (outcome,) = json.loads(done.stdout)["upgrades"]
    assert (outcome["upgrade_id"], outcome["status"]) == (upgrade_id, "merged")
    assert (quick_project.path / "src/pkg/calc.py").read_text() == SUB
    assert (quick_project.path / "notes.txt").read_text() == "local work\n"
    assert not (tmp_path / "src").exists()  # nothing was written beside the git dir
    status = subprocess.run(
        ["git", f"--git-dir={git_dir}", f"--work-tree={quick_project.path}", "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == "?? notes.txt\n"
