"""``git upgrade status``: the queue, the last and next scan, and recent upgrades."""

from __future__ import annotations

from typing import Any

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
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
    out = console()
    queue = status["queue"]
    out.print(
        f"queue: {queue['pending']} pending, {queue['in_progress']} in progress, "
        f"{queue['completed_today']} completed today",
        markup=False,
        soft_wrap=True,
    )
    scan = status["last_scan"]
    out.print(
        "last scan: "
        + (
            f"{scan['ts']} at {str(scan['commit'])[:10]}: {scan['suggestions']} suggestions, {scan['queued']} queued"
            if scan
            else "never"
        ),
        markup=False,
        soft_wrap=True,
    )
    upgrades = "with auto-approved upgrades" if status["auto_upgrade"] else "scan only: auto_upgrade_enabled is false"
    when = (
        f"{status['next_auto_scan']} by git upgrade tick ({upgrades})"
        if status["next_auto_scan"]
        else "never (manual schedule)"
    )
    out.print(f"next auto scan: {when}", markup=False, soft_wrap=True)
    if status["recovered"]:
        out.print(status["recovered"], markup=False, soft_wrap=True)
    if status["runner"]:
        out.print(f"running: {status['runner']}", markup=False, soft_wrap=True)
    for title, rows in (
        ("pending", status["pending"]),
        ("in progress", status["in_progress"]),
        ("awaiting review", status["awaiting_review"]),
    ):
        if rows:
            out.print(f"{title}:", markup=False, soft_wrap=True)
            for row in rows:
                out.print(
                    f"  {escape(row['id'])}  p{shown_priority(row['priority'])}  {escape(row['title'])}",
                    markup=False,
                    soft_wrap=True,
                )
    if status["recently_completed"]:
        out.print("recently completed:", markup=False, soft_wrap=True)
        for row in status["recently_completed"]:
            why = f" ({row['failure_type']})" if row["failure_type"] else ""
            out.print(
                f"  {escape(row['id'])}  {row['status']}{why}  {escape(row['title'])}", markup=False, soft_wrap=True
            )
