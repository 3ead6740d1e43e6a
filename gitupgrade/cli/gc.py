"""``git upgrade gc``: prune backup refs older than backup_retention_days."""

from __future__ import annotations

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.manager import UpgradeManager


@click.command("gc")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Delete backups of failed, rejected and rolled-back upgrades past the retention period."""
    report = UpgradeManager(app.repo(), app.config_file).gc(dry_run=dry_run)
    if as_json:
        print_json(report.to_dict())
        return
    out = console()
    verb = "would remove" if dry_run else "removed"
    for name in report.removed:
        out.print(f"{verb} {name}", markup=False, soft_wrap=True)
    out.print(
        f"{verb} {len(report.removed)} backup ref(s), kept {report.kept} (retention {report.retention_days} days)",
        markup=False,
        soft_wrap=True,
    )
