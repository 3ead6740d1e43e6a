"""``git upgrade diff ID``: what an upgrade changes."""

from __future__ import annotations

import click
from rich.syntax import Syntax

from gitupgrade.cli.completion import upgrade_ids
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.cli.terminal import paged
from gitupgrade.ledger.text import escape
from gitupgrade.manager import UpgradeManager


@click.command("diff")
@click.argument("upgrade_id", shell_complete=upgrade_ids())
@click.option("--patch", is_flag=True, help="Show the patch.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, upgrade_id: str, patch: bool, as_json: bool) -> None:
    """Show an upgrade's type, affected modules and per-file changes (or its patch)."""
    diff = UpgradeManager(app.repo(), app.config_file).diff(upgrade_id)
    if as_json:
        print_json(diff.to_dict(with_patch=patch))
        return
    with paged():  # git's pager rules (cli/terminal.py), like git diff
        out = console()
        out.print(
            f"{escape(diff.upgrade_id)} {escape(diff.type)} ({diff.status}): {escape(diff.title)}",
            markup=False,
            soft_wrap=True,
        )
        modules = ", ".join(escape(m) for m in diff.affected_modules)
        out.print(f"affected modules: {modules or '-'}", markup=False, soft_wrap=True)
        if diff.static_checks:
            out.print(f"static checks: {diff.static_checks}", markup=False, soft_wrap=True)
        if diff.failure_type:
            out.print(f"failed validation ({diff.failure_type}): {escape(diff.detail)}", markup=False, soft_wrap=True)
        for change in diff.files:
            out.print(
                f"  {change.change:<6} {escape(change.path)} ({change.lines} lines, +{change.added} -{change.removed})",
                markup=False,
                soft_wrap=True,
            )
        if patch and out.is_terminal:
            out.print(Syntax(diff.patch, "diff", theme="ansi_dark", background_color="default", word_wrap=True))
        elif patch:
            click.echo(diff.patch, nl=False)  # piped: the plain patch, usable by `git apply`
