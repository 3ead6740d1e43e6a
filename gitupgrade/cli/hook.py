"""``git upgrade hook``: install or uninstall the pre-push gate, and the entry points hooks call."""

from __future__ import annotations

import os
import sys

import click

from gitupgrade.cli.check import finding_line, render_text
from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.errors import ExitCode
from gitupgrade.integration.check import compare, run_check
from gitupgrade.integration.hooks import HookChange, install_hook, uninstall_hook
from gitupgrade.integration.prepush import PushCheck, check_push, parse_pre_push
from gitupgrade.repo.history import merge_base

NO_VERIFY_HINT = "hint: fix the findings, or skip the check once with git push --no-verify"


@click.group("hook")
def command() -> None:
    """Install the pre-push hook that refuses pushes adding architectural smells."""


@command.command("install")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def install(app: AppContext, as_json: bool) -> None:
    """Install the pre-push hook (an existing hook is kept and still runs first)."""
    _render_change(install_hook(app.repo(), python=sys.executable), as_json)


@command.command("uninstall")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def uninstall(app: AppContext, as_json: bool) -> None:
    """Remove the pre-push hook and restore the one it replaced."""
    _render_change(uninstall_hook(app.repo()), as_json)


@command.command("run-pre-push")
@click.argument("remote")
@click.argument("url", required=False)
@pass_app
def run_pre_push(app: AppContext, remote: str, url: str | None) -> int:
    """Called by the pre-push hook: check the refs git lists on stdin."""
    repo = app.repo()
    outcome = check_push(repo, remote, parse_pre_push(sys.stdin.read()), config_file=app.config_file)
    _render_push(outcome)
    return ExitCode.OK if outcome.passed else ExitCode.FAILURE


@command.command("run-pre-commit")
@pass_app
def run_pre_commit(app: AppContext) -> int:
    """Called by pre-commit at the pre-push stage (reads PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF)."""
    repo = app.repo()
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    if not to_ref:
        result = run_check(repo, config_file=app.config_file)
    else:
        head = repo.resolve_commit(to_ref)
        from_ref = os.environ.get("PRE_COMMIT_FROM_REF")
        base = merge_base(repo, head, repo.resolve_commit(from_ref)) if from_ref else None
        result = compare(repo, base, head, app.config_file, against=from_ref or "nothing")
    render_text(result, stderr=not result.passed)
    return ExitCode.OK if result.passed else ExitCode.FAILURE


def _render_change(change: HookChange, as_json: bool) -> None:
    if as_json:
        print_json(change.to_dict())
        return
    out = console()
    if change.action == "not-installed":
        out.print(f"no pre-push hook at {change.path}; nothing to do", markup=False, soft_wrap=True)
    elif change.action == "uninstalled":
        restored = "; restored the previous hook" if change.previous else ""
        out.print(f"uninstalled {change.path}{restored}", markup=False, soft_wrap=True)
    else:
        chained = f" (runs {change.previous.name} first)" if change.previous else ""
        out.print(f"{change.action} {change.path}{chained}", markup=False, soft_wrap=True)


def _render_push(outcome: PushCheck) -> None:
    # Hook output goes to stderr: git shows it to the person pushing.
    err = console(stderr=True)
    for verdict in outcome.verdicts:
        ref = verdict.update.local_ref
        if verdict.result is None:
            err.print(f"git upgrade: {ref}: skipped ({verdict.skipped})", markup=False, soft_wrap=True)
            continue
        result = verdict.result
        since = f"since {result.base[:8]}" if result.base else "no shared history: every finding counts"
        state = "ok" if result.passed else f"{len(result.failing)} new finding(s) block the push"
        err.print(f"git upgrade: {ref}: {state} ({since})", markup=False, soft_wrap=True)
        for finding in result.new:
            err.print("  " + finding_line("new", finding, finding.rule in result.fail_on), markup=False, soft_wrap=True)
    if not outcome.passed:
        err.print(NO_VERIFY_HINT, markup=False, soft_wrap=True)
