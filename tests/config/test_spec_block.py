"""The spec's configuration block, verbatim in a config.yaml shared with another app, drives a real run."""

from __future__ import annotations

import json

import pytest

from gitupgrade.repo.commits import parse_trailers
from tests.config.spec_project import config_yaml, files


@pytest.mark.parametrize(("medium", "status"), [("true", "merged"), ("false", "awaiting_review")])
def test_auto_approve_medium_risk_decides_the_god_class_split(git_repo, run_cli, medium: str, status: str) -> None:
    git_repo.commit(files(config_yaml(medium)), "a shop with a god class")
    scan = run_cli("scan", "--json", cwd=git_repo.path)
    assert scan.exit_code == 0, scan.stderr
    (god,) = json.loads(scan.stdout)["upgrade_suggestions"]
    assert (god["type"], god["risk_level"]) == ("god_class", "medium")

    run = run_cli("run", "--json", cwd=git_repo.path)
    assert run.exit_code == 0, run.stderr
    (outcome,) = json.loads(run.stdout)["upgrades"]
    assert outcome["status"] == status, outcome
    message = git_repo.git("log", "-1", "--format=%B", outcome["commit"])
    trailers = parse_trailers(message)
    assert trailers["Upgrade-Type"] == "god_class" and trailers["Risk-Level"] == "medium"
    # priorities are shown on the scale of priority_thresholds: a medium finding is 5 or 6
    assert trailers["Priority"] in ("5", "6")
    assert (outcome["commit"] in git_repo.git("rev-list", "main").split()) == (status == "merged")
    # the other application's section, with its !ENV and !include tags, never got in the way
    assert "!ENV" in git_repo.git("show", "main:config.yaml")


def test_require_manual_review_keeps_high_risk_for_review_whatever_else_says(git_repo, run_cli) -> None:
    from gitupgrade.config import load_config
    from gitupgrade.manager.policy import RiskPolicy
    from gitupgrade.repo import GitRepo

    extra = "  max_queued_risk: critical\n"
    block = config_yaml("true", extra).replace("auto_approve_high_risk: false", "auto_approve_high_risk: true")
    block = block.replace(
        "  risk_policies:\n", "  risk_policies:\n    high: {auto_approve: true, require_tests: true}\n"
    )
    commit = git_repo.commit({"config.yaml": block})
    repo = GitRepo.discover(git_repo.path)
    policy = RiskPolicy(load_config(repo, repo.resolve_commit(commit)))
    assert [policy.auto_approve(level) for level in ("low", "medium", "high", "critical")] == [True, True, False, False]
