"""``git upgrade reject ID``: delete an upgrade's branch and remember the decision."""

from __future__ import annotations

import click

from gitupgrade.cli.completion import upgrade_ids
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.manager import UpgradeManager


@click.command("reject")
@click.argument("upgrade_id", shell_complete=upgrade_ids("pending", "awaiting_review", "failed"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, upgrade_id: str, as_json: bool) -> None:
    """Reject an upgrade: its branch is deleted (kept as a backup ref) and it is not queued again."""
    result = UpgradeManager(app.repo(), app.config_file).reject(upgrade_id)
    if as_json:
        print_json(result)
        return
    kept = f"; {result['deleted_branch']} kept under refs/upgrade-backups/" if result["deleted_branch"] else ""
    console().print(f"rejected {upgrade_id}{kept}", markup=False, soft_wrap=True)
