"""The human summary of ``git upgrade scan``."""

from __future__ import annotations

import json
import re

from tests.analysis.test_scan_cycles import CYCLIC


def test_human_summary_lines(run_cli, git_repo) -> None:
    git_repo.commit({**CYCLIC, "bad.py": "def broken(:\n"})
    result = run_cli("scan", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    commit = git_repo.head()[:10]
    assert re.fullmatch(rf"Scanned 9 modules at {commit} in \d+\.\d\d s \(10 parsed, 0 from cache\)", lines[0])
    ids = re.findall(r"\[(circular_import-[0-9a-f]{12})\]", result.stdout)
    assert lines[1:] == [
        "Suggestions: 2",
        "Circular imports: 2 (1 unsafe), deferred-only cycles: 2",
        "Duplicate patterns: 0",
        "Architectural violations: 0",
        "Unanalyzable files: 1",
        "  bad.py: syntax error at line 1: invalid syntax",
        "Top 2 suggestions:",
        f"   8  low      circular_import         Break the import cycle pkg.a, pkg.b  [{ids[0]}]",
        f"   5  low      circular_import         Break the import cycle pkg.c, pkg.d  [{ids[1]}]",
        # pkg.c <-> pkg.d binds only module objects: it imports fine, so it is report-only
        "Queued 1 upgrade(s), filtered 1 (git upgrade status lists them; git upgrade run executes them)",
    ]
    assert result.stderr == ""
    # a rescan of the same commit queues nothing new: one is already pending, one report-only
    again = run_cli("scan", cwd=git_repo.path).stdout.splitlines()
    assert again[-1] == "Queued 0 upgrade(s), filtered 2 (git upgrade status lists them; git upgrade run executes them)"


def test_scan_has_help(run_cli, tmp_path) -> None:
    result = run_cli("scan", "--help", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Usage: git upgrade scan [OPTIONS] [PATHS]..."


def test_render_scan_with_extra_lines(capsys) -> None:
    from gitupgrade.analysis import ArchitectAnalyzer
    from gitupgrade.cli.scan import render_scan
    from gitupgrade.config import default_config

    report = ArchitectAnalyzer(None, default_config()).analyze_sources({"a.py": b"x = 1\n"})
    render_scan(report, extra_lines=["Queued: 0 upgrades"])
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"Scanned 1 module at files in memory in \d+\.\d\d s \(1 parsed, 0 from cache\)", lines[0])
    assert lines[1:] == [
        "Suggestions: 0",
        "Circular imports: 0 (0 unsafe), deferred-only cycles: 0",
        "Duplicate patterns: 0",
        "Architectural violations: 0",
        "Queued: 0 upgrades",
    ]


def test_dry_run_reports_without_queueing_or_recording(run_cli, git_repo) -> None:
    git_repo.commit(CYCLIC)
    result = run_cli("scan", "--dry-run", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "Dry run: nothing queued"
    assert git_repo.git("for-each-ref", "refs/notes") == ""
    assert "queue" not in json.loads(run_cli("scan", "--dry-run", "--json", cwd=git_repo.path).stdout)
