"""``git upgrade run``: execute pending upgrades in priority order."""

from __future__ import annotations

import click

from gitupgrade.cli.completion import upgrade_ids
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.cli.progress import run_progress
from gitupgrade.errors import ExitCode
from gitupgrade.ledger.text import escape, redact
from gitupgrade.manager import UpgradeManager


@click.command("run")
@click.argument("ids", nargs=-1, shell_complete=upgrade_ids("pending"))
@click.option("--all", "run_all", is_flag=True, help="Run every pending upgrade (the default without IDs).")
@click.option("--max", "max_count", type=click.IntRange(min=1), help="Run at most N upgrades.")
@click.option("--batch", is_flag=True, help="Stack independent upgrades, test them once, bisect failures.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Report each stage on stderr (default: only when stderr is a terminal).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(
    app: AppContext,
    ids: tuple[str, ...],
    run_all: bool,
    max_count: int | None,
    batch: bool,
    progress: bool | None,
    as_json: bool,
) -> int:
    """Execute pending upgrades: build, validate in core_v2, merge or leave for review."""
    if ids and run_all:
        raise click.UsageError("name upgrade IDs or pass --all, not both")
    with run_progress(progress) as reporter:
        manager = UpgradeManager(app.repo(), app.config_file, progress=reporter)
        report = manager.run_batch(ids, max_count) if batch else manager.run(ids, max_count)
    code = ExitCode.FAILURE if report.baseline_failure else ExitCode.OK
    if as_json:
        print_json(report.to_dict())
        return code
    out = console()
    err = console(stderr=True)
    for message in report.messages:
        err.print(f"note: {escape(redact(message))}", markup=False, soft_wrap=True)
    if report.baseline_failure:
        err.print(f"error: {report.baseline_failure}", markup=False, soft_wrap=True)
        err.print("hint: fix the failing tests, then run git upgrade run again", markup=False, soft_wrap=True)
    if not report.outcomes and not report.baseline_failure:
        out.print("no pending upgrades")
    for outcome in report.outcomes:
        tests = outcome.tests or {}
        before, after = tests.get("baseline") or {}, tests.get("after") or {}
        counts = f" tests {before.get('passed', '-')}→{after.get('passed', '-')} passed" if tests else ""
        if outcome.static_checks:
            counts += f", static checks {outcome.static_checks['summary']}"
        why = f" ({outcome.failure_type}: {escape(redact(outcome.detail))})" if outcome.failure_type else ""
        where = f" {outcome.commit[:10]}" if outcome.commit else ""
        out.print(
            f"{escape(outcome.upgrade_id)} {outcome.status}{where}{counts} in {outcome.seconds:.1f}s{why}",
            markup=False,
            soft_wrap=True,
        )
    return code
