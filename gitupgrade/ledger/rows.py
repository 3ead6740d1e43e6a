"""Turning one parsed event into rows of the spec's tables."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from gitupgrade.ledger import events as ev

# (commit, path) -> (blob id, sha256 checksum), or None when the file is not there.
FileResolver = Callable[[str, str], "tuple[str, str] | None"]


def insert_derived(conn: sqlite3.Connection, digest: str, event: dict[str, Any], resolve: FileResolver | None) -> None:
    """Insert the table rows an event implies (nothing for kinds without a table)."""
    kind = event["event"]
    if kind == ev.SCAN:
        _scan(conn, digest, event)
    elif kind == ev.UPGRADE_EXECUTED:
        _execution(conn, digest, event, resolve)
    elif kind == ev.ROLLBACK:
        conn.execute(
            "INSERT OR IGNORE INTO rollback_operations VALUES (?,?,?,?,?,?,?,?)",
            (
                digest,
                event["ts"],
                event.get("upgrade_id"),
                event.get("revert_commit"),
                event.get("status"),
                _number(event.get("seconds")),
                json.dumps(event.get("restored_files") or []),
                json.dumps(event.get("conflicts") or []),
            ),
        )
    elif kind == ev.LEARNING:
        conn.execute(
            "INSERT OR IGNORE INTO upgrade_learning VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                digest,
                event["ts"],
                event.get("type"),
                event.get("package"),
                _number(event.get("attempts")),
                _number(event.get("successes")),
                _number(event.get("estimate")),
                _text(event.get("trust_before")),
                _text(event.get("trust_after")),
                _text(event.get("reason")),
            ),
        )


def _scan(conn: sqlite3.Connection, digest: str, event: dict[str, Any]) -> None:
    summary = _dict(event.get("summary"))
    queued = event.get("queued")
    conn.execute(
        "INSERT OR IGNORE INTO upgrade_scans VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            digest,
            event["ts"],
            event.get("commit"),
            _number(summary.get("modules")),
            _number(summary.get("suggestions")),
            _number(summary.get("circular_imports")),
            _number(summary.get("violations")),
            _number(summary.get("seconds")),
            len(queued) if isinstance(queued, list) else _number(queued),
            _number(event.get("filtered")),
        ),
    )


def _execution(conn: sqlite3.Connection, digest: str, event: dict[str, Any], resolve: FileResolver | None) -> None:
    tests = _dict(event.get("tests"))
    baseline = _dict(tests.get("baseline"))
    after = _dict(tests.get("after"))
    quality = _dict(event.get("quality"))
    upgrade_id = event.get("upgrade_id")
    conn.execute(
        "INSERT OR IGNORE INTO upgrade_executions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            digest,
            event["ts"],
            upgrade_id,
            event.get("status"),
            event.get("type"),
            event.get("risk_level"),
            event.get("branch"),
            event.get("commit"),
            event.get("base_commit"),
            event.get("failure_type"),
            _text(event.get("detail")),
            _number(event.get("seconds")),
            _text(event.get("strategy")),
            _number(baseline.get("passed")),
            _number(baseline.get("failed")),
            _number(after.get("passed")),
            _number(after.get("failed")),
            _number(quality.get("smells_before")),
            _number(quality.get("smells_after")),
            _number(quality.get("complexity_before")),
            _number(quality.get("complexity_after")),
        ),
    )
    _file_changes(conn, digest, event, resolve)


def _file_changes(conn: sqlite3.Connection, digest: str, event: dict[str, Any], resolve: FileResolver | None) -> None:
    """The files an execution changed, and the version of each at its commit."""
    files = event.get("files")
    files = files if isinstance(files, list) else []
    commit = event.get("commit")
    recorded = _recorded_versions(event)
    for item in files:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        conn.execute(
            "INSERT OR IGNORE INTO file_changes VALUES (?,?,?,?,?,?)",
            (
                digest,
                event.get("upgrade_id"),
                item["path"],
                _text(item.get("change")),
                _number(item.get("added")),
                _number(item.get("removed")),
            ),
        )
        if not isinstance(commit, str) or item.get("change") == "DELETE":
            continue
        found = _file_version(event, recorded, commit, item["path"], resolve)
        if found is not None:
            conn.execute(
                "INSERT OR IGNORE INTO file_versions VALUES (?,?,?,?)", (item["path"], found[0], commit, found[1])
            )


def _recorded_versions(event: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """path -> (blob, sha256) of the file versions an event carries (events this ledger wrote do)."""
    return {
        v["path"]: (v["blob"], v.get("sha256"))
        for v in event.get("file_versions") or ()
        if isinstance(v, dict) and isinstance(v.get("path"), str) and isinstance(v.get("blob"), str)
    }


def _file_version(
    event: dict[str, Any],
    recorded: dict[str, tuple[str, str | None]],
    commit: str,
    path: str,
    resolve: FileResolver | None,
) -> tuple[str, str | None] | None:
    """The version of ``path`` at ``commit``: as the event records it, else looked up in git."""
    if path in recorded:
        return recorded[path]
    if "file_versions" in event:
        return None  # the writer found no such file at that commit
    return resolve(commit, path) if resolve is not None else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | int | None:
    # A hand-edited or newer note may carry anything; the index keeps only numbers here.
    if isinstance(value, bool):
        return int(value)
    return value if isinstance(value, int | float) else None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)
