"""Ledger events: their schema, validation and one-line JSON form.

An event is a dict ``{"ts", "v", "event", "upgrade_id", ...payload}`` written as one
JSON line beginning with its UTC timestamp, so that ``git notes merge -s
cat_sort_uniq`` (which sorts lines) merges two ledgers in time order.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from gitupgrade.errors import GitUpgradeError
from gitupgrade.ledger import validation
from gitupgrade.outcomes import EXECUTION_STATUSES, FAILURE_TYPES

SCHEMA_VERSION = 1

SCAN = "scan"
UPGRADE_QUEUED = "upgrade_queued"
UPGRADE_EXECUTED = "upgrade_executed"
UPGRADE_MERGED = "upgrade_merged"
UPGRADE_REJECTED = "upgrade_rejected"
ROLLBACK = "rollback"
LEARNING = "learning"

# Required payload keys of the kinds we define; other kinds (a newer writer's) are kept as-is.
REQUIRED: dict[str, tuple[str, ...]] = {
    SCAN: ("commit", "summary", "suggestion_ids", "queued", "filtered"),
    UPGRADE_QUEUED: ("upgrade_id", "suggestion", "priority", "base_commit", "target_branch"),
    UPGRADE_EXECUTED: ("upgrade_id", "status"),
    UPGRADE_MERGED: ("upgrade_id", "merge_commit", "target_branch", "fast_forward"),
    UPGRADE_REJECTED: ("upgrade_id",),
    ROLLBACK: ("upgrade_id", "status"),
    LEARNING: ("type",),
}

# Optional keys filled with a default, so readers of an execution never guess.
EXECUTION_DEFAULTS: dict[str, Any] = {
    "type": None,
    "risk_level": None,
    "branch": None,
    "commit": None,
    "base_commit": None,
    "failure_type": None,
    "detail": "",
    "tests": None,
    "seconds": None,
    "files": [],
    "strategy": None,
    "quality": None,
    "static_checks": None,
}
ROLLBACK_DEFAULTS: dict[str, Any] = {
    "revert_commit": None,
    "restored_files": [],
    "seconds": None,
    "conflicts": [],
}

ROLLBACK_STATUSES = ("done", "conflict", "deleted_branch")

_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class InvalidEventError(GitUpgradeError):
    """An event to be written does not follow the ledger schema (a bug of the caller)."""


class MalformedLineError(ValueError):
    """A note line that is not a ledger event this version can read; ``category`` is the short why."""

    def __init__(self, message: str, category: str | None = None) -> None:
        super().__init__(message)
        self.category = category or message


class _Clock:
    """UTC timestamps with microseconds, strictly increasing within this process.

    Two events of one process then never tie, so their order survives sorting.
    """

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> str:
        with self._lock:
            stamp = datetime.now(UTC)
            if stamp <= self._last:
                stamp = self._last + timedelta(microseconds=1)
            self._last = stamp
            return stamp.strftime(_TS_FORMAT)


CLOCK = _Clock()


def make_event(kind: str, payload: dict[str, Any], ts: str | None = None) -> dict[str, Any]:
    """A validated event of ``kind``: ts, v, event and upgrade_id first, then the payload."""
    if not validation.KIND.fullmatch(kind):  # what a reader accepts
        raise InvalidEventError(f"invalid ledger event kind: {kind!r}")
    body = dict(payload)
    missing = [key for key in REQUIRED.get(kind, ()) if key not in body]
    if missing:
        raise InvalidEventError(f"ledger event {kind} lacks {', '.join(missing)}")
    if kind == UPGRADE_EXECUTED:
        body = {**EXECUTION_DEFAULTS, **body}
        _check_choice(kind, "status", body["status"], EXECUTION_STATUSES)
        if body["failure_type"] is not None:
            _check_choice(kind, "failure_type", body["failure_type"], FAILURE_TYPES)
    elif kind == ROLLBACK:
        body = {**ROLLBACK_DEFAULTS, **body}
        _check_choice(kind, "status", body["status"], ROLLBACK_STATUSES)
    for reserved in ("ts", "v", "event"):
        body.pop(reserved, None)
    upgrade_id = body.pop("upgrade_id", None)
    event: dict[str, Any] = {"ts": ts or CLOCK.now(), "v": SCHEMA_VERSION, "event": kind, "upgrade_id": upgrade_id}
    event.update((key, body[key]) for key in sorted(body))
    try:
        json.dumps(event)
    except (TypeError, ValueError) as exc:
        raise InvalidEventError(f"ledger event {kind} is not JSON data: {exc}") from exc
    return event


def serialize(event: dict[str, Any]) -> str:
    """The event as one compact JSON line (no newline), ts first."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def line_hash(line: str) -> str:
    """The identity of a note line in the index; equal lines (cat_sort_uniq duplicates) collapse."""
    return hashlib.sha1(line.encode("utf-8")).hexdigest()


def parse_line(line: str, now: datetime | None = None) -> dict[str, Any]:
    """The event of one note line; :class:`MalformedLineError` says why it is unreadable.

    The line is bounded by length before it is parsed and by depth while it is, then
    checked against the schema of its kind (see :mod:`gitupgrade.ledger.validation`).
    """
    try:
        validation.check_size(line)
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MalformedLineError(f"not JSON ({exc.msg} at column {exc.colno})", "not JSON") from None
        except RecursionError:
            raise validation.InvalidLine("nested too deeply") from None
        if not isinstance(event, dict):
            raise MalformedLineError("not a JSON object")
        version = event.get("v")
        if version != SCHEMA_VERSION:
            raise MalformedLineError(f"unknown schema version {_short(version)}", "unknown schema version")
        if not isinstance(event.get("ts"), str) or not isinstance(event.get("event"), str):
            raise MalformedLineError("no ts or event field")
        validation.check_event(event, now)
    except validation.InvalidLine as exc:
        raise MalformedLineError(str(exc), exc.category) from None
    return event


def _short(value: Any) -> str:
    # A reason is printed: keep what came from the line short and free of control characters.
    text = repr(value)
    return ascii(text[:40] + "..." if len(text) > 40 else text)[1:-1]


def _check_choice(kind: str, key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidEventError(f"ledger event {kind}: {key} {value!r} is not one of {', '.join(allowed)}")
