"""The ledger, reindex and sync commands through the real CLI."""

from __future__ import annotations

import json
import re
import sqlite3

from gitupgrade.repo import GitRepo
from gitupgrade.repo.lock import RunnerLock
from tests.ledger.helpers import open_ledger, seed, soon


def _seeded_repo(git_repo):
    base = git_repo.commit({"pkg/a.py": "x = 1\n", "pkg/b.py": "y = 1\n"}, "base")
    upgrade = git_repo.commit({"pkg/a.py": "x = 2\n"}, "upgrade")
    ledger = open_ledger(git_repo.path)
    seed(ledger, base, upgrade)
    ledger.close()
    return base, upgrade


def test_reindex_from_scratch_gives_the_same_ledger(run_cli, git_repo) -> None:
    _seeded_repo(git_repo)
    before = run_cli("ledger", "--json", cwd=git_repo.path)
    assert before.exit_code == 0, before.stderr
    state = git_repo.path / ".git" / "upgrade"
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (state / name).unlink(missing_ok=True)
    done = run_cli("reindex", cwd=git_repo.path)
    assert done.exit_code == 0
    tip = git_repo.head("refs/notes/upgrades")[:10]
    assert re.fullmatch(rf"reindexed 11 events from 2 notes \(notes at {tip}\) in \d+\.\d\d s\n", done.stdout)
    after = run_cli("ledger", "--json", cwd=git_repo.path)
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(after.stdout)["statistics"]["total_upgrades"] == 3


def test_ledger_without_db_rebuilds_it_by_itself(run_cli, git_repo) -> None:
    _seeded_repo(git_repo)
    before = json.loads(run_cli("ledger", "--json", cwd=git_repo.path).stdout)
    (git_repo.path / ".git" / "upgrade" / "ledger.db").unlink()
    assert json.loads(run_cli("ledger", "--json", cwd=git_repo.path).stdout) == before


def test_ledger_for_people(run_cli, git_repo) -> None:
    base, _ = _seeded_repo(git_repo)
    result = run_cli("ledger", cwd=git_repo.path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:9] == [
        "Upgrade ledger",
        "  upgrades executed: 3 (3 attempted: 1 merged, 1 failed; 0 refused; success rate 33.3% of attempted)",
        "  by status: failed 1, merged 1, rolled_back 1",
        "  last 30 days: 3",
        "  rollbacks: 1 (frequency 50.0% of the upgrades ever merged)",
        "  average execution time: 3.0 s",
        "  file changes: 3 in 2 unique files",
        "  code quality of merged upgrades: smells 5 -> 3, complexity 40 -> 31, technical debt removed 11",
        lines[8],
    ]
    assert re.fullmatch(rf"  last scan: \S+Z on {base[:10]}: 3 suggestions, 3 queued, 0 filtered", lines[8])
    assert lines[10:15] == [
        "By type",
        "  type               attempted  merged  failed  refused  success rate",
        "  circular_import    1          1       0       0        100.0%",
        "  duplicate_pattern  1          0       0       0        0.0%",
        "  god_class          1          0       1       0        0.0%",
    ]
    assert lines[-5:] == [
        "Failure analysis: 2 failed or refused executions",
        "  import_error: 1",
        "  test_failure: 1",
        "  recommendation: Review dependency analysis: moved code broke imports (check re-exports and cycles)",
        "  recommendation: Strengthen test coverage of the affected modules before upgrading them",
    ]


def test_empty_ledger(run_cli, git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("ledger", "--json", cwd=git_repo.path)
    data = json.loads(result.stdout)
    assert (data["statistics"]["total_upgrades"], data["last_upgrades"], data["last_scan"]) == (0, [], None)
    assert run_cli("reindex", cwd=git_repo.path).stdout.startswith(
        "reindexed 0 events from 0 notes (notes at no notes)"
    )


def test_malformed_lines_are_skipped_with_one_warning_each(run_cli, git_repo) -> None:
    _seeded_repo(git_repo)
    other = git_repo.commit({"c.py": "z = 1\n"}, "other")
    bad = "{not json\n" + f'{{"ts":"{soon()}","v":7,"event":"scan"}}\n'
    # Another clone's rejection (of up_2: up_1 was merged here, a decision no remote line reverses).
    good = f'{{"ts":"{soon(1)}","v":1,"event":"upgrade_rejected","upgrade_id":"up_2"}}'
    git_repo.git("notes", "--ref=upgrades", "add", "-m", bad + good, other)
    result = run_cli("ledger", "--json", cwd=git_repo.path)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        (
            f"warning: skipped a malformed ledger line in the note of {other[:10]}: "
            "not JSON (Expecting property name enclosed in double quotes at column 2)"
        ),
        f"warning: skipped a malformed ledger line in the note of {other[:10]}: unknown schema version 7",
    ]
    data = json.loads(result.stdout)
    assert data["statistics"]["by_status"] == {"merged": 1, "rejected": 1, "rolled_back": 1}
    again = run_cli("ledger", "--json", cwd=git_repo.path)
    assert (again.stderr, json.loads(again.stdout)) == ("", data)
    reindexed = run_cli("reindex", "--json", cwd=git_repo.path)
    assert len(reindexed.stderr.splitlines()) == 2
    assert json.loads(reindexed.stdout)["skipped"] == 2


def test_a_corrupt_index_is_set_aside_and_rebuilt(run_cli, git_repo) -> None:
    _seeded_repo(git_repo)
    before = json.loads(run_cli("ledger", "--json", cwd=git_repo.path).stdout)
    state = git_repo.path / ".git" / "upgrade"
    for name in ("ledger.db-wal", "ledger.db-shm"):
        (state / name).unlink(missing_ok=True)
    (state / "ledger.db").write_bytes(b"this is not a database" * 100)
    result = run_cli("ledger", "--json", cwd=git_repo.path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == before
    assert len(list(state.glob("ledger.db.corrupt-*"))) == 1


def test_reads_never_wait_for_a_runner(run_cli, git_repo) -> None:
    _seeded_repo(git_repo)
    before = json.loads(run_cli("ledger", "--json", cwd=git_repo.path).stdout)
    # A runner mid-upgrade: it holds the run lock and the index's write lock.
    writer = sqlite3.connect(git_repo.path / ".git" / "upgrade" / "ledger.db", isolation_level=None)
    with RunnerLock(GitRepo.discover(git_repo.path), "run"):
        writer.execute("BEGIN IMMEDIATE")
        try:
            result = run_cli("ledger", "--json", cwd=git_repo.path)
        finally:
            writer.execute("ROLLBACK")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == before
