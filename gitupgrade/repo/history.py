"""Questions about commit history: merge-bases, ancestry, and walking a range."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pygit2

from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import CommitId


@dataclass(frozen=True)
class CommitInfo:
    """A commit's id and full message, as met while walking a range."""

    id: CommitId
    message: str


def has_commit(repo: GitRepo, oid: str) -> bool:
    """Whether ``oid`` names a commit present in the local object database."""
    try:
        obj = repo.raw.get(oid)
    except (ValueError, pygit2.GitError):
        return False
    return obj is not None and obj.type == pygit2.enums.ObjectType.COMMIT


def merge_base(repo: GitRepo, one: CommitId, other: CommitId) -> CommitId | None:
    """The best common ancestor of two commits, or None when their histories are unrelated."""
    with git_operation("merge-base"):
        found = repo.raw.merge_base(one, other)
    return CommitId(str(found)) if found is not None else None


def is_ancestor(repo: GitRepo, ancestor: CommitId, descendant: CommitId) -> bool:
    """Whether ``ancestor`` is reachable from ``descendant`` (a commit is its own ancestor)."""
    if ancestor == descendant:
        return True
    with git_operation("check ancestry"):
        return bool(repo.raw.descendant_of(descendant, ancestor))


def newest_of(repo: GitRepo, commits: Iterable[CommitId]) -> CommitId | None:
    """The commit none of the others descends from, preferring the first on a tie.

    Used to pick, among several merge-bases, the one closest to the pushed tip.
    """
    best: CommitId | None = None
    for commit in commits:
        if best is None or (commit != best and is_ancestor(repo, best, commit)):
            best = commit
    return best


def walk(repo: GitRepo, tip: CommitId, hide: Iterable[CommitId] = ()) -> Iterator[CommitInfo]:
    """Commits reachable from ``tip`` but not from any of ``hide``, newest first."""
    with git_operation("walk history"):
        walker = repo.raw.walk(tip, pygit2.enums.SortMode.TOPOLOGICAL)
        for hidden in hide:
            walker.hide(hidden)
        for commit in walker:
            yield CommitInfo(CommitId(str(commit.id)), commit.message)


def first_parents(repo: GitRepo, tip: CommitId, limit: int) -> list[CommitId]:
    """``tip`` and its first-parent ancestors, newest first, at most ``limit`` of them."""
    chain: list[CommitId] = []
    with git_operation("walk first parents"):
        commit = repo.raw[tip].peel(pygit2.Commit)
        while len(chain) < limit:
            chain.append(CommitId(str(commit.id)))
            if not commit.parent_ids:
                break
            commit = repo.raw[commit.parent_ids[0]].peel(pygit2.Commit)
    return chain
