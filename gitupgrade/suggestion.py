"""The value passed from analysis to the manager and the refactorer: a Suggestion."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from gitupgrade.upgrade_types import TYPE_NAMES

# Priorities are on the spec's 1-10 scale (the scale of ``priority_thresholds``).
PRIORITY_MIN, PRIORITY_MAX = 1, 10


@dataclass(frozen=True)
class Suggestion:
    """One proposed upgrade, derived from one finding of the analyzer.

    ``id`` is stable: a hash of the finding and of the code it covers, so a
    rescan of unchanged code yields the same id. ``evidence`` is plain JSON data
    whose keys depend on ``type`` (documented in ``gitupgrade.analysis.suggest``);
    strategies read it to know exactly what to change. ``strategy`` is ``rule``
    or ``llm``. ``affected_modules`` are repository-relative file paths.
    """

    id: str
    type: str
    title: str
    description: str
    risk_level: str
    priority: float
    affected_modules: tuple[str, ...]
    evidence: dict[str, Any] = field(default_factory=dict)
    strategy: str = "rule"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        data = asdict(self)
        data["affected_modules"] = list(self.affected_modules)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Suggestion:
        """The inverse of :meth:`to_dict`."""
        values = dict(data)
        values["affected_modules"] = tuple(values.get("affected_modules", ()))
        return cls(**{k: values[k] for k in cls.__dataclass_fields__ if k in values})


def coerce_suggestion(value: Suggestion | Mapping[str, Any] | Any) -> Suggestion:
    """A :class:`Suggestion` from one, from its dict (the spec's form), or from a value with ``to_dict()``.

    A dict written by hand may leave out what the analyzer always fills in: the title
    defaults to the type, the risk to medium, the priority to the middle of the scale,
    and the id to a stable hash of the rest; a priority it gives must be on the 1-10
    scale (ValueError otherwise). A Suggestion is taken as it is: one read back from a
    ledger may carry a priority of the old 0-100 scale.
    """
    if isinstance(value, Suggestion):
        return value
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise TypeError(f"a suggestion is a Suggestion or a dict, not {type(value).__name__}")
    data = dict(value)
    if "type" not in data:
        raise ValueError("a suggestion needs its type (one of " + ", ".join(TYPE_NAMES) + ")")
    data.setdefault("title", str(data["type"]))
    data.setdefault("description", "")
    data.setdefault("risk_level", "medium")
    data.setdefault("priority", 5)
    data.setdefault("affected_modules", [])
    data.setdefault("id", stable_id(str(data["type"]), sorted(data["affected_modules"]), data.get("evidence", {})))
    check_priority(data["priority"])
    return Suggestion.from_dict(data)


def check_priority(priority: object) -> float:
    """``priority`` when it is a number on the 1-10 scale; a ValueError naming the scale otherwise.

    Where a caller hands us a priority (the Python API), one of the old 0-100 scale (50)
    would otherwise be read as 5 in one place and kept as 50 in another.
    """
    number = priority if isinstance(priority, int | float) and not isinstance(priority, bool) else None
    if number is None or not PRIORITY_MIN <= number <= PRIORITY_MAX:  # NaN is in no range
        raise ValueError(
            f"priority must be a number from {PRIORITY_MIN} to {PRIORITY_MAX} "
            f"(the scale of priority_thresholds), got {priority!r}"
        )
    return float(number)


def shown_priority(priority: float | None) -> int:
    """The whole number a priority is shown as (``Priority: 7``), on the 1-10 scale.

    Priorities carry a tenth inside their band so that the queue order stays fine; shown,
    they are rounded down, so a priority shown as 7 is at or above a threshold of 7 and
    the label read from the shown number is the label of the priority itself. Values
    above 10 are priorities recorded on the old 0-100 scale and are divided by ten.
    """
    value = normalized_priority(priority)
    return max(PRIORITY_MIN, min(PRIORITY_MAX, int(value)))


def normalized_priority(priority: float | None) -> float:
    """A priority on the 1-10 scale; ledgers written before it recorded 0-100."""
    value = float(priority or 0)
    return round(value / 10, 1) if value > PRIORITY_MAX else value


def stable_id(kind: str, *parts: Any) -> str:
    """A short stable id from a finding's kind and the facts (e.g. blob ids) it covers."""
    payload = json.dumps([kind, *parts], sort_keys=True, default=str)
    return f"{kind}-{hashlib.sha256(payload.encode()).hexdigest()[:12]}"
