"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one run, one result per new finding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gitupgrade import __version__
from gitupgrade.integration.findings import FINGERPRINT_VERSION, Finding
from gitupgrade.upgrade_types import BY_NAME, TYPE_NAMES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


def to_sarif(findings: Sequence[Finding], failing_rules: Sequence[str], revision: str | None = None) -> dict[str, Any]:
    """A SARIF 2.1.0 log of ``findings``; rules in ``failing_rules`` are errors, others warnings."""
    rule_ids = list(TYPE_NAMES) + sorted({f.rule for f in findings} - set(TYPE_NAMES))
    index = {rule: i for i, rule in enumerate(rule_ids)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "gitupgrade",
                "version": __version__,
                "rules": [_rule(rule, rule in failing_rules) for rule in rule_ids],
            }
        },
        "automationDetails": {"id": "gitupgrade/check/"},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule], f.rule in failing_rules) for f in findings],
    }
    if revision:
        run["properties"] = {"revision": revision}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _rule(rule: str, failing: bool) -> dict[str, Any]:
    row = BY_NAME.get(rule)
    text = f"{row.description}." if row is not None else rule.replace("_", " ")
    return {
        "id": rule,
        "name": "".join(part.capitalize() for part in rule.split("_")),
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "defaultConfiguration": {"level": _level(failing)},
        "properties": {"tags": ["maintainability", "architecture"]},
    }


def _result(finding: Finding, rule_index: int, failing: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _level(failing),
        "message": {"text": finding.message},
        "partialFingerprints": {f"gitupgrade/{FINGERPRINT_VERSION}": finding.fingerprint},
        "properties": {"risk_level": finding.risk_level, "suggestion_id": finding.suggestion_id},
    }
    if finding.path:
        result["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path},
                    "region": {"startLine": finding.line},
                }
            }
        ]
    return result


def _level(failing: bool) -> str:
    return "error" if failing else "warning"
