"""Shared pieces of the analysis tests: small thresholds and a JSON scan helper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SMALL_LIMITS = """\
self_upgrading:
  analysis:
    god_class_max_methods: 3
    god_class_max_lines: 40
    god_module_max_lines: 30
    god_module_max_definitions: 6
    complexity_threshold: 4
    max_nesting_depth: 3
    duplicate_min_lines: 5
"""


def scan_json(run_cli: Any, cwd: Path, *args: str) -> dict[str, Any]:
    """Run ``git upgrade scan --json`` and return the parsed report (asserting exit 0)."""
    result = run_cli("scan", "--json", *args, cwd=cwd)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def of_type(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The report's suggestions of one type."""
    return [s for s in report["upgrade_suggestions"] if s["type"] == kind]
