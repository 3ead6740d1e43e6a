"""Findings: what ``check`` reports, each with a location and a location-independent fingerprint.

A finding is a suggestion of the analyzer seen as a code-scanning result. Its
fingerprint names *what* is wrong (the modules of a cycle, the class that grew
too big), never *where* (line numbers), so code that merely moved, or lines
added above it, does not make an old smell look new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from gitupgrade.suggestion import Suggestion

FINGERPRINT_VERSION = "v1"


@dataclass(frozen=True)
class Finding:
    """One smell at one place: rule (the suggestion type), message, location, fingerprint."""

    rule: str
    title: str
    message: str
    path: str | None
    line: int
    fingerprint: str
    risk_level: str
    suggestion_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict`."""
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})

    @property
    def where(self) -> str:
        """``path:line`` for people, ``-`` when the finding has no file."""
        return f"{self.path}:{self.line}" if self.path else "-"


def finding_from_suggestion(suggestion: Suggestion) -> Finding:
    """The finding a suggestion stands for."""
    evidence = suggestion.evidence or {}
    path, line = _location(suggestion.type, evidence, suggestion.affected_modules)
    return Finding(
        rule=suggestion.type,
        title=suggestion.title,
        message=_message(suggestion),
        path=path,
        line=max(int(line or 1), 1),
        fingerprint=fingerprint(suggestion.type, _identity(suggestion.type, evidence, suggestion)),
        risk_level=suggestion.risk_level,
        suggestion_id=suggestion.id,
    )


def fingerprint(rule: str, identity: Any) -> str:
    """A short hash of a finding's rule and identity (JSON data)."""
    payload = json.dumps([FINGERPRINT_VERSION, rule, identity], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def split_new(head: Sequence[Finding], base: Sequence[Finding]) -> tuple[list[Finding], list[Finding], int]:
    """``(new, fixed, unchanged count)`` of head's findings against base's.

    Fingerprints are matched as a multiset: two god classes named ``Manager`` at
    base and three at head make one new finding, not zero.
    """
    remaining = Counter(f.fingerprint for f in base)
    new: list[Finding] = []
    unchanged = 0
    for finding in head:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            unchanged += 1
        else:
            new.append(finding)
    fixed: list[Finding] = []
    for finding in base:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            fixed.append(finding)
    return new, fixed, unchanged


def cycle_text(evidence: dict[str, Any]) -> str:
    """``a -> b -> a`` for a circular import, from its concrete chain when there is one."""
    chain = evidence.get("chain") or []
    if chain:
        modules = [edge.get("importer", "?") for edge in chain]
        modules.append(chain[-1].get("imported", modules[0]))
    else:
        modules = list(evidence.get("cycle") or [])
        modules.append(modules[0] if modules else "?")
    return " -> ".join(modules)


def _message(suggestion: Suggestion) -> str:
    evidence = suggestion.evidence or {}
    if suggestion.type == "circular_import":
        return f"import cycle {cycle_text(evidence)}"
    if suggestion.type == "god_class" and evidence.get("class"):
        return (
            f"god class {evidence['class']} in {evidence.get('module', '?')}: "
            f"{evidence.get('methods', '?')} methods, {evidence.get('lines', '?')} lines"
        )
    if suggestion.type == "god_module" and evidence.get("module"):
        return (
            f"god module {evidence['module']}: {evidence.get('lines', '?')} lines, "
            f"{evidence.get('definitions', '?')} definitions"
        )
    if suggestion.type == "architectural_violation" and evidence.get("importer"):
        return (
            f"layer violation: {evidence['importer']} ({evidence.get('importer_layer', '?')}) "
            f"imports {evidence.get('imported', '?')} ({evidence.get('imported_layer', '?')})"
        )
    if suggestion.type == "duplicate_pattern" and evidence.get("locations"):
        places = ", ".join(f"{loc.get('path')}:{loc.get('start')}" for loc in evidence["locations"])
        return f"duplicated code ({evidence.get('lines', '?')} lines) at {places}"
    return suggestion.title


def _location(rule: str, evidence: dict[str, Any], affected: tuple[str, ...]) -> tuple[str | None, int]:
    if rule == "circular_import":
        edges = evidence.get("cut") or evidence.get("chain") or []
        if edges:
            return edges[0].get("importer_path"), edges[0].get("line", 1)
        paths = evidence.get("paths") or []
        return (paths[0] if paths else None), 1
    if rule == "duplicate_pattern":
        locations = evidence.get("locations") or []
        # The first location is the copy to keep; point at a copy to remove.
        chosen = locations[1] if len(locations) > 1 else (locations[0] if locations else {})
        return chosen.get("path"), chosen.get("start", 1)
    if rule == "architectural_violation":
        return evidence.get("importer_path"), evidence.get("line", 1)
    if "path" in evidence:
        return evidence.get("path"), evidence.get("line", 1)
    return (affected[0] if affected else None), 1


def _identity(rule: str, evidence: dict[str, Any], suggestion: Suggestion) -> Any:
    # What the finding *is*, never where: no line numbers, no blob ids.
    if rule == "circular_import":
        return sorted(evidence.get("cycle") or [])
    if rule == "god_class":
        return [evidence.get("class")]
    if rule == "god_module":
        return [evidence.get("module")]
    if rule == "complex_function":
        return [evidence.get("module"), evidence.get("function")]
    if rule == "architectural_violation":
        return [evidence.get("importer"), evidence.get("imported")]
    if rule == "duplicate_pattern":
        locations = evidence.get("locations") or []
        return [evidence.get("kind"), sorted(f"{loc.get('module')}:{loc.get('name') or ''}" for loc in locations)]
    return [suggestion.title, sorted(suggestion.affected_modules)]
