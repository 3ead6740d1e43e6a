"""The user's checkout: do local changes touch given files, and advancing a checked-out branch.

Advancing the branch checked out in a working tree behaves like ``git merge --ff``:
only the files that differ between the old and the new commit are rewritten, and
it refuses (changing nothing) when an uncommitted change touches one of them.
"""

from __future__ import annotations

from pathlib import Path

import pygit2

from gitupgrade.errors import RefMovedError, RefusedError
from gitupgrade.repo.core import GitRepo, git_operation, open_checkout
from gitupgrade.repo.diffs import changed_paths_between
from gitupgrade.repo.names import BranchName, CommitId, branch_ref
from gitupgrade.repo.refs import read_ref

_IN_PROGRESS = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply", "BISECT_LOG")


def local_changes_touching(repo: GitRepo, checkout: Path, paths: list[str]) -> list[str]:
    """The paths among ``paths`` with staged, unstaged or untracked changes in ``checkout``."""
    wanted = set(paths)
    flags = pygit2.enums.FileStatus
    with git_operation("status"):
        status = open_checkout(repo, checkout).status(untracked_files="all")
    return sorted(p for p, f in status.items() if p in wanted and not f & flags.IGNORED and f != flags.CURRENT)


def operation_in_progress(repo: GitRepo, checkout: Path) -> str | None:
    """The name of an unfinished merge, rebase, cherry-pick, revert or bisect, if any."""
    with git_operation("status"):
        git_dir = Path(open_checkout(repo, checkout).path)
    for marker in _IN_PROGRESS:
        if (git_dir / marker).exists():
            return marker
    return None


def advance_checked_out(
    repo: GitRepo, checkout: Path, branch: BranchName, expected: CommitId, new: CommitId, message: str
) -> list[str]:
    """Move ``branch`` (checked out in ``checkout``) from ``expected`` to ``new``; the files updated.

    Refuses with :class:`RefusedError` when an unfinished operation is in progress or
    local changes touch the files to update; raises :class:`RefMovedError` when the
    branch no longer points at ``expected``. The ref stays locked from the check to
    the update, so nobody can move it in between.
    """
    ref = branch_ref(branch)
    in_progress = operation_in_progress(repo, checkout)
    if in_progress is not None:
        raise RefusedError(
            f"{branch} is checked out in {checkout} with an unfinished operation ({in_progress})",
            hint="finish or abort it, then run git upgrade approve again",
        )
    paths = changed_paths_between(repo, expected, new)
    touched = local_changes_touching(repo, checkout, paths)
    if touched:
        raise RefusedError(
            f"local changes in {checkout} touch files this upgrade changes: {', '.join(touched)}",
            hint="commit or stash them, then run git upgrade approve again",
        )
    with git_operation(f"update {branch} in {checkout}"):
        user = open_checkout(repo, checkout)
        with repo.raw.transaction() as txn:
            txn.lock_ref(ref)
            current = read_ref(repo, ref)
            if current != expected:
                raise RefMovedError(f"{ref} moved: expected {expected[:10]}, found {(current or 'nothing')[:10]}")
            if paths:
                # SAFE: libgit2 refuses to overwrite a file that changed after our check.
                target = user[new].peel(pygit2.Commit)
                user.checkout_tree(target.tree, paths=paths, strategy=pygit2.enums.CheckoutStrategy.SAFE)
            txn.set_target(ref, pygit2.Oid(hex=new), message=message)
    return paths
