"""An upgrade merged by a reviewer outside git upgrade (pull request, manual merge) is found."""

from __future__ import annotations

from pathlib import Path

from gitupgrade.config import load_config
from gitupgrade.integration.merged import (
    detect_merged_elsewhere,
    find_merged_elsewhere,
    record_merged_elsewhere,
)
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo
from tests.conftest import GitRepoBuilder
from tests.integration.upgrades import UPGRADE_ID, make_upgrade


def _ledger(repo: GitRepoBuilder) -> tuple[GitRepo, UpgradeLedger]:
    raw = GitRepo.discover(repo.path)
    return raw, UpgradeLedger(raw, load_config(raw, raw.resolve_commit("HEAD")))


def _reviewer_clone(make_repo, remote: Path) -> GitRepoBuilder:
    reviewer = make_repo("reviewer")
    reviewer.git("fetch", "-q", str(remote), "+refs/heads/*:refs/remotes/origin/*")
    reviewer.git("checkout", "-q", "-b", "main", "origin/main")
    return reviewer


def test_not_merged_is_not_reported(git_repo: GitRepoBuilder) -> None:
    make_upgrade(git_repo)
    raw, ledger = _ledger(git_repo)
    assert find_merged_elsewhere(raw, ledger) == []


def test_merge_of_the_pushed_branch_on_the_remote_is_found_after_fetch(
    git_repo: GitRepoBuilder, bare_remote: Path, make_repo
) -> None:
    made = make_upgrade(git_repo)
    git_repo.git("remote", "add", "origin", str(bare_remote))
    git_repo.git("push", "-q", "origin", "main", f"upgrade/{UPGRADE_ID}")
    reviewer = _reviewer_clone(make_repo, bare_remote)
    reviewer.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1", f"origin/upgrade/{UPGRADE_ID}")
    merge = reviewer.head()
    reviewer.git("push", "-q", str(bare_remote), "main")

    raw, ledger = _ledger(git_repo)
    assert find_merged_elsewhere(raw, ledger) == []  # not fetched yet
    git_repo.git("fetch", "-q", "origin")
    (found,) = detect_merged_elsewhere(raw, ledger)
    assert (found.upgrade_id, found.target_ref, found.merge_commit, found.fast_forward, found.how) == (
        UPGRADE_ID,
        "refs/remotes/origin/main",
        merge,
        False,
        "reachable",
    )
    assert made["commit"] != merge


def test_fast_forward_into_the_local_branch_is_found(git_repo: GitRepoBuilder) -> None:
    made = make_upgrade(git_repo)
    git_repo.git("merge", "-q", "--ff-only", f"upgrade/{UPGRADE_ID}")
    raw, ledger = _ledger(git_repo)
    (found,) = detect_merged_elsewhere(raw, ledger)
    assert (found.target_ref, found.merge_commit, found.fast_forward) == ("refs/heads/main", made["commit"], True)


def test_squash_merge_is_found_by_its_trailer_but_a_rollback_is_not(git_repo: GitRepoBuilder) -> None:
    make_upgrade(git_repo)
    raw, ledger = _ledger(git_repo)
    git_repo.commit({"x.py": "x = 1\n"}, "unrelated work on main")
    # A rollback commit carries the upgrade's id with a rollback type: not a merge.
    git_repo.commit(
        {"y.py": "y = 1\n"}, f"Revert upgrade\n\nUpgrade-Id: {UPGRADE_ID}\nUpgrade-Type: rollback:circular_import"
    )
    assert find_merged_elsewhere(raw, ledger) == []
    git_repo.git("merge", "-q", "--squash", f"upgrade/{UPGRADE_ID}")
    squash = git_repo.commit(None, f"Break the cycle (#2)\n\n* Break the cycle\n\nUpgrade-Id: {UPGRADE_ID}\n")
    (found,) = detect_merged_elsewhere(raw, ledger)
    assert (found.upgrade_id, found.merge_commit, found.how) == (UPGRADE_ID, squash, "trailer")


def test_recording_marks_the_upgrade_merged_once(git_repo: GitRepoBuilder) -> None:
    made = make_upgrade(git_repo)
    git_repo.git("merge", "-q", "--no-ff", "-m", "merged by hand", f"upgrade/{UPGRADE_ID}")
    merge = git_repo.head()
    raw, ledger = _ledger(git_repo)
    (found,) = record_merged_elsewhere(raw, ledger)
    assert found.merge_commit == merge
    record = ledger.upgrade(UPGRADE_ID)
    assert (record.status, record.merge_commit, record.commit) == ("merged", merge, made["commit"])
    assert record_merged_elsewhere(raw, ledger) == []
