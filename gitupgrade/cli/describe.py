"""``git upgrade describe``: the pull-request body of an upgrade, in markdown or JSON."""

from __future__ import annotations

import click

from gitupgrade.cli.completion import upgrade_ids
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import print_json
from gitupgrade.integration.describe import describe_upgrade, render_markdown
from gitupgrade.ledger import UpgradeLedger


@click.command("describe")
@click.argument("upgrade_id", metavar="ID", shell_complete=upgrade_ids())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("markdown", "json")),
    default="markdown",
    show_default=True,
    help="markdown for a pull request, json for tools.",
)
@pass_app
def command(app: AppContext, upgrade_id: str, fmt: str) -> None:
    """Write the pull-request body of upgrade ID: what and why, risk, validation, diffstat, rollback."""
    repo = app.repo()
    config = app.config(repo, repo.resolve_commit("HEAD"))
    ledger = UpgradeLedger(repo, config)
    try:
        facts = describe_upgrade(ledger, config, upgrade_id.removeprefix("upgrade/"))
    finally:
        ledger.close()
    if fmt == "json":
        print_json(facts)
    else:
        # Plain text on purpose: markdown goes to a pull request, not through rich.
        click.echo(render_markdown(facts), nl=False)
