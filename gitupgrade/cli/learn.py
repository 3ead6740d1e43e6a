"""``git upgrade learn``: the outcome model per type, its trust and why, and what changed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from gitupgrade.cli import outcome_view
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json, print_table
from gitupgrade.learning import Learner, LearningReport
from gitupgrade.learning.learner import STATE_FILE
from gitupgrade.learning.schedule import parse_time
from gitupgrade.ledger import UpgradeLedger

if TYPE_CHECKING:
    from rich.console import Console


def open_learner(app: AppContext) -> tuple[UpgradeLedger, Learner]:
    """The ledger and learner of the repository of ``app``, configured from HEAD's config."""
    repo = app.repo()
    config = app.config(repo, repo.resolve_commit("HEAD"))
    ledger = UpgradeLedger(repo, config)
    return ledger, Learner(ledger, config, state_path=repo.state_dir / STATE_FILE)


def parse_now(value: str | None) -> datetime | None:
    """The hidden ``--now`` option (ISO 8601) as a UTC datetime, for tests and dry runs."""
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 time: {value}", param_hint="--now") from exc


@click.command("learn")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--now", "now_text", hidden=True, help="Pretend the time is NOW (ISO 8601).")
@pass_app
def command(app: AppContext, as_json: bool, now_text: str | None) -> None:
    """Learn from upgrade outcomes: success estimate and trust per type, and what changed."""
    ledger, learner = open_learner(app)
    try:
        report = learner.learn_from_outcomes(parse_now(now_text))
    finally:
        ledger.close()
    if as_json:
        print_json(report.to_dict())
    else:
        render(report)


def render(report: LearningReport) -> None:
    """The report for people."""
    out = console()
    out.soft_wrap = True  # long reasons stay whole lines
    switches = ", ".join(
        [
            f"adaptive thresholds {'on' if report.adaptive_thresholds else 'off'}",
            f"outcome-based scoring {'on' if report.outcome_based_scoring else 'off'}",
        ]
        + [
            f"{name} off"
            for name, on in (
                ("success pattern tracking", report.success_pattern_tracking),
                ("failure pattern analysis", report.failure_pattern_analysis),
            )
            if not on
        ]
    )
    if not report.learning_enabled:
        switches = "learning disabled: nothing below changes priority or approval"
    attempts = sum(t.attempts for t in report.types)
    out.print(f"Learned from {attempts} upgrade{'s' if attempts != 1 else ''} ({switches})", style="bold")
    if report.skipped:
        count = len(report.skipped)
        out.print(
            f"  skipped {count} upgrade{'s' if count != 1 else ''} another clone reported: "
            "not validated here and no merge on the target branch shows them",
            markup=False,
        )
    if not report.types:
        out.print("  no upgrade has finished yet")
        if report.outcomes and report.outcomes["refused"]:
            _print_outcomes(out, report)  # refusals are outcomes too, as ledger shows them
        return
    header: tuple[str, ...] = ("type", "attempts", "successes", "estimate", "trust", "failures")
    rows: list[tuple[str, ...]] = [
        (
            t.type,
            str(t.attempts),
            str(t.successes),
            f"{t.estimate:.2f}",
            t.trust,
            ", ".join(f"{k} {v}" for k, v in sorted(t.failure_types.items())) or "-",
        )
        for t in report.types
    ]
    if not report.failure_pattern_analysis:
        header, rows = header[:-1], [row[:-1] for row in rows]
    print_table(out, header, rows)
    _print_outcomes(out, report)
    out.print()
    out.print("Trust", style="bold")
    for t in report.types:
        out.print(f"  {t.type}: {t.trust_reason}", markup=False)
    if report.packages:
        out.print()
        out.print("By top-level package", style="bold")
        print_table(
            out,
            ("package", "attempts", "successes", "estimate"),
            [(p.package, str(p.attempts), str(p.successes), f"{p.estimate:.2f}") for p in report.packages],
        )
    out.print()
    if report.previous_run is None:
        out.print("Since the last run: first run, nothing to compare with", style="bold")
    else:
        out.print(f"Since the last run ({report.previous_run})", style="bold")
        changes = [t for t in report.types if t.change]
        for t in changes:
            out.print(f"  {t.type}: {t.change}", markup=False)
        if not changes:
            out.print("  nothing changed")
    if report.recorded:
        out.print()
        out.print("Trust changes recorded in the ledger", style="bold")
    for event in report.recorded:
        out.print(
            f"  {event['type']}: {event['trust_before']} -> {event['trust_after']} ({event['reason']})", markup=False
        )
    if report.recommendations:
        out.print()
        out.print("Recommendations", style="bold")
    for line in report.recommendations:
        out.print(f"  {line}", markup=False)


def _print_outcomes(out: Console, report: LearningReport) -> None:
    """The outcome words, as ``ledger`` prints them (docs/outcomes.md)."""
    if report.outcomes:
        out.print()
        out.print(f"Outcomes: {outcome_view.summary(report.outcomes)}", style="bold", markup=False)
        print_table(out, outcome_view.HEADER, outcome_view.type_rows(report.outcomes["by_type"]))
