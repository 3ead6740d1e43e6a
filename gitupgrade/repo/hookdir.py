"""Hooks: where git runs them from (``core.hooksPath``, else ``<common git dir>/hooks``), and running one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitupgrade.repo.core import GitRepo, git_env, git_operation


def config_value(repo: GitRepo, key: str) -> str | None:
    """A git config value as git would read it (all levels), or None when unset."""
    with git_operation(f"read config {key}"):
        try:
            return str(repo.raw.config[key])
        except KeyError:
            return None


def hooks_dir(repo: GitRepo) -> Path:
    """The directory git runs this repository's hooks from.

    githooks(5): a relative ``core.hooksPath`` is taken relative to where hooks
    run, the top of the work tree (the git dir in a bare repository); ``~`` is
    expanded. Linked worktrees share the common dir's hooks.
    """
    configured = config_value(repo, "core.hooksPath")
    if configured:
        path = Path(os.path.expanduser(configured))
        if not path.is_absolute():
            path = (repo.workdir or repo.git_dir) / path
        return path
    return repo.common_dir / "hooks"


def run_hook(checkout: Path, name: str, *args: str) -> None:
    """Run the hook ``name`` in ``checkout`` as git would (libgit2 never runs hooks).

    Used where a user expects git's hook, e.g. post-merge after we advanced their
    branch; its failure or absence changes nothing.
    """
    subprocess.run(
        ["git", "hook", "run", "--ignore-missing", name, "--", *args],
        cwd=checkout,
        env=git_env(),  # an inherited, possibly relative GIT_DIR would point away from the checkout
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
