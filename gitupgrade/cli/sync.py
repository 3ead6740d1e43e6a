"""``git upgrade sync``: share the ledger with a remote (fetch, cat_sort_uniq merge, push)."""

from __future__ import annotations

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.ledger_cmd import open_ledger, print_warnings
from gitupgrade.cli.output import console, print_json


@click.command("sync")
@click.argument("remote", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, remote: str | None, as_json: bool) -> None:
    """Merge REMOTE's ledger (default: integration.remote) into ours and push the result."""
    ledger = open_ledger(app)
    result = ledger.sync(remote)
    print_warnings(ledger)
    if as_json:
        print_json(result)
        return
    name = result["remote"]
    tip = result["tip_after"][:10] if result["tip_after"] else "no notes yet"
    fetched = f"merged {name}'s ledger" if result["fetched"] else f"{name} had no ledger yet"
    pushed = "pushed" if result["pushed"] else "nothing to push"
    console().print(f"{fetched}, {pushed}: notes at {tip}, {result['events_indexed']} new events indexed")
