"""Every method of the spec's Python API, called with the spec's arguments on a real repository."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from gitupgrade import ArchitectAnalyzer, CodeRefactorer, Suggestion, UpgradeLedger, UpgradeManager
from tests.config.spec_project import config_yaml, files


@pytest.fixture
def shop(git_repo, monkeypatch: pytest.MonkeyPatch):
    """The god-class shop, medium risk auto-approved, as the current directory."""
    git_repo.commit(files(config_yaml("true")), "a shop with a god class")
    monkeypatch.chdir(git_repo.path)
    return git_repo


def test_analyzer_returns_the_spec_structure_for_the_repository_or_a_path(shop) -> None:
    results = ArchitectAnalyzer(".").analyze_codebase(target_path=None)
    data = results.to_dict()
    assert {"modules", "global_issues", "upgrade_suggestions"} <= set(data)
    assert set(data["modules"]) == {"src/shop/__init__.py", "src/shop/inventory.py"}
    (god,) = results["upgrade_suggestions"]
    assert (god["type"], god["risk_level"], god["affected_modules"]) == (
        "god_class",
        "medium",
        ["src/shop/inventory.py"],
    )
    assert 5 <= god["priority"] < 7  # a medium finding, on the 1-10 scale of priority_thresholds
    assert god["priority_label"] == "medium"
    # a path, absolute or relative to the top, limits what is reported
    absolute = ArchitectAnalyzer(str(shop.path)).analyze_codebase(target_path=str(shop.path / "src/shop/__init__.py"))
    assert list(absolute["modules"]) == ["src/shop/__init__.py"] and absolute["upgrade_suggestions"] == []


def test_refactorer_takes_the_spec_dict(shop, tmp_path: Path) -> None:
    suggestion = ArchitectAnalyzer(".").analyze_codebase()["upgrade_suggestions"][0]
    copy = tmp_path / "copy"
    shutil.copytree(shop.path, copy, ignore=shutil.ignore_patterns(".git"))
    result = CodeRefactorer(copy).execute_refactor(dict(suggestion))
    data = result.to_dict()
    assert (data["status"], data["success"]) == ("applied", True)
    assert {c["path"] for c in data["changes"]} == {"src/shop/inventory.py", "src/shop/_inventory_prices.py"}
    assert "class PricesMixin" in (copy / "src/shop/_inventory_prices.py").read_text()
    # a hand-written dict with only what the spec requires is enough to be refused cleanly
    refused = CodeRefactorer(copy).execute_refactor({"type": "god_class", "affected_modules": []}).to_dict()
    assert refused["status"] == "refused" and refused["success"] is False


def test_manager_scans_executes_rolls_back_reports_and_learns(shop) -> None:
    manager = UpgradeManager(".")
    scan = manager.trigger_scan().to_dict()
    (upgrade_id,) = scan["queued"]
    assert scan["analysis"]["upgrade_suggestions"][0]["type"] == "god_class"
    assert [p["id"] for p in manager.get_upgrade_status()["pending"]] == [upgrade_id]

    outcome = manager.execute_upgrade(upgrade_id).to_dict()
    assert outcome["status"] == "merged" and shop.head() == outcome["commit"]
    rolled = manager.rollback_upgrade(upgrade_id).to_dict()
    assert (
        rolled["status"] == "done"
        and shop.git("show", "HEAD:src/shop/inventory.py") == files("")["src/shop/inventory.py"]
    )
    status = manager.get_upgrade_status()
    assert status["pending"] == [] and status["recently_completed"][0]["status"] == "rolled_back"
    learned = manager.learn_from_outcomes().to_dict()
    assert [(t["type"], t["attempts"]) for t in learned["types"]] == [("god_class", 1)]


def test_ledger_logs_with_the_spec_arguments_and_returns_event_ids(shop) -> None:
    ledger = UpgradeLedger(".")
    analysis_results = ArchitectAnalyzer(".").analyze_codebase().to_dict()
    scan_id = ledger.log_scan(analysis_results, {"trigger": "api", "queued": []})
    assert isinstance(scan_id, int)
    assert ledger.last_scan()["suggestion_ids"] == [analysis_results["upgrade_suggestions"][0]["id"]]

    suggestion = analysis_results["upgrade_suggestions"][0]
    failed_id = ledger.log_upgrade_execution(
        "upgrade_api_1", suggestion, {"success": False, "failure_type": "test_failure", "detail": "1 test failed"}
    )
    done_id = ledger.log_upgrade_execution("upgrade_api_2", suggestion, {"status": "merged", "seconds": 1.5})
    rollback_id = ledger.log_rollback("upgrade_api_2", {"success": True, "restored_files": ["src/shop/inventory.py"]})
    assert scan_id < failed_id < done_id < rollback_id
    assert ledger.upgrade("upgrade_api_1").status == "failed"
    assert ledger.upgrade("upgrade_api_2").status == "rolled_back"

    statistics = ledger.get_upgrade_statistics()
    # successful = merged now: upgrade_api_2 was merged, then rolled back
    assert (statistics["total_upgrades"], statistics["successful_upgrades"], statistics["failed_upgrades"]) == (2, 0, 1)
    assert statistics["rollbacks"] == 1
    patterns = ledger.analyze_failure_patterns()
    assert patterns["failure_types"] == {"test_failure": 1}
    assert patterns["by_upgrade_type"] == {"god_class": 1}
    ledger.close()


@pytest.mark.parametrize("priority", [50, 250, 0, 10.5, float("nan"), "7"])
def test_a_priority_off_the_1_to_10_scale_is_refused_where_the_api_takes_it(shop, priority: object) -> None:
    (found,) = ArchitectAnalyzer(".").analyze_codebase()["upgrade_suggestions"]
    spec_dict = {**found, "priority": priority}
    message = r"^priority must be a number from 1 to 10 \(the scale of priority_thresholds\), got "
    with pytest.raises(ValueError, match=message):
        CodeRefactorer(".").execute_refactor(spec_dict)
    ledger = UpgradeLedger(".")
    with pytest.raises(ValueError, match=message):
        ledger.log_upgrade_execution("upgrade_api_1", spec_dict, {"status": "merged"})
    manager = UpgradeManager(".")
    with pytest.raises(ValueError, match=message):
        manager.queue_suggestions([replace(Suggestion.from_dict(dict(found)), priority=priority)])
    # refused before anything was written: the file, the ledger and the queue are as they were
    assert shop.git("status", "--porcelain") == ""
    assert ledger.upgrades() == [] and manager.get_upgrade_status()["pending"] == []


def test_the_ends_of_the_priority_scale_are_accepted(shop) -> None:
    (found,) = ArchitectAnalyzer(".").analyze_codebase()["upgrade_suggestions"]
    suggestion = Suggestion.from_dict(dict(found))
    manager = UpgradeManager(".")
    queued = manager.queue_suggestions([replace(suggestion, priority=10), replace(suggestion, id="other", priority=1)])
    assert len(queued.queued) == 2
