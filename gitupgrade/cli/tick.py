"""``git upgrade tick``: scan when the schedule says so (for cron and CI schedules)."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.learn import parse_now
from gitupgrade.cli.output import console, print_json
from gitupgrade.learning import Learner
from gitupgrade.learning.learner import STATE_FILE
from gitupgrade.learning.ticker import TickResult, tick
from gitupgrade.ledger.text import escape, redact


@click.command("tick")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (also when nothing was due).")
@click.option("-v", "--verbose", is_flag=True, help="Say when the next scan is due when nothing is.")
@click.option("--now", "now_text", hidden=True, help="Pretend the time is NOW (ISO 8601).")
@pass_app
def command(app: AppContext, as_json: bool, verbose: bool, now_text: str | None) -> None:
    """Scan if one is due (scan_schedule, scan_interval_hours); with auto_upgrade_enabled, run
    the auto-approved upgrades. Prints nothing and exits 0 when nothing is due."""
    # Imported here: the manager pulls in the analyzer and refactorer, which `--help` never needs.
    from gitupgrade.manager import UpgradeManager

    repo = app.repo()
    manager = UpgradeManager(repo, app.config_file)
    config = manager.config_at(repo.resolve_commit("HEAD"))
    learner = Learner(manager.ledger, config, state_path=repo.state_dir / STATE_FILE)
    try:
        result = tick(manager, learner, config, parse_now(now_text) or datetime.now(UTC))
    finally:
        manager.ledger.close()
    if as_json:
        print_json(result.to_dict())
    else:
        render(result, verbose)


def render(result: TickResult, verbose: bool) -> None:
    """One line per thing done; nothing at all when nothing was due (unless verbose)."""
    out = console()
    out.soft_wrap = True
    if not result.due:
        if verbose:
            when = result.next_scan or f"never ({result.schedule} schedule)"
            out.print(f"no scan due; next scan: {when}", markup=False)
        return
    out.print(
        f"scanned {result.scanned_commit[:10] if result.scanned_commit else '?'}: "
        f"{result.suggestions} suggestions, {len(result.queued)} queued, {result.filtered} filtered",
        markup=False,
    )
    for outcome in result.ran:
        failure = f" ({outcome['failure_type']})" if outcome.get("failure_type") else ""
        out.print(f"{escape(outcome['upgrade_id'])}: {outcome['status']}{failure}", markup=False)
    if result.auto_upgrade:
        for upgrade_id, reason in result.left_for_review:
            out.print(f"{escape(upgrade_id)}: left for review ({escape(reason)})", markup=False)
    for message in result.messages:
        out.print(escape(redact(message)), markup=False)
    out.print(f"next scan: {result.next_scan or f'never ({result.schedule} schedule)'}", markup=False)
