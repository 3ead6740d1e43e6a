"""The ``git upgrade`` command group: global options, error handling, the command list."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from gitupgrade import __version__
from gitupgrade.cli.context import AppContext
from gitupgrade.cli.errors import run_guarded


class UpgradeGroup(click.Group):
    """A click group whose every failure is one line on stderr and a documented exit code."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        code = run_guarded(lambda: super(UpgradeGroup, self).main(
            args, prog_name, complete_var, standalone_mode=False, **extra))
        if standalone_mode:
            sys.exit(code)
        return code


@click.group("git upgrade", cls=UpgradeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="git-upgrade")
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Run as if started in DIRECTORY.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A config.yaml whose self_upgrading section overrides the repository's.")
@click.pass_context
def cli(ctx: click.Context, directory: Path, config_file: Path | None) -> None:
    """Keep a Python codebase's architecture healthy, one validated commit at a time."""
    ctx.obj = AppContext(directory=directory, config_file=config_file)


def _register() -> None:
    # Each command lives in its own module (one verb, one module); the list is the CLI.
    from gitupgrade.cli import show_config
    from gitupgrade.cli import ledger_cmd, reindex, sync
    from gitupgrade.cli import check, describe, hook, push
    from gitupgrade.cli import learn, tick
    from gitupgrade.cli import scan
    from gitupgrade.cli import approve, diff, gc, reject, rollback, run, status

    modules: tuple[Any, ...] = (show_config, ledger_cmd, reindex, sync, check, hook, push, describe, learn, scan, tick,
                                   run, approve, reject, status, diff, rollback, gc)
    for module in modules:
        cli.add_command(module.command)


_register()


def main() -> None:
    """Console-script entry point (``git-upgrade``, run by git as ``git upgrade``)."""
    cli()
