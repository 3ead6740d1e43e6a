"""What the top-level options give every command: where the repository is, which config file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from gitupgrade.config import Config, load_config
from gitupgrade.repo import CommitId, GitRepo


@dataclass(frozen=True)
class AppContext:
    """Values of the global options, converted to domain values."""

    directory: Path
    config_file: Path | None

    def repo(self) -> GitRepo:
        """The repository containing the chosen directory."""
        return GitRepo.discover(self.directory)

    def config(self, repo: GitRepo, commit: CommitId) -> Config:
        """The configuration for work on ``commit``."""
        return load_config(repo, commit, self.config_file)


pass_app = click.make_pass_decorator(AppContext)
