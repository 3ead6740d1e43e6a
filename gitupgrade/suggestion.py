"""The value passed from analysis to the manager and the refactorer: a Suggestion."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

RISK_LEVELS = ("low", "medium", "high", "critical")


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
    priority: int
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


def stable_id(kind: str, *parts: Any) -> str:
    """A short stable id from a finding's kind and the facts (e.g. blob ids) it covers."""
    payload = json.dumps([kind, *parts], sort_keys=True, default=str)
    return f"{kind}-{hashlib.sha256(payload.encode()).hexdigest()[:12]}"
