"""Learning from outcomes and scheduled scans: the model, trust, priority, requeue and schedule.

Imports are lazy: ``status`` reads only the schedule, and does not load the outcome
model and the trust rules to do it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitupgrade.learning.learner import Learner
    from gitupgrade.learning.model import OutcomeModel, build_model, learning_key, top_level_package
    from gitupgrade.learning.report import LearningReport, PackageReport, TypeReport
    from gitupgrade.learning.schedule import next_scan_time, scan_due, scan_interval
    from gitupgrade.learning.trust import TrustRules, effective_risk

_PUBLIC = {
    "Learner": "gitupgrade.learning.learner",
    "LearningReport": "gitupgrade.learning.report",
    "OutcomeModel": "gitupgrade.learning.model",
    "PackageReport": "gitupgrade.learning.report",
    "TrustRules": "gitupgrade.learning.trust",
    "TypeReport": "gitupgrade.learning.report",
    "build_model": "gitupgrade.learning.model",
    "effective_risk": "gitupgrade.learning.trust",
    "learning_key": "gitupgrade.learning.model",
    "next_scan_time": "gitupgrade.learning.schedule",
    "scan_due": "gitupgrade.learning.schedule",
    "scan_interval": "gitupgrade.learning.schedule",
    "top_level_package": "gitupgrade.learning.model",
}

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


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
