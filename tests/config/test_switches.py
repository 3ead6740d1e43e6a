"""The spec's switches: learning patterns in learn and ledger, health_monitoring, the project's interpreter."""

from __future__ import annotations

import json

import pytest

from tests.config.spec_project import config_yaml, files

PATTERNS_OFF = (
    "self_upgrading:\n  learning:\n    success_pattern_tracking: false\n    failure_pattern_analysis: false\n"
)


def test_pattern_switches_leave_those_parts_out_of_learn_and_ledger(git_repo, run_cli, tmp_path) -> None:
    git_repo.commit(files(config_yaml("true")), "a shop with a god class")
    assert run_cli("scan", cwd=git_repo.path).exit_code == 0
    assert run_cli("run", cwd=git_repo.path).exit_code == 0
    off = tmp_path / "off.yaml"
    off.write_text(PATTERNS_OFF)

    learned = json.loads(run_cli("learn", "--json", cwd=git_repo.path).stdout)
    assert [p["package"] for p in learned["packages"]] == ["shop"]
    assert (learned["success_pattern_tracking"], learned["failure_pattern_analysis"]) == (True, True)
    quiet = json.loads(run_cli("--config", str(off), "learn", "--json", cwd=git_repo.path).stdout)
    assert quiet["packages"] == [] and quiet["recommendations"] == []
    assert [t["failure_types"] for t in quiet["types"]] == [{}]
    text = run_cli("--config", str(off), "learn", cwd=git_repo.path).stdout.splitlines()
    assert text[0] == (
        "Learned from 1 upgrade (adaptive thresholds on, outcome-based scoring on, "
        "success pattern tracking off, failure pattern analysis off)"
    )
    assert text[1].split() == ["type", "attempts", "successes", "estimate", "trust"]
    assert "By top-level package" not in text

    ledger = run_cli("ledger", cwd=git_repo.path).stdout.splitlines()
    assert "By type" in ledger and "Failure analysis: 0 failed or refused executions" in ledger
    ledger_off = run_cli("--config", str(off), "ledger", cwd=git_repo.path).stdout.splitlines()
    assert "By type: off (learning.success_pattern_tracking)" in ledger_off
    assert ledger_off[-1] == "Failure analysis: off (learning.failure_pattern_analysis)"
    overview = json.loads(run_cli("--config", str(off), "ledger", "--json", cwd=git_repo.path).stdout)
    assert overview["failure_analysis"] is None and overview["statistics"]["type_statistics"] is None


@pytest.mark.parametrize("monitoring", ["true", "false"])
def test_health_monitoring_switches_the_benchmark(git_repo, run_cli, tmp_path, monitoring: str) -> None:
    log = tmp_path / "bench.log"
    # a command this short varies by more than max_slowdown: the test is about whether it runs at all
    bench = f"    benchmark_command: echo timed >> {log}\n    max_slowdown: 1000\n"
    config = config_yaml("true", bench).replace("health_monitoring: true", f"health_monitoring: {monitoring}")
    git_repo.commit(files(config), "a shop with a god class")
    assert run_cli("scan", cwd=git_repo.path).exit_code == 0
    (outcome,) = json.loads(run_cli("run", "--json", cwd=git_repo.path).stdout)["upgrades"]
    assert outcome["status"] == "merged"
    # timed at baseline and after the upgrade, or never
    assert (log.read_text().splitlines() if log.exists() else []) == (["timed"] * 2 if monitoring == "true" else [])


def test_without_python_on_path_the_run_says_which_interpreter_to_configure(
    git_repo, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    git_repo.commit(files(config_yaml("true")), "a shop with a god class")
    assert run_cli("scan", cwd=git_repo.path).exit_code == 0
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # as in a pipx install: no `python` of the project
    result = run_cli("run", cwd=git_repo.path)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: cannot run the project's tests: `python` is not on PATH",
        "hint: set validation.test_command to the project's interpreter, e.g. `.venv/bin/python -m pytest -q` "
        "(the import check uses the same interpreter), or activate the project's virtualenv before running git upgrade",
    ]


def test_the_import_check_uses_the_test_commands_interpreter(tmp_path) -> None:
    from gitupgrade.project_python import interpreter_of

    assert interpreter_of("/opt/venv/bin/python3.12 -m pytest -q") == "/opt/venv/bin/python3.12"
    assert interpreter_of(".venv/bin/python -m pytest") == ".venv/bin/python"
    assert interpreter_of("PYTEST_ADDOPTS=-x python -m pytest") == "python"
    assert interpreter_of("tox -e py311") == "python"
    assert interpreter_of("mypython -m pytest") == "python"
