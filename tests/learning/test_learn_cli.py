"""``git upgrade learn``: the model per type, trust and why, and what changed since the last run."""

from __future__ import annotations

import json

from tests.conftest import iter_lines
from tests.learning.seed import Seeder, open_ledger


def seeded_repo(git_repo):
    git_repo.commit({"pkg/__init__.py": "", "pkg/mod.py": "x = 1\n"})
    _, ledger = open_ledger(git_repo.path)
    return ledger, Seeder(ledger, git_repo.head())


def test_learn_json_reports_each_type_and_records_trust(run_cli, git_repo) -> None:
    ledger, seed = seeded_repo(git_repo)
    for _ in range(10):
        seed.success()
    seed.failure("god_module", "import_error", module="shop.orders")
    ledger.close()
    result = run_cli("learn", "--json", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    by_type = {t["type"]: t for t in report["types"]}
    assert {k: by_type["god_class"][k] for k in ("attempts", "successes", "estimate", "trust")} == {
        "attempts": 10,
        "successes": 10,
        "estimate": 0.9167,
        "trust": "trusted",
    }
    assert by_type["god_module"]["failure_types"] == {"import_error": 1}
    assert by_type["god_module"]["trust_reason"] == (
        "0/1 succeeded since the start; needs 10 attempts at 95% or better"
    )
    assert [(r["type"], r["trust_before"], r["trust_after"]) for r in report["recorded"]] == [
        ("god_class", "default", "trusted")
    ]
    assert [(p["package"], p["attempts"]) for p in report["packages"]] == [("pkg", 10), ("shop", 1)]
    # The trust change is in the ledger, so a second run records nothing.
    again = json.loads(run_cli("learn", "--json", cwd=git_repo.path).stdout)
    assert again["recorded"] == [] and again["previous_run"] == report["generated_at"]
    assert [t["change"] for t in again["types"]] == [None, None]


def test_learn_text_shows_the_table_trust_and_changes(run_cli, git_repo) -> None:
    ledger, seed = seeded_repo(git_repo)
    seed.success("circular_import", risk="low")
    assert run_cli("learn", "--now", "2026-11-01T00:00:00Z", cwd=git_repo.path).exit_code == 0
    seed.failure("circular_import", "test_failure")
    ledger.close()
    result = run_cli("learn", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    assert list(iter_lines(result.stdout)) == [
        "Learned from 2 upgrades (adaptive thresholds on, outcome-based scoring on)",
        "type             attempts  successes  estimate  trust    failures",
        "circular_import  2         1          0.50      default  test_failure 1",
        "Outcomes: 2 attempted: 1 merged, 1 failed; 0 refused; success rate 50.0% of attempted",
        "type             attempted  merged  failed  refused  success rate",
        "circular_import  2          1       1       0        50.0%",
        "Trust",
        "circular_import: 1/2 succeeded since the start; needs 10 attempts at 95% or better",
        "By top-level package",
        "package  attempts  successes  estimate",
        "pkg      2         1          0.50",
        "Since the last run (2026-11-01T00:00:00.000000Z)",
        "circular_import: +1 attempts, +0 successes; estimate 0.67 -> 0.50",
    ]


def test_learn_on_an_empty_ledger(run_cli, git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("learn", cwd=git_repo.path)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Learned from 0 upgrades (adaptive thresholds on, outcome-based scoring on)",
        "  no upgrade has finished yet",
    ]


def test_bad_now_is_a_usage_error(run_cli, git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("learn", "--now", "yesterday", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: Invalid value for --now: not an ISO 8601 time: yesterday"
