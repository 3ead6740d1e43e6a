"""GitHub Actions workflow commands: one ``::error file=...,line=...,title=...::message`` line a finding."""

from __future__ import annotations

from collections.abc import Sequence

from gitupgrade.integration.findings import Finding


def to_annotations(findings: Sequence[Finding], failing_rules: Sequence[str]) -> list[str]:
    """The workflow command lines for ``findings``; failing rules are errors, others warnings."""
    return [annotation(f, f.rule in failing_rules) for f in findings]


def annotation(finding: Finding, failing: bool) -> str:
    """One workflow command line (properties and message escaped as the Actions toolkit does)."""
    command = "error" if failing else "warning"
    props = []
    if finding.path:
        props.append(f"file={_escape_property(finding.path)}")
        props.append(f"line={finding.line}")
    props.append(f"title={_escape_property(finding.rule)}")
    return f"::{command} {','.join(props)}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    # Same escaping as @actions/core's toCommandValue/escapeData.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
