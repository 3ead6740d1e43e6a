"""The UpgradeLedger API on real repositories: state, statistics, catch-up, the index."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from gitupgrade.config import load_config
from gitupgrade.errors import UserError
from gitupgrade.ledger import InvalidEventError, UpgradeLedger
from gitupgrade.repo import GitRepo
from gitupgrade.repo import notes as git_notes
from tests.ledger.helpers import open_ledger, seed, soon


@pytest.fixture
def seeded(git_repo):
    base = git_repo.commit({"pkg/a.py": "x = 1\n", "pkg/b.py": "y = 1\n"}, "base")
    upgrade = git_repo.commit({"pkg/a.py": "x = 2\n"}, "upgrade")
    ledger = open_ledger(git_repo.path)
    seed(ledger, base, upgrade)
    return ledger, base, upgrade


def test_state_is_folded_from_the_events(seeded) -> None:
    ledger, base, upgrade = seeded
    states = {r.id: (r.status, r.attempts, r.failure_type, r.type) for r in ledger.upgrades()}
    assert states == {
        "up_1": ("merged", 1, None, "circular_import"),
        "up_2": ("failed", 2, "test_failure", "god_class"),
        "up_3": ("rolled_back", 1, None, "duplicate_pattern"),
    }
    record = ledger.upgrade("up_1")
    assert (record.commit, record.base_commit, record.merge_commit, record.title) == (
        upgrade,
        base,
        upgrade,
        "Break a cycle",
    )
    assert [r.id for r in ledger.upgrades(status="failed")] == ["up_2"]
    assert ledger.upgrade("nope") is None


def test_statistics(seeded) -> None:
    ledger, _, _ = seeded
    assert ledger.get_upgrade_statistics() == {
        "total_upgrades": 3,
        # attempted 3: one merged, one failed, one merged and rolled back (no longer merged)
        "attempted": 3,
        "merged": 1,
        "failed": 1,
        "refused": 0,
        "success_rate": 0.3333,
        "by_outcome": {"failed": 1, "merged": 1, "rolled_back": 1},
        "successful_upgrades": 1,
        "failed_upgrades": 1,
        "rollbacks": 1,
        "recent_upgrades": 3,
        "by_status": {"failed": 1, "merged": 1, "rolled_back": 1},
        "type_statistics": {
            kind: {
                "attempted": 1,
                "merged": int(result == "merged"),
                "failed": int(result == "failed"),
                "refused": 0,
                "by_outcome": {result: 1},
                "success_rate": float(result == "merged"),
            }
            for kind, result in (
                ("circular_import", "merged"),
                ("duplicate_pattern", "rolled_back"),
                ("god_class", "failed"),
            )
        },
        "file_changes": {"total_changes": 3, "unique_files": 2},
    }
    later = datetime(2099, 1, 1, tzinfo=UTC)
    assert ledger.get_upgrade_statistics(now=later)["recent_upgrades"] == 0


def test_failure_patterns_and_indicators(seeded) -> None:
    ledger, _, _ = seeded
    assert ledger.analyze_failure_patterns() == {
        "total_failures": 2,
        "failure_types": {"import_error": 1, "test_failure": 1},
        "by_upgrade_type": {"god_class": 2},
        "recommendations": [
            "Review dependency analysis: moved code broke imports (check re-exports and cycles)",
            "Strengthen test coverage of the affected modules before upgrading them",
        ],
    }
    assert ledger.overview()["indicators"] == {
        "average_execution_seconds": 3.0,
        "rollback_frequency": 0.5,
        "quality": {
            "merged_upgrades_measured": 1,
            "smells_before": 5,
            "smells_after": 3,
            "complexity_before": 40,
            "complexity_after": 31,
            "smells_removed": 2,
            "complexity_removed": 9,
            "technical_debt_removed": 11,
        },
    }


def test_the_overview_counts_the_outcomes_once_and_agrees_with_the_spec_methods(seeded) -> None:
    ledger, _, _ = seeded
    now = datetime(2026, 12, 1, tzinfo=UTC)
    ledger.catch_up()
    statements: list[str] = []
    ledger.index.conn.set_trace_callback(statements.append)
    try:
        overview = ledger.overview(now)
    finally:
        ledger.index.conn.set_trace_callback(None)
    # the statistics and the failure patterns both need the outcomes: one query reads them
    outcome_query = "LEFT JOIN upgrade_executions x ON x.event_hash = u.last_execution"
    assert sum(outcome_query in statement for statement in statements) == 1
    assert overview["statistics"] == ledger.get_upgrade_statistics(now)
    assert overview["failure_analysis"] == ledger.analyze_failure_patterns()


def test_a_type_that_keeps_failing_gets_a_recommendation(git_repo) -> None:
    base = git_repo.commit({"a.py": "x = 1\n"})
    ledger = open_ledger(git_repo.path)
    from tests.ledger.helpers import execution

    ledger.append_many(
        [
            ("upgrade_executed", base, execution(f"u{i}", "failed", base, kind="god_module", failure_type="timeout"))
            for i in range(3)
        ]
    )
    assert ledger.analyze_failure_patterns()["recommendations"] == [
        "Speed up the test suite or raise validation.timeout_seconds",
        "Lower the priority of god_module upgrades: 3 of 3 failed",
    ]


def test_events_and_last_scan(seeded) -> None:
    ledger, base, _ = seeded
    assert [e["event"] for e in ledger.events(upgrade_id="up_2")] == [
        "upgrade_queued",
        "upgrade_executed",
        "upgrade_executed",
    ]
    assert [e["event"] for e in ledger.events(kind="learning")] == ["learning"]
    scan = ledger.last_scan()
    assert (scan["commit"], scan["queued"], scan["summary"]["suggestions"]) == (base, ["up_1", "up_2", "up_3"], 3)
    everything = ledger.events()
    assert [e["ts"] for e in everything] == sorted(e["ts"] for e in everything)
    assert len(everything) == 11


def test_events_go_to_the_notes_of_the_right_commits(seeded, git_repo) -> None:
    _, base, upgrade = seeded
    kinds_on = {
        c: [
            line.split('"event":"')[1].split('"')[0]
            for line in git_repo.git("notes", "--ref=upgrades", "show", c).splitlines()
        ]
        for c in (base, upgrade)
    }
    assert kinds_on[upgrade] == ["upgrade_executed", "upgrade_merged", "upgrade_executed", "rollback"]
    assert kinds_on[base][:4] == ["scan", "upgrade_queued", "upgrade_queued", "upgrade_queued"]


def test_the_index_fills_the_spec_tables(seeded, git_repo) -> None:
    ledger, _, upgrade = seeded
    conn = sqlite3.connect(ledger.db_path)
    blob = git_repo.head(f"{upgrade}:pkg/a.py")
    assert conn.execute("SELECT path, blob_id, commit_id FROM file_versions ORDER BY path").fetchall() == [
        ("pkg/a.py", blob, upgrade),
        ("pkg/b.py", git_repo.head(f"{upgrade}:pkg/b.py"), upgrade),
    ]
    # The execution event itself records the versions it wrote (the note stays complete).
    executed = ledger.events(upgrade_id="up_1", kind="upgrade_executed")[0]
    assert [(f["path"], f["blob"]) for f in executed["file_versions"]] == [("pkg/a.py", blob)]
    assert executed["files"] == [{"path": "pkg/a.py", "change": "MODIFY", "added": 2, "removed": 1}]
    counts = {
        t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("upgrade_scans", "upgrade_executions", "file_changes", "rollback_operations", "upgrade_learning")
    }
    assert counts == {
        "upgrade_scans": 1,
        "upgrade_executions": 4,
        "file_changes": 3,
        "rollback_operations": 1,
        "upgrade_learning": 1,
    }
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reads_catch_up_with_notes_written_elsewhere(seeded, git_repo) -> None:
    ledger, _, _ = seeded
    other = git_repo.commit({"c.py": "z = 1\n"}, "other")
    line = f'{{"ts":"{soon()}","v":1,"event":"upgrade_rejected","upgrade_id":"up_2"}}'
    git_repo.git("notes", "--ref=upgrades", "add", "-m", line, other)
    assert ledger.upgrade("up_2").status == "rejected"
    assert ledger.index.indexed_tip() == git_repo.head("refs/notes/upgrades")


def test_an_index_of_another_version_is_rebuilt(seeded) -> None:
    ledger, _, _ = seeded
    before = ledger.overview()
    ledger.close()
    conn = sqlite3.connect(ledger.db_path)
    with conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
        conn.execute("DELETE FROM upgrades")
    conn.close()
    assert open_ledger(ledger.repo.workdir).overview() == before


def test_an_invalid_event_writes_nothing(seeded) -> None:
    ledger, base, _ = seeded
    tip = git_notes.notes_tip(ledger.repo)
    with pytest.raises(InvalidEventError):
        ledger.record_execution({"upgrade_id": "up_9", "status": "exploded", "base_commit": base})
    with pytest.raises(UserError):
        ledger.log_rejection("unknown_upgrade")
    assert git_notes.notes_tip(ledger.repo) == tip


def test_ledger_db_path_is_relative_to_the_git_dir(git_repo, tmp_path) -> None:
    head = git_repo.commit({"a.py": "x = 1\n"})
    override = tmp_path / "override.yaml"
    override.write_text("self_upgrading:\n  ledger_db_path: custom/index.sqlite\n")
    repo = GitRepo.discover(git_repo.path)
    ledger = UpgradeLedger(repo, load_config(repo, repo.resolve_commit(), override))
    ledger.log_rejection("up_1", commit=head)
    assert (git_repo.path / ".git" / "custom" / "index.sqlite").is_file()
    assert not (git_repo.path / ".git" / "upgrade" / "ledger.db").exists()


def test_the_ledger_survives_gc_and_travels_with_a_clone(seeded, git_repo, tmp_path) -> None:
    ledger, _, _ = seeded
    before = ledger.overview()
    git_repo.git("gc", "-q", "--prune=now")
    assert open_ledger(git_repo.path).overview() == before
    clone = tmp_path / "clone"
    git_repo.git("clone", "-q", str(git_repo.path), str(clone))
    git_repo.git("-C", str(clone), "fetch", "-q", "origin", "refs/notes/upgrades:refs/notes/upgrades")
    assert open_ledger(clone).overview() == before


def test_file_versions_of_a_foreign_event_are_read_from_git(git_repo) -> None:
    commit = git_repo.commit({"pkg/a.py": "x = 1\n"})
    line = (
        f'{{"ts":"{soon()}","v":1,"event":"upgrade_executed","upgrade_id":"up_x",'
        f'"status":"merged","commit":"{commit}","files":[{{"path":"pkg/a.py","change":"MODIFY"}}]}}'
    )
    git_repo.git("notes", "--ref=upgrades", "add", "-m", line, commit)
    ledger = open_ledger(git_repo.path)
    assert ledger.upgrade("up_x").status == "merged"
    rows = sqlite3.connect(ledger.db_path).execute("SELECT path, blob_id, commit_id FROM file_versions").fetchall()
    assert rows == [("pkg/a.py", git_repo.head(f"{commit}:pkg/a.py"), commit)]
