"""``git upgrade check``: the smells a change adds, as text, JSON, SARIF or GitHub annotations."""

from __future__ import annotations

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.errors import ExitCode
from gitupgrade.integration.annotations import to_annotations
from gitupgrade.integration.check import CheckResult, run_check
from gitupgrade.integration.findings import Finding
from gitupgrade.integration.sarif import to_sarif

FORMATS = ("text", "json", "sarif", "github")


@click.command("check")
@click.option(
    "--against",
    metavar="REV",
    default=None,
    help="Compare with the merge-base of HEAD and REV  [default: the upstream branch]",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json, sarif (SARIF 2.1.0) or github (workflow annotations).",
)
@pass_app
def command(app: AppContext, against: str | None, fmt: str) -> int:
    """Report only the findings HEAD adds; exit 1 when one is in check.fail_on."""
    result = run_check(app.repo(), against, config_file=app.config_file)
    if fmt == "json":
        print_json(result.to_dict())
    elif fmt == "sarif":
        print_json(to_sarif(result.new, result.fail_on, revision=result.head))
    elif fmt == "github":
        for line in to_annotations(result.new, result.fail_on):
            click.echo(line)
        click.echo(summary_line(result))
    else:
        render_text(result)
    return ExitCode.OK if result.passed else ExitCode.FAILURE


def render_text(result: CheckResult, stderr: bool = False) -> None:
    """The people's view: a header, one line per new or fixed finding, a summary."""
    out = console(stderr=stderr)
    base = result.base[:8] if result.base else "none"
    out.print(f"check {result.head[:8]} against {result.against} (merge-base {base})", markup=False, soft_wrap=True)
    for finding in result.new:
        out.print(finding_line("new", finding, finding.rule in result.fail_on), markup=False, soft_wrap=True)
    for finding in result.fixed:
        out.print(finding_line("fixed", finding, False), markup=False, soft_wrap=True)
    out.print(summary_line(result), markup=False, soft_wrap=True)


def finding_line(state: str, finding: Finding, failing: bool) -> str:
    """``new   error    circular_import  pkg/a.py:3  import cycle pkg.a -> pkg.b -> pkg.a``."""
    level = "error" if failing else ("warning" if state == "new" else "")
    return f"{state:<6}{level:<9}{finding.rule:<24}{finding.where}  {finding.message}"


def summary_line(result: CheckResult) -> str:
    """``1 new (1 failing), 0 fixed, 3 unchanged: failed``."""
    verdict = "passed" if result.passed else "failed"
    return (
        f"{len(result.new)} new ({len(result.failing)} failing), {len(result.fixed)} fixed, "
        f"{result.unchanged} unchanged: {verdict}"
    )
