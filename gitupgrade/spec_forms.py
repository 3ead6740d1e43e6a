"""The spec's call forms for the public classes: a path where we take a repository, no config.

The spec constructs its classes from a path and reads its own configuration; ours
take a :class:`~gitupgrade.repo.GitRepo` and a :class:`~gitupgrade.config.Config`.
These helpers let each public class accept both.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gitupgrade.config import Config, default_config, load_config
from gitupgrade.errors import NotARepositoryError, UserError
from gitupgrade.repo import GitRepo

RepoLike = GitRepo | str | os.PathLike[str]


def as_repo(value: RepoLike) -> GitRepo:
    """``value`` itself, or the repository containing the path ``value``."""
    return value if isinstance(value, GitRepo) else GitRepo.discover(value)


def config_of(repo: GitRepo | None, config: Config | None) -> Config:
    """``config``, else the repository's configuration at HEAD, else the packaged defaults."""
    if config is not None:
        return config
    if repo is None:
        return default_config()
    try:
        return load_config(repo, repo.resolve_commit("HEAD"))
    except NotARepositoryError:  # no commit yet: nothing to read config.yaml from
        return default_config()


def config_near(path: str | os.PathLike[str]) -> Config:
    """The configuration of the repository containing ``path`` (defaults outside one)."""
    try:
        repo = GitRepo.discover(path)
    except UserError:
        return default_config()
    return config_of(repo, None)


def repo_targets(repo: GitRepo, target_path: str | os.PathLike[str] | Sequence[str] | None) -> list[str] | None:
    """Target paths as repository-relative strings; absolute paths must lie inside the work tree."""
    if target_path is None:
        return None
    items = [target_path] if isinstance(target_path, (str, os.PathLike)) else list(target_path)
    targets = []
    for item in items:
        path = Path(os.fspath(item))
        if not path.is_absolute():
            targets.append(path.as_posix())
            continue
        root = repo.workdir
        try:
            if root is None:
                raise ValueError("bare repository")
            targets.append(path.resolve().relative_to(root.resolve()).as_posix() or ".")
        except ValueError:
            raise UserError(
                f"{path} is not inside the repository's work tree",
                hint="pass a path inside the repository, or one relative to its top directory",
            ) from None
    return targets
