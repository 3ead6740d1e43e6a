"""What every smell rule shares: the scan context it reads and the finding it returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from gitupgrade.analysis.clones import Clone
from gitupgrade.analysis.facts import ModuleFacts
from gitupgrade.analysis.graph import Cycle, Edge


@dataclass(frozen=True)
class Finding:
    """One smell found, before it becomes a :class:`~gitupgrade.suggestion.Suggestion`.

    ``severity`` is a priority band (a key of ``priority_thresholds``) and
    ``strength`` (0..1) the place inside that band. ``key`` is the finding's
    identity for the stable id (the blob ids of the affected files are added).
    """

    type: str
    title: str
    description: str
    affected_modules: tuple[str, ...]
    evidence: dict[str, Any]
    severity: str
    strength: float
    key: tuple[Any, ...]


@dataclass
class ScanContext:
    """The facts and global analyses of one scan, as the rules see them."""

    facts: list[ModuleFacts]  # analysable, reportable files only
    names: dict[str, str]  # path -> dotted module name
    blob_ids: dict[str, str]  # path -> blob id
    thresholds: dict[str, Any]  # the config's ``analysis`` section
    cycles: list[Cycle] = field(default_factory=list)
    clones: list[Clone] = field(default_factory=list)
    violations: list[tuple[Edge, str, str]] = field(default_factory=list)


class Rule(Protocol):
    """A smell rule module: declares the type it finds (a row of the upgrade types table), and finds."""

    TYPE: str

    def find(self, context: ScanContext) -> Iterator[Finding]:
        """Every finding of this smell in the scan."""
        ...


def over_limit(ratio: float, lower: str, upper: str) -> tuple[str, float]:
    """Severity band and strength of a size smell from ``value / limit`` (above 1).

    Up to twice the limit the finding sits in the ``lower`` band (strength grows
    with the excess); from twice the limit on it moves to the ``upper`` band and
    reaches full strength at six times the limit, so huge offenders rank first.
    """
    if ratio >= 2.0:
        return upper, min(1.0, (ratio - 2.0) / 4.0)
    return lower, max(0.0, min(1.0, ratio - 1.0))


def ratio(value: float, limit: float) -> float:
    """``value / limit``, treating a zero limit as a tiny one."""
    return value / limit if limit > 0 else float(value) + 1.0
