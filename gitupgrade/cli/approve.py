"""``git upgrade approve ID``: merge a reviewed upgrade."""

from __future__ import annotations

import click

from gitupgrade.cli.completion import upgrade_ids
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.errors import ExitCode
from gitupgrade.ledger.text import escape
from gitupgrade.manager import UpgradeManager


@click.command("approve")
@click.argument("upgrade_id", shell_complete=upgrade_ids("awaiting_review"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, upgrade_id: str, as_json: bool) -> int:
    """Merge a reviewed upgrade (revalidated on the new tip if the target moved)."""
    outcome = UpgradeManager(app.repo(), app.config_file).approve(upgrade_id)
    code = ExitCode.OK if outcome.status == "merged" else ExitCode.FAILURE
    if as_json:
        print_json(outcome.to_dict())
        return code
    if outcome.status == "merged":
        how = "fast-forward" if outcome.fast_forward else "merge commit"
        console().print(
            f"merged {escape(upgrade_id)} ({how} {str(outcome.merge_commit)[:10]})", markup=False, soft_wrap=True
        )
    else:
        console(stderr=True).print(
            f"error: {escape(upgrade_id)} not merged: {outcome.status} ({outcome.failure_type}): "
            f"{escape(outcome.detail)}",
            markup=False,
            soft_wrap=True,
        )
    return code
