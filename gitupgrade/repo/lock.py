"""The one-runner lock: a file holding the owner's pid, host and start time.

Only one ``git upgrade run`` (or approve, rollback, gc) may change refs and the
staging worktree at a time. The lock file is created atomically with its full
content (written to a private file, then hard-linked into place, which fails if
the lock exists), so a reader never sees a half-written owner. A lock whose
owner process is gone (same host, pid dead or reused) is stale: it is taken
over and the takeover is reported, so a kill -9 never wedges the repository.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gitupgrade.errors import LockHeldError
from gitupgrade.files import write_atomically
from gitupgrade.repo.core import GitRepo

LOCK_NAME = "run.lock"


@dataclass(frozen=True)
class LockOwner:
    """Who holds the lock: process id, host, process start time, when and why it was taken."""

    pid: int
    host: str
    process_start: str | None
    acquired_at: float
    command: str
    upgrade_id: str | None = None

    def describe(self) -> str:
        """One phrase naming the owner, for messages."""
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self.acquired_at))
        doing = f", working on {self.upgrade_id}" if self.upgrade_id else ""
        return f"'{self.command}' (pid {self.pid} on {self.host}, since {since} UTC{doing})"


def process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot), None when unknown."""
    # It tells a live owner from a reused pid.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_alive(pid: int, started: str | None) -> bool:
    """Whether the process ``pid`` that started at ``started`` (``process_start``; on this host) still runs."""
    if not _alive(pid):
        return False
    current = process_start(pid)
    return started is None or current is None or current == started


def _is_stale(owner: LockOwner) -> bool:
    if owner.host != socket.gethostname():
        return False  # we cannot see another machine's processes; never steal its lock
    return not process_alive(owner.pid, owner.process_start)


class RunnerLock:
    """The lock file ``<state dir>/run.lock``; use as a context manager or acquire/release."""

    def __init__(self, repo: GitRepo, command: str) -> None:
        self.path = repo.state_dir / LOCK_NAME
        self.command = command
        self.owner: LockOwner | None = None
        self.stale_owner: LockOwner | None = None

    def read_owner(self) -> LockOwner | None:
        """The current owner, or None when the lock is free (or unreadable)."""
        return read_lock_owner(self.path)

    def acquire(self) -> RunnerLock:
        """Take the lock; a stale lock is taken over (``stale_owner`` says whose it was)."""
        pid = os.getpid()
        owner = LockOwner(pid, socket.gethostname(), process_start(pid), time.time(), self.command)
        for _ in range(3):
            if self._create(owner):
                self.owner = owner
                return self
            held = self.read_owner()
            if held is None:
                continue  # released (or corrupt and removed) between our two looks; try again
            if not _is_stale(held):
                raise LockHeldError(
                    f"another git upgrade is running: {held.describe()}",
                    hint="wait for it to finish; read-only commands (status, ledger, diff) work meanwhile",
                )
            self.stale_owner = held
            self._remove_if_owned_by(held)
        raise LockHeldError("could not take the upgrade lock", hint=f"check {self.path}")

    def update(self, upgrade_id: str | None) -> None:
        """Record which upgrade the owner works on now (shown by ``status``)."""
        if self.owner is None:
            return
        self.owner = LockOwner(**{**asdict(self.owner), "upgrade_id": upgrade_id})
        write_atomically(self.path, json.dumps(asdict(self.owner)))

    def release(self) -> None:
        """Give the lock back (only if we still own it)."""
        if self.owner is not None:
            self._remove_if_owned_by(self.owner)
            self.owner = None

    def __enter__(self) -> RunnerLock:
        return self if self.owner is not None else self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def _create(self, owner: LockOwner) -> bool:
        tmp = self.path.with_name(f"{LOCK_NAME}.{owner.pid}.tmp")
        tmp.write_text(json.dumps(asdict(owner)))
        try:
            os.link(tmp, self.path)
            return True
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)

    def _remove_if_owned_by(self, owner: LockOwner) -> None:
        held = self.read_owner()
        if held is None or (held.pid, held.host, held.acquired_at) == (owner.pid, owner.host, owner.acquired_at):
            self.path.unlink(missing_ok=True)


def read_lock_owner(path: Path) -> LockOwner | None:
    """The owner recorded in a lock file, or None when there is none (a corrupt file counts as none)."""
    try:
        data = json.loads(path.read_text())
        return LockOwner(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        # A lock file we cannot parse was not written by us atomically: treat it as free.
        path.unlink(missing_ok=True)
        return None


def current_owner(repo: GitRepo) -> LockOwner | None:
    """Who runs now (None when nobody, or when the recorded owner is dead), without taking the lock."""
    owner = read_lock_owner(repo.state_dir / LOCK_NAME)
    return None if owner is None or _is_stale(owner) else owner
