"""Two real processes logging at once lose nothing, in the notes or in the index."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys

from tests.conftest import PROJECT_ROOT
from tests.ledger.helpers import open_ledger

WRITER = """
import sys
from gitupgrade.config import default_config
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo

path, name, commit, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ledger = UpgradeLedger(GitRepo.discover(path), default_config())
print("ready", flush=True)
sys.stdin.readline()  # the parent starts both writers at once
for i in range(count):
    ledger.log_rejection(f"{name}_{i:03d}", commit=commit)
"""


def test_two_processes_logging_200_events_each(git_repo) -> None:
    base = git_repo.commit({"a.py": "x = 1\n"})
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(git_repo.path), name, base, "200"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    for writer in writers:
        assert writer.stdout.readline() == "ready\n"
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err

    note = git_repo.git("notes", "--ref=upgrades", "show", base).splitlines()
    assert len(note) == len(set(note)) == 400
    assert note == sorted(note)  # time order, as cat_sort_uniq would leave it
    # One notes commit per event: the audit trail has every append.
    subjects = git_repo.git("log", "--format=%s", "refs/notes/upgrades").splitlines()
    assert len(subjects) == 400 and all(s.startswith("ledger: upgrade_rejected ") for s in subjects)
    # The writers really ran at once: their notes commits interleave.
    sides = [s.split()[-1].split("_")[0] for s in subjects]
    assert sum(a != b for a, b in itertools.pairwise(sides)) > 2
    db = git_repo.path / ".git" / "upgrade" / "ledger.db"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 400
    assert conn.execute("SELECT COUNT(*) FROM upgrades WHERE status = 'rejected'").fetchone()[0] == 400
    conn.close()
    ids = {r.id for r in open_ledger(git_repo.path).upgrades(status="rejected")}
    assert ids == {f"{side}_{i:03d}" for side in ("left", "right") for i in range(200)}
    git_repo.git("fsck", "--no-progress")
