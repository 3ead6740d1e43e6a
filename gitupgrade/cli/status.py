"""``git upgrade status``: the queue, the last and next scan, and recent upgrades."""

from __future__ import annotations

from typing import Any

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import print_json, print_line
from gitupgrade.cli.terminal import paged
from gitupgrade.ledger.text import escape
from gitupgrade.manager import UpgradeManager
from gitupgrade.repo.merge_recovery import take_last_recovery
from gitupgrade.suggestion import shown_priority


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, as_json: bool) -> None:
    """Show queue counts, last scan, next auto scan, pending, in progress and recent upgrades."""
    repo = app.repo()
    status = UpgradeManager(repo, app.config_file).get_upgrade_status()
    status["recovered"] = take_last_recovery(repo)
    if as_json:
        print_json(status)
        return
    with paged():  # git's pager rules (cli/terminal.py), like git status
        render(status)


def render(status: dict[str, Any]) -> None:
    """The status for people."""
    queue = status["queue"]
    print_line(
        f"queue: {queue['pending']} pending, {queue['in_progress']} in progress, "
        f"{queue['completed_today']} completed today"
    )
    scan = status["last_scan"]
    print_line(
        "last scan: "
        + (
            f"{scan['ts']} at {str(scan['commit'])[:10]}: {scan['suggestions']} suggestions, {scan['queued']} queued"
            if scan
            else "never"
        )
    )
    upgrades = "with auto-approved upgrades" if status["auto_upgrade"] else "scan only: auto_upgrade_enabled is false"
    when = (
        f"{status['next_auto_scan']} by git upgrade tick ({upgrades})"
        if status["next_auto_scan"]
        else "never (manual schedule)"
    )
    print_line(f"next auto scan: {when}")
    if status["recovered"]:
        print_line(status["recovered"])
    if status["runner"]:
        print_line(f"running: {status['runner']}")
    for title, rows in (
        ("pending", status["pending"]),
        ("in progress", status["in_progress"]),
        ("awaiting review", status["awaiting_review"]),
    ):
        if rows:
            print_line(f"{title}:")
            for row in rows:
                print_line(f"  {escape(row['id'])}  p{shown_priority(row['priority'])}  {escape(row['title'])}")
    if status["recently_completed"]:
        print_line("recently completed:")
        for row in status["recently_completed"]:
            why = f" ({row['failure_type']})" if row["failure_type"] else ""
            print_line(f"  {escape(row['id'])}  {row['status']}{why}  {escape(row['title'])}")
