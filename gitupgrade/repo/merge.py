"""Merges and reverts built in memory: nothing touches a working tree or moves a ref here.

The caller decides what to do with the resulting commit (compare-and-swap a branch
onto it, or check it out in the staging worktree to validate it first).
"""

from __future__ import annotations

from dataclasses import dataclass

import pygit2

from gitupgrade.repo.commits import is_ancestor
from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import CommitId
from gitupgrade.repo.signing import write_commit


@dataclass(frozen=True)
class MergeOutcome:
    """The commit the target should point at after merging, or the conflicting paths."""

    commit: CommitId | None
    fast_forward: bool
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class RevertOutcome:
    """The revert commit (parent: ``onto``), or the conflicting paths (nothing created)."""

    commit: CommitId | None
    conflicts: tuple[str, ...] = ()


def _conflict_paths(index: pygit2.Index) -> tuple[str, ...]:
    paths: set[str] = set()
    for ancestor, ours, theirs in index.conflicts or ():
        for entry in (ancestor, ours, theirs):
            if entry is not None:
                paths.add(entry.path)
    return tuple(sorted(paths))


def merge(repo: GitRepo, target_tip: CommitId, upgrade: CommitId, message: str) -> MergeOutcome:
    """Fast-forward when ``target_tip`` is an ancestor of ``upgrade``, else a merge commit."""
    if is_ancestor(repo, target_tip, upgrade):
        return MergeOutcome(upgrade, fast_forward=True)
    if is_ancestor(repo, upgrade, target_tip):
        return MergeOutcome(target_tip, fast_forward=True)  # already merged
    with git_operation("merge"):
        ours = pygit2.Oid(hex=target_tip)
        theirs = pygit2.Oid(hex=upgrade)
        index = repo.raw.merge_commits(ours, theirs)
        if index.conflicts is not None:
            return MergeOutcome(None, fast_forward=False, conflicts=_conflict_paths(index))
        tree = index.write_tree(repo.raw)
    oid = write_commit(repo, repo.raw, message, tree, [ours, theirs])
    return MergeOutcome(CommitId(str(oid)), fast_forward=False)


def revert(repo: GitRepo, commit: CommitId, onto: CommitId, message: str) -> RevertOutcome:
    """A commit on top of ``onto`` undoing ``commit`` (mainline 1 when it is a merge)."""
    with git_operation("revert"):
        target = repo.raw[commit].peel(pygit2.Commit)
        ours = repo.raw[onto].peel(pygit2.Commit)
        mainline = 1 if len(target.parent_ids) > 1 else 0
        index = repo.raw.revert_commit(target, ours, mainline)
        if index.conflicts is not None:
            return RevertOutcome(None, _conflict_paths(index))
        tree = index.write_tree(repo.raw)
        if tree == ours.tree_id:
            return RevertOutcome(None, ())  # nothing left to undo
    oid = write_commit(repo, repo.raw, message, tree, [ours.id])
    return RevertOutcome(CommitId(str(oid)))


def cherry_pick(repo: GitRepo, commit: CommitId, onto: CommitId) -> MergeOutcome:
    """``commit``'s change replayed on ``onto`` (same message and author), or its conflicts."""
    with git_operation("cherry-pick"):
        picked = repo.raw[commit].peel(pygit2.Commit)
        if not picked.parent_ids:
            raise ValueError(f"cannot cherry-pick the root commit {commit[:10]}")
        parent = repo.raw[picked.parent_ids[0]].peel(pygit2.Commit)
        ours = repo.raw[onto].peel(pygit2.Commit)
        if parent.id == ours.id:
            return MergeOutcome(commit, fast_forward=True)
        index = repo.raw.merge_trees(parent.tree, ours.tree, picked.tree)
        if index.conflicts is not None:
            return MergeOutcome(None, fast_forward=False, conflicts=_conflict_paths(index))
        tree = index.write_tree(repo.raw)
    oid = write_commit(repo, repo.raw, picked.message, tree, [ours.id], author=picked.author)
    return MergeOutcome(CommitId(str(oid)), fast_forward=False)
