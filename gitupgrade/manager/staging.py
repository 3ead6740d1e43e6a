"""The staging worktree's life cycle: where it lives, making it ready at a commit."""

from __future__ import annotations

from pathlib import Path

from gitupgrade.config import Config
from gitupgrade.config.paths import check_staging_path, check_worktree_name
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo.worktree import Worktree, checkout_commit, ensure_worktree, remove_worktree


def staging_path(repo: GitRepo, config: Config) -> Path:
    """``staging.path`` (relative to the git dir) or ``<git dir>/upgrade/<worktree_name>``.

    Checked again here, where the folder is about to be created or replaced, whatever
    built the config (a ConfigError when it may not hold the worktree).
    """
    configured = config.get_path("staging.path")
    if configured:
        path = Path(configured).expanduser()
        path = path if path.is_absolute() else repo.common_dir / path
    else:
        path = repo.state_dir / check_worktree_name(str(config.get_path("staging.worktree_name")))
    check_staging_path(repo, path)
    return path


class Staging:
    """The reusable ``core_v2`` worktree; ``repairs`` lists what was fixed on the way."""

    def __init__(self, repo: GitRepo, config: Config) -> None:
        self.repo = repo
        self.name = check_worktree_name(str(config.get_path("staging.worktree_name")))
        self.path = staging_path(repo, config)
        self.repairs: list[str] = []
        self._worktree: Worktree | None = None

    def checkout(self, commit: CommitId) -> Worktree:
        """The worktree with exactly ``commit`` checked out (created or repaired first if needed)."""
        if self._worktree is None:
            state = ensure_worktree(self.repo, self.name, self.path, commit)
            self.repairs.extend(state.repairs)
            self._worktree = state.worktree
        checkout_commit(self._worktree, commit)
        return self._worktree

    def remove(self) -> None:
        """Delete the worktree (``gc --all`` or a test); the next checkout recreates it."""
        remove_worktree(self.repo, self.name, self.path)
        self._worktree = None
