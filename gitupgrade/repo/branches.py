"""Upgrade branches, backup refs and where a branch is checked out.

Names: ``refs/heads/upgrade/<id>`` for an upgrade under work or review, and
``refs/upgrade-backups/<id>/{upgrade,base}`` for what a failed, rejected or
rolled-back upgrade leaves behind until ``git upgrade gc`` prunes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygit2

from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import BranchName, CommitId, RefName, branch_ref
from gitupgrade.repo.refs import compare_and_swap, read_ref

UPGRADE_BRANCH_PREFIX = "upgrade/"
BACKUP_PREFIX = "refs/upgrade-backups/"


def upgrade_branch(upgrade_id: str) -> BranchName:
    """The branch of an upgrade: ``upgrade/<id>``."""
    return BranchName(f"{UPGRADE_BRANCH_PREFIX}{upgrade_id}")


def backup_ref(upgrade_id: str, which: str = "upgrade") -> RefName:
    """The backup ref of an upgrade's commit (``upgrade``) or of its base commit (``base``)."""
    return RefName(f"{BACKUP_PREFIX}{upgrade_id}/{which}")


def point_branch(repo: GitRepo, branch: BranchName, commit: CommitId, message: str) -> None:
    """Create ``branch`` at ``commit`` or move it there from whatever it pointed at (CAS)."""
    ref = branch_ref(branch)
    compare_and_swap(repo, ref, commit, read_ref(repo, ref), message)


def delete_ref(repo: GitRepo, ref: RefName) -> bool:
    """Delete a ref if it exists (CAS against its current value); whether it existed."""
    current = read_ref(repo, ref)
    if current is None:
        return False
    compare_and_swap(repo, ref, None, current, "git upgrade: delete")
    return True


def backup(repo: GitRepo, upgrade_id: str, commit: CommitId | None, base: CommitId | None) -> None:
    """Keep an upgrade's commit and base as refs under ``refs/upgrade-backups/<id>/``."""
    for which, target in (("upgrade", commit), ("base", base)):
        if target is not None:
            ref = backup_ref(upgrade_id, which)
            compare_and_swap(repo, ref, target, read_ref(repo, ref), f"git upgrade: back up {upgrade_id}")


@dataclass(frozen=True)
class RefEntry:
    """A ref, the commit it points at and that commit's committer time (epoch seconds)."""

    name: RefName
    commit: CommitId
    commit_time: int


def list_refs(repo: GitRepo, prefix: str) -> list[RefEntry]:
    """Every direct ref whose name starts with ``prefix``, sorted by name."""
    with git_operation(f"list {prefix}"):
        found: list[RefEntry] = []
        for name in repo.raw.references:
            if not name.startswith(prefix):
                continue
            ref = repo.raw.references[name].resolve()
            commit = repo.raw[ref.target].peel(pygit2.Commit)
            found.append(RefEntry(RefName(name), CommitId(str(commit.id)), int(commit.commit_time)))
    return sorted(found, key=lambda e: e.name)


def checkout_holding(repo: GitRepo, branch: BranchName) -> Path | None:
    """The working directory (main or linked worktree) with ``branch`` checked out, if any."""
    ref = branch_ref(branch)
    with git_operation("list worktrees"):
        candidates: list[pygit2.Repository] = []
        # repo's own handle, when it is the main checkout, knows a --work-tree given to git.
        main = repo.raw if repo.git_dir == repo.common_dir else pygit2.Repository(str(repo.common_dir))
        if not main.is_bare:
            candidates.append(main)
        for name in repo.raw.list_worktrees():
            worktree = repo.raw.lookup_worktree(name)
            if not worktree.is_prunable and Path(worktree.path).exists():
                candidates.append(pygit2.Repository(worktree.path))
        for checkout in candidates:
            try:
                head = checkout.lookup_reference("HEAD")
            except (KeyError, pygit2.GitError):
                continue
            if head.type == pygit2.enums.ReferenceType.SYMBOLIC and head.target == ref:
                return Path(checkout.workdir)
    return None
