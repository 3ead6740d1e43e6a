"""The staging worktree (``core_v2``): add, look up, repair, prune, and check out a commit.

The worktree is a registered git worktree with a detached HEAD, reused between
upgrades so that checking out the next base commit rewrites only the files that
differ. libgit2 has no "remove" or "repair": removing is deleting the folder and
pruning; repairing is removing whatever is half there and adding it again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pygit2

from gitupgrade.errors import UserError
from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import CommitId

_CHECKOUT = pygit2.enums.CheckoutStrategy
# FORCE rewrites files whose content differs from the target (and only those);
# REMOVE_UNTRACKED drops files a strategy created but the target does not have.
STAGING_CHECKOUT = _CHECKOUT.FORCE | _CHECKOUT.REMOVE_UNTRACKED


@dataclass(frozen=True)
class Worktree:
    """A linked worktree: its name, its working directory and its own pygit2 handle."""

    name: str
    path: Path
    raw: pygit2.Repository

    def head(self) -> CommitId | None:
        """The commit checked out, or None when HEAD is unborn or broken."""
        try:
            return CommitId(str(self.raw.head.target))
        except (pygit2.GitError, KeyError):
            return None


@dataclass(frozen=True)
class WorktreeState:
    """The ready worktree and what had to be done to make it usable (empty when nothing)."""

    worktree: Worktree
    repairs: tuple[str, ...] = ()


def _admin_dir(repo: GitRepo, name: str) -> Path:
    return repo.common_dir / "worktrees" / name


def _healthy(repo: GitRepo, name: str, path: Path) -> Worktree | None:
    """The worktree when its folder, admin dir and HEAD are all intact, else None."""
    admin = _admin_dir(repo, name)
    if not (path / ".git").is_file() or not (admin / "HEAD").is_file() or not (admin / "gitdir").is_file():
        return None
    try:
        registered = Path((admin / "gitdir").read_text().strip()).parent.resolve()
        if registered != path.resolve():
            return None
        raw = pygit2.Repository(str(path))
        raw.head  # noqa: B018 - a corrupt HEAD raises here
    except (pygit2.GitError, OSError, KeyError):
        return None
    return Worktree(name, path, raw)


def _points_back(repo: GitRepo, path: Path) -> bool:
    # ``<path>/.git`` is a file "gitdir: <common dir>/worktrees/<name>" in a worktree git made
    # for us; git refuses a tracked ``.git`` entry, so a checkout cannot forge one.
    dot_git = path / ".git"
    try:
        if not dot_git.is_file() or dot_git.is_symlink():
            return False
        text = dot_git.read_text("utf-8", "replace").strip()
    except OSError:
        return False
    if not text.startswith("gitdir:"):
        return False
    admin = Path(text.removeprefix("gitdir:").strip())
    admin = (admin if admin.is_absolute() else path / admin).resolve()
    return admin.parent == (repo.common_dir / "worktrees").resolve()


def _registered_at(repo: GitRepo, name: str, path: Path) -> bool:
    try:
        registered = (_admin_dir(repo, name) / "gitdir").read_text().strip()
    except OSError:
        return False
    return Path(registered).resolve() == (path / ".git").resolve()


def owns_path(repo: GitRepo, name: str, path: Path) -> bool:
    """Whether the tool may delete ``path``: absent, an empty folder, or git's worktree of this repository."""
    if path.is_symlink():
        return False
    if not path.exists():
        return True
    if not path.is_dir():
        return False
    if not any(path.iterdir()):
        return True
    return _points_back(repo, path) or _registered_at(repo, name, path)


def _refuse_foreign(repo: GitRepo, name: str, path: Path) -> None:
    if not owns_path(repo, name, path):
        raise UserError(
            f"{path} is not a worktree git lists for this repository; refusing to replace it with {name}",
            hint="set staging.path to an empty or new folder (or leave it unset), or move that folder away",
        )


def ensure_worktree(repo: GitRepo, name: str, path: Path, commit: CommitId) -> WorktreeState:
    """The worktree ``name`` at ``path``, created (detached at ``commit``) or repaired as needed."""
    repairs: list[str] = []
    found = _healthy(repo, name, path)
    if found is not None:
        lock = _admin_dir(repo, name) / "index.lock"
        if lock.exists():
            # Only a runner holding the upgrade lock writes this index: a leftover is from a crash.
            lock.unlink()
            repairs.append(f"removed a stale index.lock of the {name} worktree")
        return WorktreeState(found, tuple(repairs))
    if path.exists() or _admin_dir(repo, name).exists():
        repairs.append(f"the {name} worktree was broken; recreated it at {path}")
    remove_worktree(repo, name, path)  # refuses a folder that is not ours before touching anything
    return WorktreeState(_add_detached(repo, name, path, commit), tuple(repairs))


def _add_detached(repo: GitRepo, name: str, path: Path, commit: CommitId) -> Worktree:
    # libgit2 can only add a worktree on a branch: add it on a temporary branch,
    # detach HEAD, then delete the branch, so no branch stays checked out there.
    temp_branch = f"upgrade-staging/{name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with git_operation(f"add worktree {name}"):
        stale = repo.raw.branches.local.get(temp_branch)
        if stale is not None:
            stale.delete()
        branch = repo.raw.branches.local.create(temp_branch, repo.raw[commit].peel(pygit2.Commit))
        try:
            added = repo.raw.add_worktree(name, str(path), branch)
            raw = pygit2.Repository(added.path)
            raw.set_head(pygit2.Oid(hex=commit))
        finally:
            branch.delete()
    return Worktree(name, path, raw)


def remove_worktree(repo: GitRepo, name: str, path: Path) -> None:
    """Delete the worktree's folder and its registration (nothing else is touched).

    A folder git does not list as this repository's worktree is refused (UserError):
    the tool deletes only what it created.
    """
    _refuse_foreign(repo, name, path)
    with git_operation(f"remove worktree {name}"):
        if path.exists():
            shutil.rmtree(path)
        admin = _admin_dir(repo, name)
        if admin.exists():
            shutil.rmtree(admin)
        for other in repo.raw.list_worktrees():
            wt = repo.raw.lookup_worktree(other)
            if wt.is_prunable:
                wt.prune(True)


def checkout_commit(worktree: Worktree, commit: CommitId) -> None:
    """Make the worktree's files and index exactly ``commit``, rewriting only changed files.

    Untracked files (e.g. modules a failed strategy created) are removed; ignored
    files (caches the project's tests write) are kept so reruns stay fast.
    """
    with git_operation(f"check out {commit[:10]} in {worktree.name}"):
        target = worktree.raw[commit].peel(pygit2.Commit)
        # pygit2 leaves checkout_tree unannotated
        worktree.raw.checkout_tree(target.tree, strategy=STAGING_CHECKOUT)  # type: ignore[no-untyped-call]
        worktree.raw.set_head(target.id)


def changed_paths(worktree: Worktree) -> dict[str, str]:
    """Files that differ from HEAD in the worktree: path -> ``CREATE``/``MODIFY``/``DELETE``."""
    flags = pygit2.enums.FileStatus
    with git_operation(f"status of {worktree.name}"):
        status = worktree.raw.status(untracked_files="all")
    changes: dict[str, str] = {}
    for path, flag in status.items():
        if flag & flags.IGNORED:
            continue
        if flag & (flags.WT_NEW | flags.INDEX_NEW):
            changes[path] = "CREATE"
        elif flag & (flags.WT_DELETED | flags.INDEX_DELETED):
            changes[path] = "DELETE"
        else:
            changes[path] = "MODIFY"
    return dict(sorted(changes.items()))
