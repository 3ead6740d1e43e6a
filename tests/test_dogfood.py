"""Dogfood: gitupgrade holds its own code to the standard it sells.

The real analyzer scans this repository's ``gitupgrade/`` package, as it is in the
working tree (so a cycle fails the suite before it is committed) and, through the
real CLI, as it is at HEAD; any import cycle or god class fails the suite.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from gitupgrade.analysis import ArchitectAnalyzer
from gitupgrade.config import load_config
from gitupgrade.integration.findings import finding_from_suggestion
from gitupgrade.suggestion import Suggestion
from tests.conftest import PROJECT_ROOT, run_cli_subprocess

PACKAGE = "gitupgrade"
FORBIDDEN = ("circular_import", "god_class")


def _offences(suggestions: list[Suggestion]) -> list[str]:
    found = []
    for suggestion in suggestions:
        if suggestion.type in FORBIDDEN and any(p.startswith(f"{PACKAGE}/") for p in suggestion.affected_modules):
            finding = finding_from_suggestion(suggestion)
            found.append(f"{finding.rule} {finding.where}: {finding.message}")
    return found


def test_working_tree_package_has_no_import_cycle_or_god_class() -> None:
    files = {
        path.relative_to(PROJECT_ROOT).as_posix(): path.read_bytes() for path in (PROJECT_ROOT / PACKAGE).rglob("*.py")
    }
    config = load_config(override_file=PROJECT_ROOT / "config.yaml")
    report = ArchitectAnalyzer(None, config).analyze_sources(files)
    summary = report.summary()
    assert (summary["modules"] > len(files) // 2, summary["unanalyzable"]) == (True, 0)
    assert _offences(report.suggestions) == []


def _has_commits() -> bool:
    done = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--verify", "-q", "HEAD"], capture_output=True, text=True
    )
    return done.returncode == 0


@pytest.mark.skipif(not _has_commits(), reason="not a git checkout (e.g. an unpacked sdist)")
def test_git_upgrade_scan_of_head_finds_no_import_cycle_or_god_class() -> None:
    # --dry-run: the suite must not queue upgrades or write notes in the developer's repository
    done = run_cli_subprocess("scan", PACKAGE, "--json", "--dry-run", cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    suggestions = [Suggestion.from_dict(item) for item in report["upgrade_suggestions"]]
    assert report["summary"]["modules"] > 0
    assert _offences(suggestions) == []
