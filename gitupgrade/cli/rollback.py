"""``git upgrade rollback ID``: undo an upgrade with a revert commit (or delete its branch)."""

from __future__ import annotations

import click

from gitupgrade.cli.completion import upgrade_ids
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.manager import UpgradeManager


@click.command("rollback")
@click.argument("upgrade_id", shell_complete=upgrade_ids("merged", "awaiting_review"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, upgrade_id: str, as_json: bool) -> None:
    """Revert a merged upgrade on its target branch; an unmerged one just loses its branch."""
    result = UpgradeManager(app.repo(), app.config_file).rollback_upgrade(upgrade_id)
    if as_json:
        print_json(result.to_dict())
        return
    out = console()
    if result.status == "deleted_branch":
        out.print(f"{upgrade_id} was not merged: {result.detail}", markup=False, soft_wrap=True)
        return
    out.print(
        f"rolled back {upgrade_id} with {str(result.revert_commit)[:10]} on {result.target_branch} "
        f"in {result.seconds:.2f}s",
        markup=False,
        soft_wrap=True,
    )
    out.print("restored files:", markup=False, soft_wrap=True)
    for path in result.restored_files:
        out.print(f"  {path}", markup=False, soft_wrap=True)
