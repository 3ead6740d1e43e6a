"""``git upgrade reindex``: rebuild the ledger's SQLite index from the notes."""

from __future__ import annotations

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.ledger_cmd import open_ledger, print_warnings
from gitupgrade.cli.output import console, print_json


@click.command("reindex")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, as_json: bool) -> None:
    """Rebuild the ledger index from refs/notes/upgrades."""
    ledger = open_ledger(app)
    result = ledger.reindex()
    print_warnings(ledger)
    if as_json:
        print_json(result)
        return
    tip = result["notes_tip"][:10] if result["notes_tip"] else "no notes"
    skipped = f", skipped {result['skipped']} malformed lines" if result["skipped"] else ""
    console().print(
        f"reindexed {result['events']} events from {result['notes']} notes "
        f"(notes at {tip}){skipped} in {result['seconds']:.2f} s"
    )
