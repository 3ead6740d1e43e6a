"""What the top-level options give every command: where the repository is, which config file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from gitupgrade.config import Config, load_config
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo.merge_recovery import recover_interrupted_merge


@dataclass(frozen=True)
class AppContext:
    """Values of the global options, converted to domain values."""

    directory: Path
    config_file: Path | None

    def repo(self) -> GitRepo:
        """The repository containing the chosen directory, after recovering an interrupted merge.

        Every command goes through here first, so a merge a kill -9 left half done is
        finished or undone before anything looks at the checkout (one stat when none).
        """
        repo = GitRepo.discover(self.directory)
        recovery = recover_interrupted_merge(repo)
        if recovery is not None:
            click.echo(f"note: {recovery.describe()}", err=True)
        return repo

    def config(self, repo: GitRepo, commit: CommitId) -> Config:
        """The configuration for work on ``commit``."""
        return load_config(repo, commit, self.config_file)


pass_app = click.make_pass_decorator(AppContext)
