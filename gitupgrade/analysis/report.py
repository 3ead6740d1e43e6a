"""The result of a scan: per-module facts, global issues, ranked suggestions and metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitupgrade.analysis.suggest import label_of
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.analysis.facts import ModuleFacts


def module_entry(facts: ModuleFacts, module: str, coupling: dict[str, Any] | None) -> dict[str, Any]:
    """The report's view of one file (the spec's ``modules[path]``)."""
    if not facts.analyzable:
        return {"analyzable": False, "reason": facts.reason, "module": module}
    return {
        "analyzable": True,
        "module": module,
        "total_lines": facts.total_lines,
        "definitions": facts.definitions,
        "complexity_score": facts.complexity_score,
        "functions": [
            {
                "name": f.name,
                "line": f.line,
                "end_line": f.end_line,
                "lines": f.lines,
                "complexity": f.complexity,
                "nesting": f.nesting,
            }
            for f in facts.functions
        ],
        "classes": [
            {
                "name": c.name,
                "line": c.line,
                "end_line": c.end_line,
                "lines": c.lines,
                "methods": c.methods,
                "lcom4": c.lcom4,
            }
            for c in facts.classes
        ],
        "imports": [
            {
                "line": i.line,
                "kind": i.kind,
                "module": i.module,
                "level": i.level,
                "names": list(i.names),
                "statement": i.statement,
            }
            for i in facts.imports
        ],
        "coupling": coupling or {"ca": 0, "ce": 0, "instability": 0.0},
    }


@dataclass
class AnalysisReport:
    """What :class:`~gitupgrade.analysis.ArchitectAnalyzer` found in one commit (or file set).

    ``modules`` maps each reported path to its facts; ``global_issues`` holds
    ``circular_imports``, ``deferred_cycles`` (informational), ``duplicate_patterns``,
    ``architectural_violations`` and ``package_coupling``; ``suggestions`` are
    sorted by priority, highest first; ``metadata`` says what was scanned and how
    fast (commit, seconds, files_parsed, cache_hits, ...).
    """

    modules: dict[str, dict[str, Any]]
    global_issues: dict[str, Any]
    suggestions: list[Suggestion]
    metadata: dict[str, Any] = field(default_factory=dict)

    def smell_count(self) -> int:
        """Number of smells found (one per suggestion, report-only ones included)."""
        return len(self.suggestions)

    def complexity_total(self) -> float:
        """Sum of the reported modules' complexity scores (for before/after quality deltas)."""
        return float(sum(m.get("complexity_score", 0.0) for m in self.modules.values()))

    def summary(self) -> dict[str, Any]:
        """The counts a scan is logged with (the ledger's ``scan`` summary)."""
        return {
            "modules": sum(1 for m in self.modules.values() if m["analyzable"]),
            "unanalyzable": sum(1 for m in self.modules.values() if not m["analyzable"]),
            "suggestions": len(self.suggestions),
            "circular_imports": len(self.global_issues.get("circular_imports", [])),
            "duplicate_patterns": len(self.global_issues.get("duplicate_patterns", [])),
            "violations": len(self.global_issues.get("architectural_violations", [])),
            "seconds": self.metadata.get("seconds"),
        }

    def __getitem__(self, key: str) -> Any:
        """The spec's dict access: ``report["modules"]``, ``report["upgrade_suggestions"]`` ..."""
        return self.to_dict()[key]

    def _suggestion_dict(self, suggestion: Suggestion) -> dict[str, Any]:
        data = suggestion.to_dict()
        thresholds = self.metadata.get("priority_thresholds")
        if thresholds:
            data["priority_label"] = label_of(suggestion.priority, thresholds)
        return data

    def to_dict(self) -> dict[str, Any]:
        """The spec's JSON structure plus scan metadata."""
        return {
            "modules": self.modules,
            "global_issues": self.global_issues,
            "upgrade_suggestions": [self._suggestion_dict(s) for s in self.suggestions],
            "summary": self.summary(),
            "metadata": self.metadata,
        }
