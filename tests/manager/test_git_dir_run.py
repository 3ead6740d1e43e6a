"""A run started with a relative GIT_DIR/GIT_WORK_TREE from another directory works on that repository."""

from __future__ import annotations

import json

from tests.manager.conftest import CALC, cli, manager_for
from tests.manager.strategies import edit

SUB = CALC + "\n\ndef sub(a, b):\n    return a - b\n"


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
