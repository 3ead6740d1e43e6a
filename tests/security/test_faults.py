"""Faults 7 and 10 of issue 14: an unreadable index heals itself; credentials never reach the notes."""

from __future__ import annotations

import json
import socket
import sqlite3

import pytest

from tests.conftest import GitRepoBuilder
from tests.llm.conftest import SHIPPING
from tests.security.conftest import Team

REBUILT = "note: ledger index was unreadable; rebuilt from refs/notes/upgrades"


def _without_wal(db) -> None:
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)


def _emptied(db) -> None:
    _without_wal(db)
    db.write_bytes(b"")


def _truncated(db) -> None:
    _without_wal(db)
    db.write_bytes(db.read_bytes()[:100])


def _table_dropped(db) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE meta")
    conn.commit()
    conn.close()


def _schema_less(db) -> None:
    conn = sqlite3.connect(db)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(f"DROP TABLE {name}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [_emptied, _truncated, _table_dropped, _schema_less])
def test_fault7_an_unreadable_index_is_rebuilt_from_the_notes(team: Team, damage) -> None:
    # Real processes: each opens and closes its own connections, as on the command line.
    assert team.process("scan").returncode == 0
    before = json.loads(team.process("status", "--json").stdout)
    damage(team.victim.path / ".git" / "upgrade" / "ledger.db")

    status = team.process("status", "--json")

    assert status.returncode == 0, status.stderr
    assert status.stderr.splitlines() == [REBUILT]
    assert json.loads(status.stdout) == before
    again = team.process("status", "--json")
    assert (again.returncode, again.stderr) == (0, "")
    team.assert_every_command_works()
    team.assert_nothing_unvalidated_merged()


def test_fault7_reindex_repairs_an_emptied_index_too(team: Team) -> None:
    assert team.process("scan").returncode == 0
    state = team.victim.path / ".git" / "upgrade"
    for name in ("ledger.db-wal", "ledger.db-shm"):
        (state / name).unlink(missing_ok=True)
    (state / "ledger.db").write_bytes(b"")

    result = team.process("reindex")

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [REBUILT]
    assert result.stdout.startswith("reindexed 3 events from 1 notes")


def test_fault10_credentials_in_the_model_url_never_reach_the_notes_or_the_output(
    git_repo: GitRepoBuilder, run_cli
) -> None:
    # A port nobody listens on: the model is unreachable and the failure names the URL.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://alice:s3cr3t-pw@127.0.0.1:{port}/v1?api_key=TOKEN-42&x=1"
    git_repo.commit(
        {
            "shop/__init__.py": "",
            "shop/shipping.py": SHIPPING,
            "tests/check.sh": "python -c 'import shop.shipping'\n",
            "config.yaml": (
                "self_upgrading:\n  max_upgrade_retries: 1\n"
                "  validation:\n    test_command: sh tests/check.sh\n    timeout_seconds: 60\n"
                f"  llm:\n    provider: openai\n    base_url: {url}\n    model: m\n    timeout_seconds: 2\n"
            ),
        },
        "a complex function",
    )
    ticked = run_cli("tick", "--json", cwd=git_repo.path)
    ran = run_cli("run", "--json", cwd=git_repo.path)
    shown = run_cli("status", cwd=git_repo.path)
    config = run_cli("config", cwd=git_repo.path)

    assert ticked.exit_code == 0, ticked.stderr
    assert ran.exit_code == 0, ran.stderr
    (outcome,) = json.loads(ran.stdout)["upgrades"]
    assert outcome["failure_type"] in ("llm_unavailable", "refused"), outcome
    notes = git_repo.git("log", "-p", "refs/notes/upgrades")
    assert "127.0.0.1" in notes  # the URL is recorded, without its credentials
    assert f'base_url: "http://***@127.0.0.1:{port}/v1?api_key=***&x=1"' in config.stdout
    for secret in ("s3cr3t-pw", "alice", "TOKEN-42"):
        for text in (notes, ran.stdout, ran.stderr, ticked.stdout, shown.stdout, config.stdout):
            assert secret not in text
