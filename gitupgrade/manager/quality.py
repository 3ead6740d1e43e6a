"""The rescan of an upgrade commit: quality before and after, and proof the fix took.

An upgrade is kept only when a rescan of its commit shows no import cycle that
was not there before and, for a circular-import upgrade, that its cycle is gone.
The smell count and complexity before and after go into the ledger, where the
overview sums them as technical debt removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitupgrade.config import Config
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.analysis import AnalysisReport


@dataclass(frozen=True)
class Assessment:
    """Quality figures of base and upgrade commit, and the reason to refuse (None when fine)."""

    quality: dict[str, float]
    problem: str | None


class QualityGate:
    """Rescans commits with the analyzer (facts cached by blob id, so only changed files parse)."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self._reports: dict[CommitId, AnalysisReport] = {}

    def assess(self, config: Config, base: CommitId, commit: CommitId, suggestion: Suggestion) -> Assessment:
        """Compare the scan of ``commit`` with the scan of ``base``."""
        before, after = self._report(config, base), self._report(config, commit)
        quality = {
            "smells_before": before.smell_count(),
            "smells_after": after.smell_count(),
            "complexity_before": round(before.complexity_total(), 2),
            "complexity_after": round(after.complexity_total(), 2),
        }
        return Assessment(quality, _problem(suggestion, _cycles(before), _cycles(after)))

    def _report(self, config: Config, commit: CommitId) -> AnalysisReport:
        from gitupgrade.analysis import ArchitectAnalyzer

        if commit not in self._reports:
            # Several upgrades of one run share a base: scan it once; keep only a few reports.
            if len(self._reports) >= 8:
                self._reports.clear()
            self._reports[commit] = ArchitectAnalyzer(self.repo, config).analyze_codebase(rev=commit)
        return self._reports[commit]


def _cycles(report: AnalysisReport) -> set[frozenset[str]]:
    return {frozenset(cycle["cycle"]) for cycle in report.global_issues["circular_imports"]}


def _problem(suggestion: Suggestion, before: set[frozenset[str]], after: set[frozenset[str]]) -> str | None:
    new = sorted(sorted(c) for c in after if not any(c <= old for old in before))
    if new:
        return "the change makes a new import cycle: " + "; ".join(" -> ".join(c) for c in new)
    if suggestion.type == "circular_import":
        target = frozenset(suggestion.evidence.get("cycle", ()))
        if target and target in after:
            return "a rescan still finds the import cycle " + " -> ".join(sorted(target))
    return None
