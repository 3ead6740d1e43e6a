"""The ledger's numbers: statistics, failure patterns with recommendations, indicators.

All of them are SQL over the index, so ``git upgrade ledger`` stays fast with
thousands of upgrades. The outcome words (attempted, merged, failed, refused) and the
success rate (merged / attempted) are those of :func:`gitupgrade.outcomes.tally`, which
``git upgrade learn`` counts with too (docs/outcomes.md).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from gitupgrade.outcomes import FAILURE_STATUSES, tally

RECENT_DAYS = 30
LAST_UPGRADES = 10
# A type whose failure rate reaches this (with enough attempts) gets its own recommendation.
FAILING_TYPE_RATE = 0.5
FAILING_TYPE_MIN_ATTEMPTS = 3

RECOMMENDATIONS = {
    "syntax_error": "Improve code generation validation: refactorings produced invalid syntax",
    "import_error": "Review dependency analysis: moved code broke imports (check re-exports and cycles)",
    "test_failure": "Strengthen test coverage of the affected modules before upgrading them",
    "timeout": "Speed up the test suite or raise validation.timeout_seconds",
    "merge_conflict": "Run upgrades in smaller batches or more often: the target branch moves under them",
    "baseline_failing": "Fix the failing tests of the base commit first: nothing merges against a red baseline",
    "refused": "Review refused suggestions by hand: the strategies could not prove them safe",
    "performance_regression": "Check the benchmark: upgrades slowed it beyond validation.max_slowdown",
    "local_changes": "Commit or stash local changes to the affected files before deploying",
    "llm_invalid_diff": "Review the LLM prompt or model: its diffs did not apply or validate",
    "llm_unavailable": "Check the LLM provider configuration and reachability",
    "llm_timeout": "Raise llm.timeout_seconds or use a faster model",
    "api_change": "Keep what users reach: names, import paths, overridable globals, pickle paths, documented members",
    "unknown": "Record a failure_type with each failure so that patterns can be analysed",
}

_FAILURE = "('" + "','".join(FAILURE_STATUSES) + "')"


def outcome_counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Attempted, merged, failed and refused upgrades, in total and per type (``outcomes.tally``)."""
    return tally(
        conn.execute(
            "SELECT u.type, u.status, x.failure_type FROM upgrades u"
            " LEFT JOIN upgrade_executions x ON x.event_hash = u.last_execution"
        )
    )


def get_upgrade_statistics(
    conn: sqlite3.Connection, now: datetime, counts: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Totals, outcome counts and success rate, rollbacks, recent count, per-type outcomes and file changes.

    ``successful_upgrades`` and ``failed_upgrades`` (the spec's names) are the merged and
    the failed upgrades. ``counts`` are the :func:`outcome_counts` of ``conn`` when the
    caller has them already.
    """
    since = (now - timedelta(days=RECENT_DAYS)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    total, recent = conn.execute(
        "SELECT COUNT(execution_status), SUM(execution_ts >= ?) FROM upgrades", (since,)
    ).fetchone()
    by_status = dict(conn.execute("SELECT status, COUNT(*) FROM upgrades GROUP BY status ORDER BY status"))
    counts = outcome_counts(conn) if counts is None else counts
    changes, unique_files = conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT f.path) FROM upgrades u JOIN file_changes f ON f.event_hash = u.last_execution"
    ).fetchone()
    rollbacks = conn.execute(
        "SELECT COUNT(DISTINCT upgrade_id) FROM rollback_operations WHERE status IN ('done', 'deleted_branch')"
    ).fetchone()[0]
    return {
        "total_upgrades": total,
        "attempted": counts["attempted"],
        "merged": counts["merged"],
        "failed": counts["failed"],
        "refused": counts["refused"],
        "success_rate": counts["success_rate"],
        "by_outcome": counts["by_outcome"],
        "successful_upgrades": counts["merged"],
        "failed_upgrades": counts["failed"],
        "rollbacks": rollbacks,
        "recent_upgrades": recent or 0,
        "by_status": by_status,
        "type_statistics": counts["by_type"],
        "file_changes": {"total_changes": changes, "unique_files": unique_files},
    }


def analyze_failure_patterns(conn: sqlite3.Connection, counts: dict[str, Any] | None = None) -> dict[str, Any]:
    """Failed or refused executions grouped by failure type and upgrade type, with recommendations.

    ``counts`` are the :func:`outcome_counts` of ``conn`` when the caller has them already.
    """
    by_failure = dict(
        conn.execute(
            f"SELECT COALESCE(failure_type, 'unknown'), COUNT(*) FROM upgrade_executions"
            f" WHERE status IN {_FAILURE} GROUP BY 1 ORDER BY 2 DESC, 1"
        )
    )
    by_type = dict(
        conn.execute(
            f"SELECT COALESCE(type, 'unknown'), COUNT(*) FROM upgrade_executions"
            f" WHERE status IN {_FAILURE} GROUP BY 1 ORDER BY 2 DESC, 1"
        )
    )
    recommendations = [RECOMMENDATIONS.get(kind, RECOMMENDATIONS["unknown"]) for kind in by_failure]
    by_outcome = (outcome_counts(conn) if counts is None else counts)["by_type"]
    for kind, outcomes in by_outcome.items():
        attempted, failed = outcomes["attempted"], outcomes["failed"]
        if attempted >= FAILING_TYPE_MIN_ATTEMPTS and failed / attempted >= FAILING_TYPE_RATE:
            recommendations.append(f"Lower the priority of {kind} upgrades: {failed} of {attempted} failed")
    return {
        "total_failures": sum(by_failure.values()),
        "failure_types": by_failure,
        "by_upgrade_type": by_type,
        "recommendations": recommendations,
    }


def indicators(conn: sqlite3.Connection) -> dict[str, Any]:
    """Average execution time, rollback frequency and the quality delta of merged upgrades."""
    average = conn.execute("SELECT AVG(seconds) FROM upgrade_executions WHERE seconds IS NOT NULL").fetchone()[0]
    merged = conn.execute("SELECT COUNT(*) FROM upgrades WHERE status IN ('merged', 'rolled_back')").fetchone()[0]
    rolled_back = conn.execute("SELECT COUNT(*) FROM upgrades WHERE status = 'rolled_back'").fetchone()[0]
    measured, smells_before, smells_after, cx_before, cx_after = conn.execute(
        "SELECT COUNT(*), SUM(x.smells_before), SUM(x.smells_after), SUM(x.complexity_before),"
        " SUM(x.complexity_after) FROM upgrades u JOIN upgrade_executions x ON x.event_hash = u.last_execution"
        " WHERE u.status = 'merged' AND x.smells_before IS NOT NULL"
    ).fetchone()
    smells_removed = (smells_before or 0) - (smells_after or 0)
    complexity_removed = (cx_before or 0) - (cx_after or 0)
    return {
        "average_execution_seconds": None if average is None else round(average, 3),
        "rollback_frequency": _rate(rolled_back, merged),
        "quality": {
            "merged_upgrades_measured": measured,
            "smells_before": _plain(smells_before or 0),
            "smells_after": _plain(smells_after or 0),
            "complexity_before": _plain(cx_before or 0),
            "complexity_after": _plain(cx_after or 0),
            "smells_removed": _plain(smells_removed),
            "complexity_removed": _plain(complexity_removed),
            "technical_debt_removed": _plain(smells_removed + complexity_removed),
        },
    }


def last_upgrades(conn: sqlite3.Connection, limit: int = LAST_UPGRADES) -> list[dict[str, Any]]:
    """The most recently updated upgrades, newest first."""
    rows = conn.execute("SELECT record FROM upgrades ORDER BY updated DESC, id DESC LIMIT ?", (limit,))
    keep = ("id", "type", "title", "status", "failure_type", "attempts", "updated", "commit")
    return [{key: record[key] for key in keep} for record in (json.loads(r[0]) for r in rows)]


def _rate(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def _plain(value: float) -> int | float:
    # Sums of integer counts come back from SQLite as floats in REAL columns.
    return int(value) if float(value).is_integer() else round(value, 3)
