"""Deploying a validated commit into the target branch by compare-and-swap.

When the target branch is checked out in a working tree (the user's, or a linked
worktree), its files are updated as ``git merge --ff`` would: only the files that
change, and a refusal when a local change touches one of them. Otherwise only the
ref moves. Either way the ref moves only from the value read before the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitupgrade.repo import BranchName, CommitId, GitRepo, branch_ref
from gitupgrade.repo.branches import checkout_holding
from gitupgrade.repo.hookdir import run_hook
from gitupgrade.repo.refs import compare_and_swap
from gitupgrade.repo.status import advance_checked_out


@dataclass(frozen=True)
class Deployment:
    """Where the target now points, and the checkout whose files were updated (if any)."""

    commit: CommitId
    checkout: Path | None
    updated_files: tuple[str, ...] = ()


def deploy(repo: GitRepo, target: BranchName, expected: CommitId, new: CommitId, message: str) -> Deployment:
    """Move ``target`` from ``expected`` to ``new``.

    Raises :class:`~gitupgrade.errors.RefMovedError` when the target moved and
    :class:`~gitupgrade.errors.RefusedError` when local changes are in the way;
    in both cases nothing changed.
    """
    checkout = None if repo.is_bare else checkout_holding(repo, target)
    if checkout is None:
        compare_and_swap(repo, branch_ref(target), new, expected, message)
        return Deployment(new, None)
    updated = advance_checked_out(repo, checkout, target, expected, new, message)
    # a user whose branch we advanced expects post-merge as after `git merge` (0: not a squash)
    run_hook(checkout, "post-merge", "0")
    return Deployment(new, checkout, tuple(updated))
