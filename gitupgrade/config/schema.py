"""The shape of the ``self_upgrading`` section: every key, its type and allowed values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitupgrade.outcomes import PRIORITY_LABELS, RISK_LEVELS


@dataclass(frozen=True)
class Field:
    """One leaf key: accepted Python types, optional choices, whether null is allowed."""

    types: tuple[type, ...]
    nullable: bool = False
    choices: tuple[Any, ...] | None = None
    item_type: type | None = None  # for lists
    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        """The expected type in words, for error messages."""
        if self.choices:
            text = "one of " + ", ".join(str(c) for c in self.choices)
        elif list in self.types:
            text = f"a list of {_TYPE_WORDS[self.item_type or str]}"
        else:
            text = " or ".join(_TYPE_WORDS[t] for t in self.types)
        return f"{text} or null" if self.nullable else text


_TYPE_WORDS = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}
_TYPE_WORDS[dict] = "a mapping"  # validation.static_checks is a list of mappings

BOOL = Field((bool,))
INT = Field((int,), minimum=0)
NUMBER = Field((int, float), minimum=0)
STR = Field((str,))
OPT_STR = Field((str,), nullable=True)
OPT_BOOL = Field((bool,), nullable=True)
STR_LIST = Field((list,), item_type=str)
# The spec's priority scale; whole numbers, so a priority shown rounded down keeps its label.
PRIORITY = Field((int,), minimum=1, maximum=10)

_RISK_POLICY = {"auto_approve": BOOL, "require_tests": BOOL}
# The spec's flat form of the risk policy, beside the project's per-level form; null = not set.
_SPEC_RISK_POLICY = {f"auto_approve_{level}_risk": OPT_BOOL for level in RISK_LEVELS}

# Keys of the spec that belong to the system it was written for: accepted, and without effect here.
NO_EFFECT = {
    "integration.reflection_engine": "git upgrade has no reflection engine (a part of the spec's own system)",
    "integration.recursive_planner": "git upgrade has no recursive planner (a part of the spec's own system)",
    "integration.self_prompter": "git upgrade has no self-prompter (a part of the spec's own system)",
}

SCHEMA: dict[str, Any] = {
    "enabled": BOOL,
    "ledger_db_path": OPT_STR,
    "auto_upgrade_enabled": BOOL,
    "scan_schedule": Field((str,), choices=("weekly", "daily", "manual")),
    "scan_interval_hours": NUMBER,
    "validation_required": BOOL,
    "test_execution_required": BOOL,
    "backup_retention_days": INT,
    "max_upgrade_retries": INT,
    "risk_policies": {
        **{level: dict(_RISK_POLICY) for level in RISK_LEVELS},
        **_SPEC_RISK_POLICY,
        "require_manual_review": BOOL,
    },
    "max_queued_risk": Field((str,), choices=RISK_LEVELS),
    "priority_thresholds": {level: PRIORITY for level in PRIORITY_LABELS},
    "learning": {
        "enabled": BOOL,
        "success_pattern_tracking": BOOL,
        "failure_pattern_analysis": BOOL,
        "outcome_based_scoring": BOOL,
        "adaptive_thresholds": BOOL,
        "min_attempts": INT,
        "trust_success_rate": NUMBER,
        "demote_after_failures": INT,
        "prior_successes": NUMBER,
        "prior_failures": NUMBER,
    },
    "integration": {
        "target_branch": OPT_STR,
        "remote": STR,
        "health_monitoring": BOOL,
        "reflection_engine": BOOL,
        "recursive_planner": BOOL,
        "self_prompter": BOOL,
    },
    "analysis": {
        "god_class_max_methods": INT,
        "god_class_max_lines": INT,
        "god_module_max_lines": INT,
        "god_module_max_definitions": INT,
        "complexity_threshold": INT,
        "max_nesting_depth": INT,
        "duplicate_min_lines": INT,
        "max_file_bytes": INT,
        "exclude": STR_LIST,
        "layers": STR_LIST,
        "include_tests": BOOL,
    },
    "validation": {
        "test_command": STR,
        "timeout_seconds": NUMBER,
        "benchmark_command": OPT_STR,
        "max_slowdown": NUMBER,
        # auto, [] or [{name, command, format}]; the items are checked by manager/static_detect.py
        "static_checks": Field((str, list), item_type=dict),
        "public_surface": BOOL,
    },
    "staging": {"worktree_name": STR, "path": OPT_STR},
    "refactor": {"min_group_size": INT},
    "llm": {
        "provider": Field((str,), choices=("none", "openai", "command")),
        "base_url": OPT_STR,
        "model": OPT_STR,
        "api_key_env": OPT_STR,
        "command": OPT_STR,
        "timeout_seconds": NUMBER,
        "prefer_for": STR_LIST,
    },
    "check": {"fail_on": STR_LIST},
}
