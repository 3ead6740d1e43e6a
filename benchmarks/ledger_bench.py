"""Ledger speed with 10,000 recorded upgrades: `git upgrade ledger` and a full reindex.

Run: python benchmarks/ledger_bench.py [--upgrades N] [--keep DIR]
Targets (issue 3): `ledger` under 1 s, full reindex under 10 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gitupgrade.config import default_config
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo

BATCH = 1000
TYPES = ("circular_import", "duplicate_pattern", "god_module", "god_class")
FAILURES = ("test_failure", "import_error", "timeout", "syntax_error", "merge_conflict")


def make_repository(path: Path, commits: int) -> list[str]:
    """A repository with a chain of ``commits`` commits, built with git fast-import."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    chunks = []
    for i in range(commits):
        message = f"upgrade {i}\n".encode()
        content = f"VALUE = {i}\n".encode()
        chunks.append(
            b"commit refs/heads/main\n"
            + f"committer Bench <bench@example.com> {1_700_000_000 + i} +0000\n".encode()
            + b"data %d\n%s" % (len(message), message)
            + f"M 644 inline pkg/mod_{i % 200}.py\n".encode()
            + b"data %d\n%s\n" % (len(content), content)
        )
    subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(chunks), cwd=path, check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=path, check=True, env=env)
    out = subprocess.run(
        ["git", "rev-list", "--reverse", "main"], cwd=path, check=True, capture_output=True, text=True
    ).stdout
    return out.split()


def upgrade_events(i: int, base: str, commit: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The events of one upgrade: queued, executed, and merged / rolled back for most."""
    upgrade_id = f"upgrade_20261125_{i:06d}_{i * 2654435761 % 16**6:06x}"
    kind = TYPES[i % len(TYPES)]
    failed = i % 7 == 0
    suggestion = {
        "id": f"{kind}-{i:012x}",
        "type": kind,
        "title": f"Fix {kind} #{i}",
        "description": "",
        "risk_level": "low",
        "priority": 50 + i % 50,
        "affected_modules": [f"pkg/mod_{i % 200}.py"],
        "evidence": {},
        "strategy": "rule",
    }
    execution = {
        "upgrade_id": upgrade_id,
        "status": "failed" if failed else "merged",
        "type": kind,
        "risk_level": "low",
        "branch": f"upgrade/{upgrade_id}",
        "commit": None if failed else commit,
        "base_commit": base,
        "failure_type": FAILURES[i % len(FAILURES)] if failed else None,
        "detail": "",
        "tests": {"baseline": {"passed": 40, "failed": 0}, "after": {"passed": 40 - failed, "failed": int(failed)}},
        "seconds": 1.0 + i % 5,
        "strategy": f"rule:{kind}",
        "files": [{"path": f"pkg/mod_{i % 200}.py", "change": "MODIFY", "added": 3, "removed": 2}],
        "quality": None
        if failed
        else {"smells_before": 3, "smells_after": 2, "complexity_before": 12, "complexity_after": 10},
    }
    events = [
        (
            "upgrade_queued",
            base,
            {
                "upgrade_id": upgrade_id,
                "suggestion": suggestion,
                "priority": suggestion["priority"],
                "base_commit": base,
                "target_branch": "main",
            },
        ),
        ("upgrade_executed", commit if not failed else base, execution),
    ]
    if not failed:
        events.append(
            (
                "upgrade_merged",
                commit,
                {"upgrade_id": upgrade_id, "merge_commit": commit, "target_branch": "main", "fast_forward": True},
            )
        )
        if i % 50 == 0:
            events.append(
                (
                    "rollback",
                    commit,
                    {
                        "upgrade_id": upgrade_id,
                        "revert_commit": commit,
                        "restored_files": [f"pkg/mod_{i % 200}.py"],
                        "seconds": 0.3,
                        "status": "done",
                        "conflicts": [],
                    },
                )
            )
    return events


def timed_cli(path: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall time of one real `git upgrade` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "gitupgrade", *args], cwd=path, env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrades", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="Build the repository here and keep it.")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    path = workdir / "repo"

    started = time.perf_counter()
    commits = make_repository(path, args.upgrades + 1)
    print(f"repository: {len(commits)} commits in {time.perf_counter() - started:.2f} s")

    ledger = UpgradeLedger(GitRepo.discover(path), default_config())
    started = time.perf_counter()
    events = 0
    for start in range(0, args.upgrades, BATCH):
        batch = [
            e
            for i in range(start, min(start + BATCH, args.upgrades))
            for e in upgrade_events(i, commits[i], commits[i + 1])
        ]
        ledger.append_many(batch)
        events += len(batch)
    ledger.close()
    print(f"recorded: {args.upgrades} upgrades, {events} events in {time.perf_counter() - started:.2f} s")

    seconds, _ = timed_cli(path, "ledger")
    seconds_json, done = timed_cli(path, "ledger", "--json")
    print(f"git upgrade ledger: {seconds:.3f} s (--json {seconds_json:.3f} s, {len(done.stdout)} bytes)")
    seconds, done = timed_cli(path, "reindex")
    print(f"git upgrade reindex: {seconds:.3f} s wall; {done.stdout.strip()}")
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (path / ".git" / "upgrade" / name).unlink(missing_ok=True)
    seconds, _ = timed_cli(path, "ledger")
    print(f"git upgrade ledger with no index (rebuilds it by itself): {seconds:.3f} s")
    if args.keep is None:
        subprocess.run(["rm", "-rf", str(workdir)], check=False)


if __name__ == "__main__":
    main()
