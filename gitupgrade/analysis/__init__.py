"""The ArchitectAnalyzer: facts per module, import graph and cycles, clones, coupling, smells.

Only ``ast`` is used on the scan path; libcst stays out of it.
"""

from __future__ import annotations

from gitupgrade.analysis.analyzer import ArchitectAnalyzer
from gitupgrade.analysis.report import AnalysisReport

__all__ = ["AnalysisReport", "ArchitectAnalyzer"]
