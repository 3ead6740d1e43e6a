"""The ``git upgrade`` command group: global options, error handling, the command list."""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from gitupgrade import __version__
from gitupgrade.cli.context import AppContext
from gitupgrade.cli.errors import check_arguments, run_guarded
from gitupgrade.interrupt import install_sigint_handler

# Command name -> module, in the order --help lists them. Each module exposes ``command``;
# it is imported only when its command runs, so `git upgrade status` does not pay for
# the analyzer, libcst or the test runner.
COMMANDS: dict[str, str] = {
    "scan": "scan",
    "status": "status",
    "run": "run",
    "diff": "diff",
    "approve": "approve",
    "reject": "reject",
    "rollback": "rollback",
    "ledger": "ledger_cmd",
    "reindex": "reindex",
    "sync": "sync",
    "learn": "learn",
    "tick": "tick",
    "check": "check",
    "hook": "hook",
    "push": "push",
    "describe": "describe",
    "gc": "gc",
    "config": "show_config",
    "help": "help_cmd",
    "completion": "completion",
}


class UpgradeGroup(click.Group):
    """A click group whose every failure is one line on stderr and a documented exit code,
    and whose commands are loaded on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command: click.Command = import_module(f"gitupgrade.cli.{module}").command
        return command

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)

        def invoke() -> Any:
            install_sigint_handler()
            check_arguments(argv)
            return super(UpgradeGroup, self).main(argv, prog_name, complete_var, standalone_mode=False, **extra)

        code = run_guarded(invoke)
        if standalone_mode:
            sys.exit(code)
        return code


@click.group("git upgrade", cls=UpgradeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="git-upgrade")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Run as if started in DIRECTORY.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A config.yaml whose self_upgrading section overrides the repository's.",
)
@click.pass_context
def cli(ctx: click.Context, directory: Path, config_file: Path | None) -> None:
    """Keep a Python codebase's architecture healthy, one validated commit at a time."""
    ctx.obj = AppContext(directory=directory, config_file=config_file)


def main() -> None:
    """Console-script entry point (``git-upgrade``, run by git as ``git upgrade``)."""
    cli(prog_name="git upgrade", complete_var="_GIT_UPGRADE_COMPLETE")
