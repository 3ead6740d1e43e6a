"""Learning from outcomes and scheduled scans: the model, trust, priority, requeue and schedule."""

from __future__ import annotations

from gitupgrade.learning.learner import Learner
from gitupgrade.learning.model import (
    OutcomeModel,
    build_model,
    learning_key,
    top_level_package,
)
from gitupgrade.learning.report import LearningReport, PackageReport, TypeReport
from gitupgrade.learning.schedule import next_scan_time, scan_due, scan_interval
from gitupgrade.learning.trust import TrustRules, effective_risk

__all__ = [
    "Learner",
    "LearningReport",
    "OutcomeModel",
    "PackageReport",
    "TrustRules",
    "TypeReport",
    "build_model",
    "effective_risk",
    "learning_key",
    "next_scan_time",
    "scan_due",
    "scan_interval",
    "top_level_package",
]
