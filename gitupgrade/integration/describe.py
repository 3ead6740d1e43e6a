"""The pull-request body of an upgrade: what and why, risk, validation, diffstat, track record, rollback.

Everything comes from the ledger (the scan's evidence, the execution's test
counts and file changes) and the outcome model learned from it, so the body
can be written for any upgrade at any time, by anyone who fetched the notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gitupgrade.config import Config
from gitupgrade.errors import UserError
from gitupgrade.integration.findings import cycle_text, finding_from_suggestion
from gitupgrade.learning import Learner, learning_key, top_level_package
from gitupgrade.ledger.text import escape
from gitupgrade.suggestion import Suggestion, shown_priority

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord


MARKER = "<!-- gitupgrade:upgrade_id={id} -->"  # lets a bot find and update its own comment


def describe_upgrade(ledger: UpgradeLedger, config: Config, upgrade_id: str) -> dict[str, Any]:
    """The facts of one upgrade's pull request, as JSON-ready data."""
    record = ledger.upgrade(upgrade_id)
    if record is None:
        raise UserError(
            f"no upgrade {upgrade_id!r} in the ledger",
            hint="see git upgrade status for the known upgrades (git upgrade sync fetches others')",
        )
    suggestion = Suggestion.from_dict(record.suggestion) if record.suggestion else None
    return {
        "upgrade_id": record.id,
        "title": record.title or (suggestion.title if suggestion else record.id),
        "type": record.type,
        "risk_level": record.risk_level,
        "priority": shown_priority(record.priority),
        "status": record.status,
        "strategy": record.strategy,
        "branch": record.branch,
        "commit": record.commit,
        "base_commit": record.base_commit,
        "target_branch": record.target_branch,
        "merge_commit": record.merge_commit,
        "why": _why(suggestion),
        "validation": _validation(record),
        "files": list(record.files or []),
        "track_record": _track_record(ledger, config, record, suggestion),
        "rollback": _rollback(record),
    }


def render_markdown(facts: dict[str, Any]) -> str:
    """The pull-request body in GitHub-flavoured markdown."""
    lines = [f"## {escape(facts['title'])}", ""]
    lines.append(
        " · ".join(
            f"**{label}** {value}"
            for label, value in (
                ("Type", f"`{facts['type']}`"),
                ("Risk", facts["risk_level"]),
                ("Priority", facts["priority"]),
                ("Status", facts["status"]),
                ("Strategy", f"`{facts['strategy'] or '-'}`"),
            )
        )
    )
    lines += ["", "### What and why", ""]
    why = facts["why"]
    if why["description"]:
        lines += [why["description"], ""]
    lines += [f"- {item}" for item in why["evidence"]]
    lines += ["", "### Validation", "", *_validation_lines(facts["validation"], facts["base_commit"])]
    lines += ["", "### Changes", "", *_diffstat_lines(facts["files"])]
    record = facts["track_record"]
    lines += [
        "",
        "### Track record",
        "",
        f"`{record['key']}` upgrades so far: {record['successes']} of {record['attempts']} passed "
        f"validation; estimated success rate {record['estimate']:.0%}"
        + (f" ({record['package_estimate']:.0%} in `{record['package']}`)." if record["package"] else "."),
    ]
    lines += ["", "### How to roll back", "", *[f"- {step}" for step in facts["rollback"]]]
    lines += ["", MARKER.format(id=facts["upgrade_id"])]
    return "\n".join(lines) + "\n"


def _why(suggestion: Suggestion | None) -> dict[str, Any]:
    if suggestion is None:
        return {"description": "", "evidence": [], "suggestion_id": None}
    evidence = suggestion.evidence or {}
    if suggestion.type == "circular_import":
        items = _cycle_items(evidence)  # says more than the finding's message
    else:
        items = [finding_from_suggestion(suggestion).message, *_evidence_items(suggestion.type, evidence)]
    items.append("affected: " + ", ".join(f"`{path}`" for path in suggestion.affected_modules))
    return {"description": suggestion.description, "evidence": items, "suggestion_id": suggestion.id}


def _cycle_items(evidence: dict[str, Any]) -> list[str]:
    return [f"import cycle {cycle_text(evidence)}"] + [
        f"cut `{edge.get('statement')}` in {edge.get('importer_path')}:{edge.get('line')} "
        f"({_plural(edge.get('uses', 0), 'use')}, {edge.get('kind', 'module')} level)"
        for edge in (evidence.get("cut") or [])[:3]
    ]


def _evidence_items(upgrade_type: str, evidence: dict[str, Any]) -> list[str]:
    """Where the smell is, for the types whose finding message does not say it."""
    if upgrade_type == "god_class":
        return [
            f"lines {evidence.get('line')}-{evidence.get('end_line')} of {evidence.get('path')}, "
            f"LCOM4 {evidence.get('lcom4')} (groups of methods sharing no state)"
        ]
    if upgrade_type == "duplicate_pattern":
        return [
            f"{loc.get('path')}:{loc.get('start')}-{loc.get('end')} {loc.get('name') or '(block)'}"
            for loc in evidence.get("locations") or []
        ]
    return []


def _validation(record: UpgradeRecord) -> dict[str, Any]:
    # Test counts another clone reports are its claim: shown only for a validation run here.
    verified = record.validated_here
    tests = (record.tests or {}) if verified else {}
    return {
        "verified_here": verified,
        "status": record.last_execution_status or record.status,
        "failure_type": record.failure_type,
        "detail": record.detail if verified else "",
        "baseline": tests.get("baseline"),
        "after": tests.get("after"),
        "seconds": record.seconds,
        "quality": record.quality,
        "static_checks": record.static_checks,
    }


def _validation_lines(validation: dict[str, Any], base: str | None) -> list[str]:
    if not validation["verified_here"] and validation["status"] in ("awaiting_review", "approved", "merged"):
        return ["Not validated in this clone: another clone reports it; `git upgrade approve` validates it first."]
    lines = _test_table(validation["baseline"], validation["after"], base)
    lines.append(_result_line(validation))
    return lines + _measure_lines(validation)


def _test_table(baseline: dict[str, int] | None, after: dict[str, int] | None, base: str | None) -> list[str]:
    """Passed and failed tests at the base and with the upgrade, as a table (none without counts)."""
    if not (baseline or after):
        return []
    lines = ["| run | passed | failed |", "|---|---:|---:|"]
    for label, counts in ((f"baseline ({(base or '?')[:8]})", baseline), ("with this upgrade", after)):
        if counts:
            lines.append(f"| {label} | {counts.get('passed', 0)} | {counts.get('failed', 0)} |")
    return [*lines, ""]


def _result_line(validation: dict[str, Any]) -> str:
    passed = validation["failure_type"] is None and validation["status"] not in ("failed", "refused")
    took = f" in {validation['seconds']:.1f} s" if validation["seconds"] is not None else ""
    verdict = (
        f"passed{took}: no test that passed on the base commit fails"
        if passed
        else f"failed{took} ({validation['failure_type'] or validation['status']})"
    )
    return f"Result: {verdict}." + (f" {escape(validation['detail'])}" if validation["detail"] else "")


def _measure_lines(validation: dict[str, Any]) -> list[str]:
    """The static checks' and the smells' figures, base → with this upgrade."""
    lines = []
    static = validation.get("static_checks")
    if static:
        lines.append(f"Static checks (base → with this upgrade): {static.get('summary') or 'none ran'}.")
    quality = validation["quality"]
    if quality:
        lines.append(
            f"Smells {quality.get('smells_before')} → {quality.get('smells_after')}, "
            f"complexity {quality.get('complexity_before')} → {quality.get('complexity_after')}."
        )
    return lines


def _diffstat_lines(files: list[dict[str, Any]]) -> list[str]:
    if not files:
        return ["No file changes recorded."]
    lines = ["| file | change | + | − |", "|---|---|---:|---:|"]
    lines += [f"| `{f['path']}` | {f['change']} | {f.get('added', 0)} | {f.get('removed', 0)} |" for f in files]
    added = sum(int(f.get("added") or 0) for f in files)
    removed = sum(int(f.get("removed") or 0) for f in files)
    lines += [
        "",
        f"{_plural(len(files), 'file')} changed, {_plural(added, 'insertion')}(+), {_plural(removed, 'deletion')}(-)",
    ]
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _track_record(
    ledger: UpgradeLedger, config: Config, record: UpgradeRecord, suggestion: Suggestion | None
) -> dict[str, Any]:
    key = learning_key(record.type or "unknown", record.strategy)
    package = top_level_package(suggestion.to_dict()) if suggestion else None
    model = Learner(ledger, config).model()
    stats = model.types.get(key)
    return {
        "key": key,
        "attempts": stats.attempts if stats else 0,
        "successes": stats.successes if stats else 0,
        "estimate": round(model.type_estimate(key), 4),
        "package": package,
        "package_estimate": round(model.estimate_for(key, package), 4) if package else None,
    }


def _rollback(record: UpgradeRecord) -> list[str]:
    steps = []
    if record.status != "merged":
        steps.append(
            f"Before it is merged: close this pull request, or `git upgrade reject {record.id}`; "
            f"the target branch is untouched."
        )
    merge_ref = record.merge_commit[:12] if record.merge_commit else "<merge commit>"
    merge = f"`git revert -m 1 {merge_ref}`"
    steps.append(
        f"After it is merged: `git upgrade rollback {record.id}` (reverts it and records the "
        f"rollback in the ledger), or {merge}."
    )
    return steps
