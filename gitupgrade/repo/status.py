"""The user's checkout: do local changes touch given files, and advancing a checked-out branch.

Advancing the branch checked out in a working tree behaves like ``git merge --ff``:
only the files that differ between the old and the new commit are rewritten, and
it refuses (changing nothing) when an uncommitted change touches one of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pygit2

from gitupgrade.errors import RefMovedError, RefusedError
from gitupgrade.repo.checkout_writer import (
    MergeJournal,
    PathChange,
    clear_journal,
    crash_point,
    current_blob,
    path_changes,
    put_blob,
    removals_first,
    update_index,
    write_changes,
    write_journal,
)
from gitupgrade.repo.core import GitRepo, git_operation, open_checkout
from gitupgrade.repo.diffs import changed_paths_between
from gitupgrade.repo.lock import process_start
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
    branch no longer points at ``expected``. The files are written atomically under a
    journal first (see ``gitupgrade.repo.checkout_writer``), so a crash is recoverable
    and leaves no ref lock behind; the ref is locked only for the compare-and-swap, and
    if the branch moved meanwhile the files are put back and nothing moves.
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
        current = read_ref(repo, ref)
        if current != expected:
            raise RefMovedError(f"{ref} moved: expected {expected[:10]}, found {(current or 'nothing')[:10]}")
        # The files are written before the ref is locked: a kill -9 while they are written
        # leaves no stale refs/heads/*.lock that would stop the user's own git commit.
        changes = _write_journaled(repo, checkout, ref, expected, new, message, paths) if paths else []
        crash_point("ref")
        try:
            with repo.raw.transaction() as txn:
                # compare-and-swap: the branch may have moved while the files were written
                txn.lock_ref(ref)
                current = read_ref(repo, ref)
                if current != expected:
                    raise RefMovedError(f"{ref} moved: expected {expected[:10]}, found {(current or 'nothing')[:10]}")
                txn.set_target(ref, pygit2.Oid(hex=new), message=message)
        except BaseException:
            _undo(repo, checkout, changes)
            raise
        crash_point("journal")
        clear_journal(repo)
    return paths


def _write_journaled(
    repo: GitRepo, checkout: Path, ref: str, expected: CommitId, new: CommitId, label: str, paths: list[str]
) -> list[PathChange]:
    # The journal is durable before the first file changes, so a kill -9 anywhere below
    # is finished or undone by the next command (gitupgrade.repo.merge_recovery).
    changes = path_changes(repo, expected, new, paths)
    pid = os.getpid()
    label = label.removeprefix("git upgrade: ").removeprefix("merge ")
    journal = MergeJournal(ref, str(checkout), expected, new, label, pid, process_start(pid), changes)
    write_journal(repo, journal)
    try:
        write_changes(repo, checkout, changes)
        journal.phase = "index"
        write_journal(repo, journal)
        crash_point("index")
        update_index(repo, checkout, changes)
    except BaseException:
        _undo(repo, checkout, changes)
        raise
    return changes


def _undo(repo: GitRepo, checkout: Path, changes: list[PathChange]) -> None:
    """Nothing moves: put back what was written (a file changed meanwhile is the user's)."""
    for change in removals_first(changes, to_new=False):
        if current_blob(checkout, change.path) == change.new != change.old:
            put_blob(repo, checkout, change.path, change.old, change.old_mode)
    if changes:
        update_index(repo, checkout, changes, to_new=False)
    clear_journal(repo)
