"""The schema every event read from the notes must follow (version 1), checked before use.

The notes are shared: anyone who can push ``refs/notes/upgrades`` writes lines this
clone reads. So a line is bounded before it is parsed (length, then nesting depth) and
its fields are checked by type, size and shape: ids that are safe as ref names and
printable, commit ids that are hex, repository-relative paths without ``..``, ``.git``
or control characters, and no timestamp far in the future (it would sort after, and so
override, every local decision). A line that fails is skipped with one short reason
(:class:`InvalidLine`), never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from gitupgrade.outcomes import EXECUTION_STATUSES, FAILURE_TYPES, RISK_LEVELS

# A ledger line is a few KiB; a scan of a large project lists thousands of suggestion ids.
MAX_LINE_CHARS = 1024 * 1024
MAX_DEPTH = 16
MAX_LIST = 10_000
MAX_TEXT = 64 * 1024
# Clocks of two clones disagree a little; a line from further ahead is refused.
FUTURE_SKEW = timedelta(minutes=10)

# Safe as a git ref name component, a file name and a terminal word: no spaces,
# dots, slashes, control characters or shell metacharacters. New ids have the shape
# ``upgrade_YYYYMMDD_HHMMSS_<6 hex>`` (manager/ids.py); older writers used other names.
UPGRADE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
SUGGESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}")
KIND = re.compile(r"[a-z][a-z0-9_]{0,63}")
COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z")
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}")
HEX = re.compile(r"[0-9a-f]{16,128}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"[A-Za-z]:")
_BAD_PARTS = frozenset({"", ".", "..", ".git"})

COMMIT_KEYS = ("commit", "base_commit", "merge_commit", "revert_commit")
# Keys whose strings are module names a strategy turns into paths.
MODULE_KEYS = frozenset({"module", "importer", "imported"})
_PATH_KEYS = frozenset({"path", "paths", "affected_modules", "restored_files", "conflicts"})


class InvalidLine(ValueError):
    """A note line that is not a valid ledger event; ``category`` is its short reason."""

    def __init__(self, category: str, detail: str = "") -> None:
        super().__init__(f"{category}: {detail}" if detail else category)
        self.category = category


def check_size(line: str) -> None:
    """Refuse a line too long to be an event, before anything parses it."""
    if len(line) > MAX_LINE_CHARS:
        raise InvalidLine("line too long", f"{len(line)} characters, at most {MAX_LINE_CHARS}")


def check_event(event: dict[str, Any], now: datetime | None = None) -> None:
    """Raise :class:`InvalidLine` unless ``event`` follows the schema of its kind."""
    _walk(event)
    _check_timestamp(event.get("ts"), now or datetime.now(UTC))
    kind = event.get("event")
    if not isinstance(kind, str) or not KIND.fullmatch(kind):
        raise InvalidLine("bad event kind")
    _check_ids(event)
    for key, value in event.items():
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise InvalidLine("text too long", key)
    check = _BY_KIND.get(kind)
    if check is not None:
        check(event)


def _check_timestamp(ts: Any, now: datetime) -> None:
    if not isinstance(ts, str) or not TIMESTAMP.fullmatch(ts):
        raise InvalidLine("bad timestamp")
    if _parse_ts(ts) > now + FUTURE_SKEW:
        raise InvalidLine("timestamp in the future", ts)


def _check_ids(event: dict[str, Any]) -> None:
    """The upgrade id, the clone and mac hashes and the commit ids any event may carry."""
    upgrade_id = event.get("upgrade_id")
    if upgrade_id is not None and not _matches(UPGRADE_ID, upgrade_id):
        raise InvalidLine("bad id")
    for key in ("clone", "mac"):
        if key in event and not _matches(HEX, event[key]):
            raise InvalidLine(f"bad {key}")
    for key in COMMIT_KEYS:
        if event.get(key) is not None and not _matches(COMMIT, event[key]):
            raise InvalidLine(f"bad {key.replace('_', ' ')}")


def check_suggestion(suggestion: Any) -> None:
    """A suggestion carried by an event: the fields the queue and the strategies read."""
    if not isinstance(suggestion, dict):
        raise InvalidLine("bad suggestion")
    for key, default, valid, reason in _SUGGESTION_FIELDS:
        if not valid(suggestion.get(key, default)):
            raise InvalidLine(reason)


# Each field of a suggestion, checked in this order: key, value when absent, test, reason.
_SUGGESTION_FIELDS: tuple[tuple[str, Any, Callable[[Any], bool], str], ...] = (
    ("id", None, lambda v: _matches(SUGGESTION_ID, v), "bad suggestion id"),
    ("type", None, lambda v: _matches(KIND, v), "bad suggestion type"),
    ("title", "", lambda v: isinstance(v, str), "bad suggestion title"),
    ("description", "", lambda v: isinstance(v, str), "bad suggestion description"),
    ("risk_level", None, lambda v: v in RISK_LEVELS, "bad risk level"),
    ("priority", None, lambda v: _is_priority(v), "bad priority"),
    ("affected_modules", None, lambda v: _is_str_list(v), "bad affected modules"),
    ("evidence", {}, lambda v: isinstance(v, dict), "bad evidence"),
    ("strategy", "rule", lambda v: _matches(KIND, v), "bad strategy"),
)


def is_safe_path(path: Any) -> bool:
    """A repository-relative POSIX path that stays inside the repository and out of ``.git``."""
    if not isinstance(path, str) or not path or len(path) > 4096 or _CONTROL.search(path):
        return False
    if path[0] in "/~" or "\\" in path or _DRIVE.match(path):
        return False
    parts = path.split("/")
    return not _BAD_PARTS.intersection(parts)


def _walk(event: dict[str, Any]) -> None:
    """Depth, list sizes, and every value that becomes a path or a module name, at any depth.

    One iterative pass: a hostile depth cannot exhaust the stack.
    """
    stack: list[tuple[Any, int]] = [(event, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidLine("nested too deeply")
        if isinstance(node, list):
            if len(node) > MAX_LIST:
                raise InvalidLine("list too long")
            stack.extend((item, depth + 1) for item in node if isinstance(item, dict | list))
            continue
        for name, value in node.items():
            _check_named(name, value)
            if isinstance(value, dict | list):
                stack.append((value, depth + 1))


def _check_named(name: str, value: Any) -> None:
    """A value whose key says it is a path or a module name, at any depth (the keys never overlap)."""
    if (name in _PATH_KEYS or name.endswith("_path")) and not _safe_paths(value):
        raise InvalidLine("path outside the repository", name)
    if name in MODULE_KEYS and value is not None and not _matches(DOTTED, value):
        raise InvalidLine("bad module name", name)
    if name in ("cycle", "chain") and not _dotted_items(value):
        raise InvalidLine("bad module name", name)


def _safe_paths(value: Any) -> bool:
    """A path, a list of them, or None: each safe."""
    return all(item is None or is_safe_path(item) for item in (value if isinstance(value, list) else (value,)))


def _dotted_items(value: Any) -> bool:
    """A list of module names (the strings of an import cycle or chain); anything else is not ours to check."""
    return not isinstance(value, list) or all(not isinstance(v, str) or DOTTED.fullmatch(v) for v in value)


def _scan(event: Mapping[str, Any]) -> None:
    if not _is_str_list(event.get("suggestion_ids")):
        raise InvalidLine("bad suggestion ids")
    queued = event.get("queued")  # upgrade ids, or their count in older notes
    if not _is_int(queued) and not _is_str_list(queued):
        raise InvalidLine("bad queued")
    if not isinstance(event.get("summary"), dict):
        raise InvalidLine("bad summary")
    if not _is_int(event.get("filtered")):
        raise InvalidLine("bad filtered count")


def _queued(event: Mapping[str, Any]) -> None:
    _need_id(event)
    check_suggestion(event.get("suggestion"))
    if event.get("priority") is not None and not _is_priority(event["priority"]):
        raise InvalidLine("bad priority")
    if event.get("target_branch") is not None and not _is_branch(event["target_branch"]):
        raise InvalidLine("bad branch")


def _executed(event: Mapping[str, Any]) -> None:
    _need_id(event)
    if event.get("status") not in EXECUTION_STATUSES:
        raise InvalidLine("bad status")
    if event.get("failure_type") is not None and event["failure_type"] not in FAILURE_TYPES:
        raise InvalidLine("bad failure type")
    branch = event.get("branch")
    if branch is not None and not _is_branch(branch):
        raise InvalidLine("bad branch")
    _check_execution_parts(event)


def _check_execution_parts(event: Mapping[str, Any]) -> None:
    """The files, tests, quality and detail of an execution."""
    for key, kind in (("files", list), ("tests", dict), ("quality", dict)):
        if event.get(key) is not None and not isinstance(event[key], kind):
            raise InvalidLine(f"bad {key}")
    if not all(isinstance(f, dict) and is_safe_path(f.get("path")) for f in event.get("files") or ()):
        raise InvalidLine("path outside the repository", "files")
    if not isinstance(event.get("detail") or "", str):
        raise InvalidLine("bad detail")


def _merged(event: Mapping[str, Any]) -> None:
    _need_id(event)
    if not _matches(COMMIT, event.get("merge_commit")):
        raise InvalidLine("bad merge commit")
    if not _is_branch(event.get("target_branch")):
        raise InvalidLine("bad branch")


def _rollback(event: Mapping[str, Any]) -> None:
    from gitupgrade.ledger.events import ROLLBACK_STATUSES

    _need_id(event)
    if event.get("status") not in ROLLBACK_STATUSES:
        raise InvalidLine("bad status")


def _need_id(event: Mapping[str, Any]) -> None:
    if event.get("upgrade_id") is None:
        raise InvalidLine("bad id", "missing")


def _learning(event: Mapping[str, Any]) -> None:
    if not isinstance(event.get("type"), str):
        raise InvalidLine("bad type")


_BY_KIND: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "scan": _scan,
    "upgrade_queued": _queued,
    "upgrade_executed": _executed,
    "upgrade_merged": _merged,
    "upgrade_rejected": _need_id,
    "upgrade_started": _need_id,
    "rollback": _rollback,
    "learning": _learning,
}


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_priority(value: Any) -> bool:
    # 1-10 to a tenth; ledgers written before the spec's scale hold whole numbers up to 100
    return (_is_int(value) or isinstance(value, float)) and 0 <= value <= 100


def _is_branch(value: Any) -> bool:
    if not _matches(BRANCH, value):
        return False
    return ".." not in value and not value.endswith((".lock", "/", ".")) and "//" not in value and "/." not in value


def _parse_ts(ts: str) -> datetime:
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidLine("bad timestamp") from None
