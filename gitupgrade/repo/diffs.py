"""What changed between two commits: per-file kinds and line counts, and the patch text."""

from __future__ import annotations

from dataclasses import dataclass

import pygit2

from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import CommitId

_KINDS = {"A": "CREATE", "D": "DELETE", "M": "MODIFY", "R": "MODIFY", "T": "MODIFY", "C": "CREATE"}


@dataclass(frozen=True)
class FileDiff:
    """One changed file: path, CREATE/MODIFY/DELETE, lines added and removed."""

    path: str
    change: str
    added: int
    removed: int


def _diff(repo: GitRepo, old: CommitId, new: CommitId) -> pygit2.Diff:
    old_tree = repo.raw[old].peel(pygit2.Commit).tree
    new_tree = repo.raw[new].peel(pygit2.Commit).tree
    return old_tree.diff_to_tree(new_tree)


def changed_files(repo: GitRepo, old: CommitId, new: CommitId) -> list[FileDiff]:
    """The files that differ between two commits, sorted by path."""
    with git_operation("diff"):
        found: list[FileDiff] = []
        for patch in _diff(repo, old, new):
            if patch is None:  # a binary file: no patch, and no lines to count
                continue
            delta = patch.delta
            path = delta.new_file.path if delta.status_char() != "D" else delta.old_file.path
            _, added, removed = patch.line_stats
            found.append(FileDiff(path, _KINDS.get(delta.status_char(), "MODIFY"), added, removed))
    return sorted(found, key=lambda f: f.path)


def changed_paths_between(repo: GitRepo, old: CommitId, new: CommitId) -> list[str]:
    """Every path that differs between two commits (both sides of a rename)."""
    with git_operation("diff"):
        paths: set[str] = set()
        for delta in _diff(repo, old, new).deltas:
            paths.update({delta.old_file.path, delta.new_file.path})
    return sorted(paths)


def patch_text(repo: GitRepo, old: CommitId, new: CommitId) -> str:
    """The unified diff between two commits (``git diff old new``)."""
    with git_operation("diff"):
        return str(_diff(repo, old, new).patch or "")
