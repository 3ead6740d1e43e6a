"""``git upgrade tick``: scans once when due, not again before the interval; runs auto-approved upgrades."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from gitupgrade.learning import Learner
from gitupgrade.learning.ticker import select_auto_approved
from tests.conftest import run_cli_subprocess
from tests.learning.seed import Seeder, make_suggestion, open_ledger

# A benign import cycle (app.b only uses app.a inside a function) and a test suite that passes.
PROJECT = {
    "app/__init__.py": "",
    "app/a.py": "from app.b import helper\n\n\ndef run():\n    return helper() + 1\n",
    "app/b.py": "import app.a\n\n\ndef helper():\n    return 1\n\n\ndef twice():\n    return app.a.run() * 2\n",
    "tests/test_app.py": (
        "from app.a import run\nfrom app.b import twice\n\n\n"
        "def test_run():\n    assert run() == 2\n    assert twice() == 4\n"
    ),
}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_tick_scans_and_upgrades_once_when_due_and_not_again_before_the_interval(run_cli, git_repo) -> None:
    git_repo.commit({**PROJECT, "config.yaml": "self_upgrading:\n  auto_upgrade_enabled: true\n"})
    start = datetime.now(UTC)
    first = run_cli("tick", "--json", "--now", iso(start), cwd=git_repo.path)
    assert first.exit_code == 0, first.stderr
    done = json.loads(first.stdout)
    assert (done["due"], done["suggestions"], len(done["queued"]), done["auto_upgrade"]) == (True, 1, 1, True)
    [upgrade] = done["ran"]
    assert (upgrade["upgrade_id"], upgrade["status"]) == (done["queued"][0], "merged")
    assert git_repo.head("main") == upgrade["merge_commit"]

    for later in (timedelta(hours=1), timedelta(hours=167)):
        quiet = run_cli("tick", "--now", iso(start + later), cwd=git_repo.path)
        assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")

    again = run_cli("tick", "--now", iso(start + timedelta(hours=169)), cwd=git_repo.path)
    assert again.exit_code == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[0] == f"scanned {git_repo.head('main')[:10]}: 0 suggestions, 0 queued, 0 filtered"
    assert lines[1] == f"next scan: {iso(start + timedelta(hours=169))}"  # the clock is pretend, the scan real
    _, ledger = open_ledger(git_repo.path)
    assert len(ledger.events(kind="scan")) == 2
    ledger.close()

    # The real run is an outcome the learner counts.
    learned = json.loads(run_cli("learn", "--json", cwd=git_repo.path).stdout)
    assert [(t["type"], t["attempts"], t["successes"]) for t in learned["types"]] == [("circular_import", 1, 1)]


def test_tick_without_auto_upgrade_only_scans_and_queues(run_cli, git_repo) -> None:
    git_repo.commit(PROJECT)
    before = git_repo.head("main")
    result = run_cli("tick", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == f"scanned {before[:10]}: 1 suggestions, 1 queued, 0 filtered"
    assert second.startswith("next scan: ")
    assert git_repo.head("main") == before
    _, ledger = open_ledger(git_repo.path)
    assert [r.status for r in ledger.upgrades()] == ["pending"]
    ledger.close()


def test_manual_schedule_never_scans_and_verbose_says_so(run_cli, git_repo) -> None:
    git_repo.commit({**PROJECT, "config.yaml": "self_upgrading:\n  scan_schedule: manual\n"})
    assert run_cli("tick", cwd=git_repo.path).stdout == ""
    verbose = run_cli("tick", "-v", cwd=git_repo.path)
    assert (verbose.exit_code, verbose.stdout) == (0, "no scan due; next scan: never (manual schedule)\n")
    assert json.loads(run_cli("tick", "--json", cwd=git_repo.path).stdout)["due"] is False


def test_tick_as_a_real_process_is_quiet_when_nothing_is_due(git_repo) -> None:
    git_repo.commit({**PROJECT, "config.yaml": "self_upgrading:\n  scan_schedule: daily\n"})
    _, ledger = open_ledger(git_repo.path)
    ledger.record_scan(git_repo.head(), {"modules": 3, "suggestions": 1}, [], [], 0)
    ledger.close()
    done = run_cli_subprocess("tick", cwd=git_repo.path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_only_auto_approved_pending_upgrades_are_selected(git_repo) -> None:
    git_repo.commit({"pkg/__init__.py": "", "pkg/mod.py": "x = 1\n"})
    _, ledger = open_ledger(git_repo.path)
    seed = Seeder(ledger, git_repo.head())
    low = seed.queue(make_suggestion(900, "circular_import", risk="low"))
    medium = seed.queue(make_suggestion(901, "god_class", risk="medium"))
    learner = Learner(ledger, ledger.config)
    approved, review = select_auto_approved(ledger, learner)
    assert approved == [low]
    assert review == [(medium, "risk policy requires review for medium-risk upgrades")]
    for _ in range(10):
        seed.success("god_class")
    approved, _ = select_auto_approved(ledger, learner)
    assert approved == [low, medium]
    ledger.close()
