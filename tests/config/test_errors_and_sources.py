"""Errors inside self_upgrading all at once with lines and hints; other apps' tags ignored; sources shown."""

from __future__ import annotations

import json

import pytest

from gitupgrade.config import load_config
from gitupgrade.config.loader import ConfigErrors
from gitupgrade.repo import GitRepo
from tests.config.spec_project import OTHER_APP, SPEC_BLOCK

BAD = """webapp:
  secret: !ENV ${SECRET}
self_upgrading:
  risk_policies:
    auto_approve_lo_risk: true
    medium: {auto_approve: yes please}
  priority_thresholds:
    high: 70
  learning:
    enabled: !ENV LEARNING
  scan_schedule: hourly
"""


def test_every_error_in_the_section_is_reported_at_once_with_line_and_hint(git_repo, run_cli, tmp_path) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    result = run_cli("--config", str(bad), "status", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {bad}: 5 errors in self_upgrading:",
        "  line 5: unknown key self_upgrading.risk_policies.auto_approve_lo_risk (did you mean auto_approve_low_risk?)",
        "  line 6: self_upgrading.risk_policies.medium.auto_approve must be a boolean, got str 'yes please'"
        " (write true or false)",
        "  line 8: self_upgrading.priority_thresholds.high must be at most 10, got 70"
        " (the spec's priority scale: a whole number from 1 to 10)",
        "  line 10: self_upgrading.learning.enabled uses the YAML tag !ENV, which git upgrade does not read"
        " (write the value itself; other programs' tags are fine outside self_upgrading)",
        "  line 11: self_upgrading.scan_schedule must be one of weekly, daily, manual, got str 'hourly'",
        "hint: fix them all, then `git upgrade config` shows the effective values",
    ]


def test_errors_carry_their_key_paths_for_callers(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    with pytest.raises(ConfigErrors) as caught:
        load_config(override_file=bad)
    assert [(p.path, p.line) for p in caught.value.problems] == [
        ("self_upgrading.risk_policies.auto_approve_lo_risk", 5),
        ("self_upgrading.risk_policies.medium.auto_approve", 6),
        ("self_upgrading.priority_thresholds.high", 8),
        ("self_upgrading.learning.enabled", 10),
        ("self_upgrading.scan_schedule", 11),
    ]


def test_keys_and_tags_outside_the_section_are_never_read(tmp_path) -> None:
    shared = tmp_path / "shared.yaml"
    shared.write_text(
        "base: &base {a: !include x.yaml}\n"
        + OTHER_APP
        + "other: !!python/object:os.system {}\nlist: !custom [1, 2]\n"
        + "self_upgrading:\n  max_upgrade_retries: 1\n"
    )
    assert load_config(override_file=shared)["max_upgrade_retries"] == 1


def test_thresholds_must_rise_with_their_labels(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("self_upgrading:\n  priority_thresholds:\n    medium: 8\n")
    with pytest.raises(ConfigErrors) as caught:
        load_config(override_file=bad)
    assert caught.value.message == (
        f"{bad}: self_upgrading.priority_thresholds.medium (8) is above priority_thresholds.high (7)"
    )


def test_config_shows_each_value_with_its_source_and_the_keys_without_effect(git_repo, run_cli, tmp_path) -> None:
    commit = git_repo.commit({"config.yaml": OTHER_APP + SPEC_BLOCK})
    override = tmp_path / "local.yaml"
    override.write_text("self_upgrading:\n  max_upgrade_retries: 1\n")
    result = run_cli("--config", str(override), "config", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    here = f"config.yaml at {commit[:8]}"
    assert lines[0] == f"# sources: defaults < {here} < {override}"
    assert lines[1] == "self_upgrading:"
    for line in (
        f'  ledger_db_path: "upgrade_ledger.db"  # {here}',
        f"  max_upgrade_retries: 1  # {override}",
        "      auto_approve: false  # defaults",
        f"    auto_approve_medium_risk: false  # {here}",
        f"    require_manual_review: true  # {here}",
        f"    minimal: 1  # {here}",
        "    max_file_bytes: 1000000  # defaults",
        f"    health_monitoring: true  # {here}",
        f"    reflection_engine: true  # {here}; no effect here: git upgrade has no reflection engine"
        " (a part of the spec's own system)",
        f"    recursive_planner: true  # {here}; no effect here: git upgrade has no recursive planner"
        " (a part of the spec's own system)",
        f"    self_prompter: true  # {here}; no effect here: git upgrade has no self-prompter"
        " (a part of the spec's own system)",
    ):
        assert line in lines
    assert lines[-1] == (
        "# auto-approved without review (risk_policies after precedence): low yes, medium no, high no, critical no"
    )

    data = json.loads(run_cli("--config", str(override), "config", "--json", cwd=git_repo.path).stdout)
    assert data["sources"] == ["defaults", here, str(override)]
    assert data["origins"]["max_upgrade_retries"] == str(override)
    assert data["origins"]["risk_policies.auto_approve_low_risk"] == here
    assert data["origins"]["analysis.god_class_max_methods"] == "defaults"
    assert set(data["no_effect"]) == {
        "integration.reflection_engine",
        "integration.recursive_planner",
        "integration.self_prompter",
    }
    assert data["auto_approve"] == {"low": True, "medium": False, "high": False, "critical": False}


def test_project_per_level_form_still_works_and_the_flat_key_wins_when_set(git_repo) -> None:
    from gitupgrade.config.risk import approves

    per_level = "self_upgrading:\n  risk_policies:\n    medium: {auto_approve: true, require_tests: true}\n"
    commit = git_repo.commit({"config.yaml": per_level})
    repo = GitRepo.discover(git_repo.path)
    policies = load_config(repo, repo.resolve_commit(commit))["risk_policies"]
    assert approves(policies, "medium") == (True, "risk_policies.medium.auto_approve is true")
    both = per_level + "    auto_approve_medium_risk: false\n"
    commit = git_repo.commit({"config.yaml": both})
    policies = load_config(repo, repo.resolve_commit(commit))["risk_policies"]
    assert approves(policies, "medium") == (False, "risk_policies.auto_approve_medium_risk is false")
    manual = both.replace("medium:", "high:") + "    auto_approve_high_risk: true\n    require_manual_review: true\n"
    commit = git_repo.commit({"config.yaml": manual})
    policies = load_config(repo, repo.resolve_commit(commit))["risk_policies"]
    assert approves(policies, "high") == (
        False,
        "risk_policies.require_manual_review keeps high-risk upgrades for review",
    )
    assert approves(policies, "unknown") == (
        False,
        "risk_policies.require_manual_review keeps critical-risk upgrades for review",
    )
