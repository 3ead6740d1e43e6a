"""``git upgrade ledger``: the overview of everything the ledger recorded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console

from gitupgrade.cli import outcome_view
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json, print_table
from gitupgrade.cli.terminal import paged
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.ledger.text import escape


def open_ledger(app: AppContext) -> UpgradeLedger:
    """The ledger of the repository of ``app``, configured from HEAD's config."""
    repo = app.repo()
    return UpgradeLedger(repo, app.config(repo, repo.resolve_commit("HEAD")))


def print_warnings(ledger: UpgradeLedger) -> None:
    """Say on stderr which note lines were skipped (each once, when first indexed)."""
    for warning in ledger.warnings:
        click.echo(f"warning: {escape(warning)}", err=True)


@click.command("ledger")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, as_json: bool) -> None:
    """Show totals, success rates, indicators and failure patterns of all upgrades."""
    ledger = open_ledger(app)
    overview = ledger.overview()
    print_warnings(ledger)
    if as_json:
        print_json(overview)
    else:
        with paged():
            render(overview)


def render(overview: dict[str, Any]) -> None:
    """The overview for people."""
    out = console()
    out.soft_wrap = True  # long lines stay whole lines
    st, ind, fa = overview["statistics"], overview["indicators"], overview["failure_analysis"]
    by_status = st["by_status"]
    out.print("Upgrade ledger", style="bold")
    out.print(f"  upgrades executed: {st['total_upgrades']} ({outcome_view.summary(st)})")
    out.print("  by status: " + (", ".join(f"{k} {v}" for k, v in by_status.items()) or "none"))
    out.print(f"  last 30 days: {st['recent_upgrades']}")
    out.print(f"  rollbacks: {st['rollbacks']} (frequency {ind['rollback_frequency']:.1%} of the upgrades ever merged)")
    seconds = ind["average_execution_seconds"]
    out.print(f"  average execution time: {'-' if seconds is None else f'{seconds:.1f} s'}")
    files = st["file_changes"]
    out.print(f"  file changes: {files['total_changes']} in {files['unique_files']} unique files")
    q = ind["quality"]
    out.print(
        f"  code quality of merged upgrades: smells {q['smells_before']} -> {q['smells_after']}, "
        f"complexity {q['complexity_before']} -> {q['complexity_after']}, "
        f"technical debt removed {q['technical_debt_removed']}"
    )
    scan = overview["last_scan"]
    if scan:
        summary = scan.get("summary") or {}
        out.print(
            f"  last scan: {scan['ts']} on {str(scan.get('commit'))[:10]}: "
            f"{summary.get('suggestions', '?')} suggestions, {len(scan.get('queued') or [])} queued, "
            f"{scan.get('filtered', 0)} filtered"
        )
    else:
        out.print("  last scan: never")
    if st["type_statistics"]:
        _table(out, "By type", outcome_view.HEADER, outcome_view.type_rows(st["type_statistics"]))
    elif st["type_statistics"] is None:
        out.print()
        out.print("By type: off (learning.success_pattern_tracking)", style="bold")
    if overview["last_upgrades"]:
        rows = [
            (
                escape(u["id"]),
                escape(u["type"] or "-"),
                u["status"] + (f" ({u['failure_type']})" if u["failure_type"] else ""),
                u["updated"],
            )
            for u in overview["last_upgrades"]
        ]
        _table(out, "Last upgrades", ("id", "type", "status", "updated"), rows)
    out.print()
    if fa is None:
        out.print("Failure analysis: off (learning.failure_pattern_analysis)", style="bold")
        return
    out.print(f"Failure analysis: {fa['total_failures']} failed or refused executions", style="bold")
    for kind, count in fa["failure_types"].items():
        out.print(f"  {escape(kind)}: {count}", markup=False)
    for line in fa["recommendations"]:
        out.print(f"  recommendation: {escape(line)}", markup=False)


def _table(out: Console, title: str, header: tuple[str, ...], rows: Sequence[Sequence[str]]) -> None:
    out.print()
    out.print(title, style="bold")
    print_table(out, header, rows)
