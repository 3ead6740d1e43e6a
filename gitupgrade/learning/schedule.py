"""Scan schedule: when the next scheduled scan is due, from the config and the last scan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

SCHEDULE_HOURS = {"daily": 24.0, "weekly": 168.0}


def scan_interval(config: Mapping[str, Any]) -> timedelta | None:
    """Time between two scheduled scans; None when the schedule is ``manual``.

    ``scan_interval_hours`` overrides the schedule's period when it is smaller.
    """
    schedule = config["scan_schedule"]
    if schedule not in SCHEDULE_HOURS:
        return None
    return timedelta(hours=min(SCHEDULE_HOURS[schedule], float(config["scan_interval_hours"])))


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (``Z`` accepted, naive taken as UTC) as an aware UTC datetime."""
    stamp = datetime.fromisoformat(text.strip())  # Python 3.11 reads a trailing Z
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def due_time(config: Mapping[str, Any], last_scan: str | None) -> datetime | None:
    """When the scan after ``last_scan`` falls due; None when manual or never scanned."""
    interval = scan_interval(config)
    if interval is None or last_scan is None:
        return None
    return parse_time(last_scan) + interval


def next_scan_time(config: Mapping[str, Any], last_scan: str | None, now: datetime) -> datetime | None:
    """When ``tick`` scans next: ``now`` when overdue or never scanned, None when manual."""
    if scan_interval(config) is None:
        return None
    due = due_time(config, last_scan)
    return now if due is None else max(now, due)


def scan_due(config: Mapping[str, Any], last_scan: str | None, now: datetime) -> bool:
    """Whether a scheduled scan is due at ``now``."""
    if scan_interval(config) is None:
        return False
    due = due_time(config, last_scan)
    return due is None or now >= due
