"""The cron line and the scheduled CI workflow call ``git upgrade tick``."""

from __future__ import annotations

import yaml

from tests.conftest import PROJECT_ROOT


def test_cron_example_has_one_crontab_line_calling_tick() -> None:
    lines = [
        line
        for line in (PROJECT_ROOT / "hooks" / "cron.example").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["*/15", "*", "*", "*", "*"]
    assert fields[5].endswith("git upgrade tick")


def test_scheduled_workflow_runs_tick_on_a_schedule_and_publishes() -> None:
    workflow = yaml.safe_load((PROJECT_ROOT / "hooks" / "ci" / "scheduled-upgrade.yml").read_text())
    # YAML 1.1 reads the key `on` as True
    triggers = workflow[True]
    assert triggers["schedule"] == [{"cron": "17 3 * * *"}]
    runs = [step.get("run", "") for step in workflow["jobs"]["tick"]["steps"]]
    assert "git upgrade tick --verbose" in runs
    assert any("refs/notes/upgrades" in run for run in runs)  # the schedule reads the last scan from the ledger
    assert any("git upgrade sync" in run for run in runs)
