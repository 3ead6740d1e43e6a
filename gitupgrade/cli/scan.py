"""``git upgrade scan``: find architectural smells in a commit and list the ranked suggestions."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, is_interactive, print_json, print_line
from gitupgrade.errors import UserError
from gitupgrade.repo import GitRepo
from gitupgrade.suggestion import shown_priority

if TYPE_CHECKING:
    from gitupgrade.analysis import AnalysisReport

TOP_SUGGESTIONS = 10


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rev", default="HEAD", show_default=True, help="Commit to scan (its blobs, not the working tree).")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--dry-run", is_flag=True, help="Only report: queue nothing and record nothing in the ledger.")
@pass_app
def command(app: AppContext, paths: tuple[Path, ...], rev: str, as_json: bool, dry_run: bool) -> None:
    """Scan a commit for architectural smells, queue the fixes; PATH limits the report to files or folders."""
    repo = app.repo()
    targets = [repo_relative(repo, app.directory, path) for path in paths]
    if dry_run:
        from gitupgrade.analysis import ArchitectAnalyzer

        config = app.config(repo, repo.resolve_commit(rev))
        with progress_bar() as progress:
            report = ArchitectAnalyzer(repo, config).analyze_codebase(
                targets or None, rev=rev, progress=progress, reuse=True
            )
        if as_json:
            print_json(report.to_dict())
        else:
            render_scan(report, ["Dry run: nothing queued"])
        return
    from gitupgrade.manager import UpgradeManager

    with progress_bar() as progress:
        outcome = UpgradeManager(repo, app.config_file).trigger_scan(targets or None, rev=rev, progress=progress)
    queued = {
        "queued": list(outcome.queued),
        "filtered": [{"suggestion_id": sid, "reason": why} for sid, why in outcome.filtered],
    }
    if as_json:
        print_json({**outcome.report.to_dict(), "queue": queued})
    else:
        render_scan(
            outcome.report,
            [
                f"Queued {len(outcome.queued)} upgrade(s), filtered {outcome.filtered_count} "
                "(git upgrade status lists them; git upgrade run executes them)"
            ],
        )


def repo_relative(repo: GitRepo, directory: Path, path: Path) -> str:
    """A PATH argument (relative to where the command runs) as a repository-relative path."""
    if repo.workdir is None:  # bare repository: paths are already repository paths
        return path.as_posix()
    root = repo.workdir.resolve()
    absolute = Path(os.path.normpath(directory.resolve() / path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise UserError(f"{path} is outside the repository {root}") from None


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A parsing progress bar on stderr, only when stderr is a terminal."""
    if not is_interactive():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("parsing", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def render_scan(report: AnalysisReport, extra_lines: list[str] | None = None) -> None:
    """The human summary of a scan (reused by commands that scan through the manager)."""
    meta = report.metadata
    summary = report.summary()
    issues = report.global_issues
    unsafe = sum(1 for c in issues["circular_imports"] if c.get("unsafe"))
    commit = (meta.get("commit") or "")[:10] or "files in memory"

    modules = summary["modules"]
    print_line(
        f"Scanned {modules} module{'' if modules == 1 else 's'} at {commit} in {meta.get('seconds', 0):.2f} s "
        f"({meta.get('files_parsed', 0)} parsed, {meta.get('cache_hits', 0)} from cache)"
    )
    print_line(f"Suggestions: {summary['suggestions']}")
    print_line(
        f"Circular imports: {summary['circular_imports']} ({unsafe} unsafe), "
        f"deferred-only cycles: {len(issues.get('deferred_cycles', []))}"
    )
    print_line(f"Duplicate patterns: {summary['duplicate_patterns']}")
    print_line(f"Architectural violations: {summary['violations']}")
    bad = [(path, m["reason"]) for path, m in report.modules.items() if not m["analyzable"]]
    if bad:
        print_line(f"Unanalyzable files: {len(bad)}")
        for path, reason in bad[:TOP_SUGGESTIONS]:
            print_line(f"  {path}: {reason}")
    if report.suggestions:
        shown = report.suggestions[:TOP_SUGGESTIONS]
        print_line(f"Top {len(shown)} suggestions:")
        for suggestion in shown:
            print_line(
                f"  {shown_priority(suggestion.priority):>2}  {suggestion.risk_level:<8} {suggestion.type:<23} "
                f"{suggestion.title}  [{suggestion.id}]"
            )
    for extra in extra_lines or []:
        print_line(extra)
