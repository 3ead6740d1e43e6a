"""A team for hostile-input tests: a bare remote, a victim clone and an attacker clone.

The project has an import cycle (low risk: merges without review) and a god class
(medium risk: waits for review), validated by ``sh tests/check.sh``. A sibling folder
``outside`` holds files that must never change. The attacker writes notes with the git
CLI directly, as anyone with push access could.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun, GitRepoBuilder, run_cli_subprocess
from tests.ledger.helpers import stamp

NOTES = "refs/notes/upgrades"


def _god_class() -> str:
    lines = ["class Shop:", "    def __init__(self):", "        self.items = []", "        self.total = 0"]
    lines += ["        self.users = []", "        self.logins = 0", ""]
    for i in range(11):
        lines += [f"    def add_item_{i}(self, x):", "        self.items.append(x)", f"        self.total += {i}"]
        lines += ["        return self.total", ""]
    for i in range(11):
        lines += [f"    def add_user_{i}(self, u):", "        self.users.append(u)", f"        self.logins += {i}"]
        lines += ["        return self.logins", ""]
    return "\n".join(lines)


CHECK_SH = (
    "set -e\n"
    'python -c "import pkg.a, pkg.b; assert pkg.b.h() == 1"\n'
    'python -c "from pkg.shop import Shop; s = Shop(); assert s.add_item_3(1) == 3 and s.add_user_2(1) == 2"\n'
)
PROJECT = {
    "pkg/__init__.py": "",
    # a binds a name of b at import time: the cycle fails when b is imported first (unsafe)
    "pkg/a.py": "from pkg.b import g\n\n\ndef f():\n    return g()\n",
    "pkg/b.py": "from pkg import a\n\n\ndef g():\n    return 1\n\n\ndef h():\n    return a.f()\n",
    "pkg/shop.py": _god_class(),
    "tests/check.sh": CHECK_SH,
    "config.yaml": "self_upgrading:\n  validation:\n    test_command: sh tests/check.sh\n    timeout_seconds: 60\n",
    ".gitignore": "__pycache__/\n*.pyc\n",
}


def line(kind: str, upgrade_id: str | None, ts: str | None = None, **payload: Any) -> str:
    """One ledger line as a hand-written (hostile) note would carry it."""
    return json.dumps({"ts": ts or stamp(), "v": 1, "event": kind, "upgrade_id": upgrade_id, **payload})


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the sha256 of its bytes (the folder must not change)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


@dataclass
class Team:
    """The remote, the two clones, the folder beside them, and the CLI."""

    remote: Path
    victim: GitRepoBuilder
    attacker: GitRepoBuilder
    outside: Path
    base: str
    cli: CliRun

    def notes(self, commit: str, *lines: str) -> None:
        """The attacker appends ``lines`` to ``commit``'s note and pushes the notes."""
        for text in lines:
            self.attacker.git("notes", "--ref=upgrades", "append", "-F", "-", commit, input=text)
        self.attacker.git("push", "-q", "origin", f"{NOTES}:{NOTES}")

    def upgrade(self, *args: str) -> Any:
        """``git upgrade ARGS`` in the victim's clone."""
        return self.cli(*args, cwd=self.victim.path)

    def process(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``git upgrade ARGS`` in the victim's clone as a real process (its own SQLite connections)."""
        return run_cli_subprocess(*args, cwd=self.victim.path)

    def upgrade_in_attacker(self, *args: str) -> Any:
        """``git upgrade ARGS`` in the attacker's clone (the tool used as intended)."""
        return self.cli(*args, cwd=self.attacker.path)

    def main(self) -> str:
        """Where the victim's main points."""
        return self.victim.head("refs/heads/main")

    def assert_nothing_unvalidated_merged(self) -> None:
        """Every commit main gained is an upgrade this clone validated and merged itself."""
        from tests.ledger.helpers import open_ledger

        ledger = open_ledger(self.victim.path)
        try:
            for commit in self.victim.git("rev-list", f"{self.base}..refs/heads/main").split():
                message = self.victim.git("show", "-s", "--format=%B", commit)
                ids = [t.split(": ", 1)[1] for t in message.splitlines() if t.startswith("Upgrade-Id: ")]
                assert len(ids) == 1, message
                record = ledger.upgrade(ids[0])
                assert record is not None and record.validated_here and record.status == "merged", record
        finally:
            ledger.close()

    def assert_every_command_works(self) -> None:
        """status, ledger, learn, run, diff, tick and reindex end with 0 or a clear 1/2, never 3."""
        for args in (("status",), ("ledger",), ("learn",), ("run",), ("diff", "upgrade_x"), ("tick",), ("reindex",)):
            result = self.upgrade(*args)
            assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
            assert "bug:" not in result.stderr, (args, result.stderr)


@pytest.fixture(autouse=True)
def user_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """``python`` in the test command is this interpreter."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))


@pytest.fixture
def team(tmp_path: Path, run_cli: CliRun) -> Team:
    """The victim pushed the project; the attacker cloned it; ``outside`` is a sibling folder."""
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "ob.py").write_text("ORDERS = []\n")
    (outside / "pkg" / "b.py").write_text(PROJECT["pkg/b.py"])
    victim = GitRepoBuilder(tmp_path / "victim")
    base = victim.commit(PROJECT, "project")
    remote = tmp_path / "remote.git"
    victim.git("init", "-q", "--bare", str(remote))
    victim.git("remote", "add", "origin", str(remote))
    victim.git("push", "-q", "-u", "origin", "main")
    victim.git("clone", "-q", str(remote), str(tmp_path / "attacker"))
    attacker = GitRepoBuilder.__new__(GitRepoBuilder)
    attacker.path = tmp_path / "attacker"
    return Team(remote, victim, attacker, outside, base, run_cli)
