"""The last scan's report, kept so that a scan of the same tree with the same settings reads it back.

A warm scan takes every file's facts from the facts cache, but still assembles the
import graph, the clones, the cycles and the rules again: most of its time, for a
result that depends only on those facts (so on the tree), the configuration, the
targets and the tool's code. When all of them are those of the last scan, the report
is read back whole instead.

The key hashes the tree id, the effective configuration, the targets and the tool's
code (:func:`~gitupgrade.code_version.code_version`), so a stored report can never be
read for anything else: a change to any of them is another key. One file under the
state dir holds one report (the key on its first line, the report as JSON after it);
a file that is unreadable, damaged or of another key is ignored, and the next scan
replaces it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitupgrade.analysis.report import AnalysisReport
from gitupgrade.code_version import code_version
from gitupgrade.files import write_atomically
from gitupgrade.suggestion import Suggestion

REPORT_FILE = "last-report.json"
_FORMAT = 1


def report_key(tree_id: str, config: Mapping[str, Any], targets: tuple[str, ...]) -> str:
    """The key of the report of tree ``tree_id`` scanned with ``config`` for ``targets``."""
    settings = json.dumps(dict(config), sort_keys=True, default=repr)
    payload = json.dumps([_FORMAT, code_version(), tree_id, list(targets), settings])
    return hashlib.sha256(payload.encode()).hexdigest()


def load_report(state_dir: Path, key: str, commit: str, rev: str) -> AnalysisReport | None:
    """The stored report of ``key`` as a scan of ``commit`` named ``rev``; None when there is none.

    Its metadata then says what this scan did: every file's facts came from a cache
    (as a warm scan would report them), none was parsed.
    """
    try:
        with (state_dir / REPORT_FILE).open("rb") as handle:
            if handle.readline().rstrip(b"\n") != key.encode():
                return None
            data = json.loads(handle.read())
        modules, issues, meta = data["modules"], data["global_issues"], data["metadata"]
        if not all(isinstance(part, dict) for part in (modules, issues, meta)):
            return None
        suggestions = [Suggestion.from_dict(item) for item in data["suggestions"]]
        # Assigned in place, so the keys keep the order of a report assembled now.
        meta["commit"], meta["rev"] = commit, rev
        meta["cache_hits"] = int(meta["files_parsed"]) + int(meta["cache_hits"])
        meta["files_parsed"] = 0
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # damaged or written by something else: the scan assembles it again
    return AnalysisReport(modules, issues, suggestions, meta)


def store_report(state_dir: Path, key: str, report: AnalysisReport) -> None:
    """Keep ``report`` as the one for ``key``, replacing the last; a failure to write is ignored."""
    data = {
        "modules": report.modules,
        "global_issues": report.global_issues,
        "suggestions": [s.to_dict() for s in report.suggestions],
        "metadata": report.metadata,
    }
    try:
        text = json.dumps(data, separators=(",", ":"))
    except (TypeError, ValueError):
        return  # not plain JSON data: it could not be read back the same, so it is not kept
    # A concurrent reader sees the old report or the new one.
    with contextlib.suppress(OSError):
        write_atomically(state_dir / REPORT_FILE, f"{key}\n{text}")
