"""``git upgrade hook run-pre-commit``: the entry pre-commit runs at the pre-push stage."""

from __future__ import annotations

import pytest

from tests.conftest import GitRepoBuilder
from tests.integration.samples import CLEAN, CYCLE, CYCLE_LINE


def test_range_from_pre_commit_environment(run_cli, git_repo: GitRepoBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    base = git_repo.commit(CLEAN, "clean base")
    head = git_repo.commit(CYCLE, "add a cycle")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    result = run_cli("hook", "run-pre-commit", cwd=git_repo.path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"check {head[:8]} against {base} (merge-base {base[:8]})",
        CYCLE_LINE,
        "1 new (1 failing), 0 fixed, 0 unchanged: failed",
    ]


def test_all_files_when_pre_commit_gives_no_from_ref(
    run_cli, git_repo: GitRepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = git_repo.commit(CLEAN, "clean root commit")
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    result = run_cli("hook", "run-pre-commit", cwd=git_repo.path)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"check {head[:8]} against nothing (merge-base none)",
        "0 new (0 failing), 0 fixed, 0 unchanged: passed",
    ]
