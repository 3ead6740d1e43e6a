"""The git repository handle: discovery, paths and revision lookup.

This package is the only place that imports pygit2. Every pygit2 or OS error
becomes a :class:`~gitupgrade.errors.GitOperationError` naming the operation.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pygit2

from gitupgrade.errors import GitOperationError, NotARepositoryError, UserError
from gitupgrade.repo.names import BranchName, CommitId, TreeId

STATE_DIR_NAME = "upgrade"


@contextlib.contextmanager
def git_operation(name: str) -> Iterator[None]:
    """Turn pygit2 and OS errors raised inside the block into our error type."""
    try:
        yield
    except (pygit2.GitError, OSError, KeyError, ValueError) as exc:
        raise GitOperationError(name, str(exc) or type(exc).__name__) from exc


class GitRepo:
    """A discovered git repository (work tree, linked worktree or bare)."""

    def __init__(self, raw: pygit2.Repository) -> None:
        self.raw = raw
        # Values resolved once per command through the git CLI (identity, signing config).
        self.cache: dict[str, object] = {}

    @classmethod
    def discover(cls, start: str | os.PathLike[str] = ".") -> GitRepo:
        """Find the repository containing ``start`` (any subdirectory or linked worktree).

        ``GIT_DIR`` and ``GIT_WORK_TREE`` (which ``git --git-dir=... --work-tree=...``
        exports to its subcommands) take precedence, with git's meaning: a relative path
        is relative to ``start``; with ``GIT_DIR`` but no work tree configured, ``start``
        is the top of the work tree.
        """
        start_path = Path(start).resolve()
        if not start_path.exists():
            raise UserError(f"no such directory: {start_path}")
        git_dir = os.environ.get("GIT_DIR")
        work_tree = os.environ.get("GIT_WORK_TREE")
        if git_dir:
            repo = cls._open_git_dir(start_path / git_dir)
            if work_tree:
                repo._set_workdir(start_path / work_tree)
            elif not repo.raw.is_bare and "core.worktree" not in repo.raw.config:
                repo._set_workdir(start_path)
            return repo
        found = pygit2.discover_repository(str(start_path))
        if found is None:
            raise NotARepositoryError(
                f"not a git repository: {start_path}",
                hint="run git upgrade inside a git repository (or pass -C DIR)",
            )
        with git_operation("open repository"):
            repo = cls(pygit2.Repository(found))
        if work_tree:
            repo._set_workdir(start_path / work_tree)
        return repo

    @classmethod
    def _open_git_dir(cls, path: Path) -> GitRepo:
        try:
            return cls(pygit2.Repository(str(path.resolve())))
        except (pygit2.GitError, OSError) as exc:
            raise NotARepositoryError(
                f"not a git repository: GIT_DIR={path}",
                hint="point GIT_DIR (or git --git-dir) at a repository's .git directory",
            ) from exc

    def _set_workdir(self, path: Path) -> None:
        if not path.resolve().is_dir():
            raise UserError(f"the work tree {path} is not a directory", hint="fix GIT_WORK_TREE or --work-tree")
        with git_operation("set work tree"):
            self.raw.workdir = str(path.resolve())

    @property
    def git_dir(self) -> Path:
        """The git dir of this checkout (for a linked worktree, its own admin dir)."""
        return Path(self.raw.path)

    @property
    def common_dir(self) -> Path:
        """The git dir shared by all worktrees, where refs, objects and our state live."""
        commondir = self.git_dir / "commondir"
        if commondir.is_file():
            return (self.git_dir / commondir.read_text().strip()).resolve()
        return self.git_dir

    @property
    def workdir(self) -> Path | None:
        """The working tree of this checkout, or None for a bare repository."""
        return None if self.raw.is_bare else Path(self.raw.workdir)

    @property
    def is_bare(self) -> bool:
        """Whether the repository has no working tree."""
        return bool(self.raw.is_bare)

    @property
    def state_dir(self) -> Path:
        """Local state of gitupgrade (index, cache, lock): ``<common git dir>/upgrade``."""
        path = self.common_dir / STATE_DIR_NAME
        path.mkdir(parents=True, exist_ok=True)
        return path

    def resolve_commit(self, rev: str = "HEAD") -> CommitId:
        """The commit id that ``rev`` names; a clear user error when it names none."""
        if rev == "HEAD" and self.raw.head_is_unborn:
            raise NotARepositoryError(
                "the repository has no commits yet",
                hint="commit something first, then run git upgrade again",
            )
        try:
            obj = self.raw.revparse_single(rev)
            commit = obj.peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError) as exc:
            raise UserError(f"unknown revision: {rev}", hint="name a commit, branch or tag") from exc
        return CommitId(str(commit.id))

    def commit_tree(self, commit: CommitId) -> TreeId:
        """The root tree id of a commit."""
        with git_operation("read commit"):
            return TreeId(str(self.raw[commit].peel(pygit2.Commit).tree_id))

    def current_branch(self) -> BranchName | None:
        """The branch checked out in this checkout, or None when HEAD is detached."""
        if self.raw.head_is_detached:
            return None
        with git_operation("read HEAD"):
            target = self.raw.references["HEAD"].target
        name = str(target)
        return BranchName(name.removeprefix("refs/heads/"))


def open_checkout(repo: GitRepo, checkout: Path) -> pygit2.Repository:
    """A handle on the checkout at ``checkout``: ``repo``'s own when it is that checkout.

    Its own handle knows a work tree chosen by ``GIT_WORK_TREE``/``--work-tree``, which
    opening the directory could not find (it has no ``.git``).
    """
    if repo.workdir is not None and Path(checkout).resolve() == repo.workdir.resolve():
        return repo.raw
    return pygit2.Repository(str(checkout))


def git_command(repo: GitRepo, *args: str) -> list[str]:
    """The argv of a git CLI call pinned to this repository, whatever the caller's directory or env."""
    pinned = [f"--git-dir={repo.git_dir}"]
    if repo.workdir is not None:
        pinned.append(f"--work-tree={repo.workdir}")
    return ["git", *pinned, *args]


def git_env() -> dict[str, str]:
    """The environment for a git CLI call: ours without the variables that would re-point it.

    ``GIT_DIR``/``GIT_WORK_TREE`` may be relative to the directory git started us in;
    :func:`git_command` names the repository explicitly instead.
    """
    return {key: value for key, value in os.environ.items() if key not in _LOCATION_VARS}


_LOCATION_VARS = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_PREFIX", "GIT_COMMON_DIR"})


def library_versions() -> str:
    """The versions of pygit2 and libgit2 in use, for bug reports."""
    from importlib.metadata import version  # only a bug report needs it: not at start-up

    return f"pygit2 {version('pygit2')}, libgit2 {pygit2.LIBGIT2_VERSION}"
