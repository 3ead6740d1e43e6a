"""Running the project's own commands in the staging worktree, with a time limit.

Commands run through ``/bin/sh -c`` in the worktree with the user's environment
(``python`` is whatever PATH or the active virtualenv gives, not our interpreter),
the worktree's code first on the import path, and in a process group of their own
so that a timeout kills the whole tree of processes. The group id is written to a
file while the command runs, so that a runner killed with -9 leaves enough behind
for the next one to stop the orphaned suite.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gitupgrade.errors import UserError
from gitupgrade.project_python import command_env

OUTPUT_TAIL_CHARS = 4000
_PYTEST = re.compile(r"(^|[\s/])(pytest|py\.test)(\s|$)|-m\s+pytest(\s|$)")
GROUP_FILE = "validation.pgid"
# What /bin/sh says (exit 127) when the first word of a command is not on PATH.
_NOT_FOUND = re.compile(
    r"(?:^|\n)(?:/bin/sh: (?:line )?(?:\d+: )?)?([^\s:]+): (?:command not found|not found|No such file or directory)"
)
_INTERPRETER_HINT = (
    "set validation.test_command to the project's interpreter, e.g. "
    "`.venv/bin/python -m pytest -q` (the import check uses the same interpreter), "
    "or activate the project's virtualenv before running git upgrade"
)


@dataclass(frozen=True)
class TestRun:
    """One run of the test command: counts, per-test outcomes (from JUnit XML), exit status."""

    passed: int
    failed: int
    exit_code: int | None
    timed_out: bool
    seconds: float
    outcomes: dict[str, str] = field(default_factory=dict)
    has_junit: bool = False
    output: str = ""

    @property
    def ok(self) -> bool:
        """Whether the run passed as a whole (pytest's 5, "no tests collected", counts as passing)."""
        return not self.timed_out and self.failed == 0 and self.exit_code in (0, 5)

    def counts(self) -> dict[str, int]:
        """``{"passed", "failed"}`` for the ledger."""
        return {"passed": self.passed, "failed": self.failed}

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for the baseline cache)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestRun:
        """The inverse of :meth:`to_dict`."""
        return cls(**data)


def missing_program_error(program: str) -> UserError:
    """The error for a program (the project's interpreter) that is not on PATH."""
    where = "does not exist" if os.sep in program else "is not on PATH"
    return UserError(f"cannot run the project's tests: `{program}` {where}", hint=_INTERPRETER_HINT)


def is_pytest(command: str) -> bool:
    """Whether ``command`` runs pytest (so ``--junitxml`` can be appended)."""
    return _PYTEST.search(command) is not None


@dataclass(frozen=True)
class CommandResult:
    """Exit code (None on timeout), whether it timed out, wall time and the output's tail."""

    exit_code: int | None
    timed_out: bool
    seconds: float
    output: str


def run_command(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float, state_dir: Path, tail: int = OUTPUT_TAIL_CHARS
) -> CommandResult:
    """Run ``argv`` in its own process group; on timeout kill the whole group (output: its last ``tail`` characters)."""
    log = state_dir / "validation.log"
    group_file = state_dir / GROUP_FILE
    started = time.monotonic()
    with log.open("wb") as out:
        try:
            process = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except FileNotFoundError as exc:
            raise missing_program_error(argv[0]) from exc
        group_file.write_text(json.dumps({"pgid": process.pid, "runner": os.getpid()}))
        try:
            timed_out = not _wait(process, timeout)
            if timed_out:
                kill_group(process.pid)
            exit_code: int | None = None if timed_out else process.wait()
            process.wait()
        except BaseException:
            # Ctrl-C reaches only us (the suite runs in its own session): stop the suite too
            kill_group(process.pid)
            process.wait()
            raise
        finally:
            group_file.unlink(missing_ok=True)
    seconds = time.monotonic() - started
    text = log.read_bytes()[-tail:].decode("utf-8", "replace")
    return CommandResult(exit_code, timed_out, seconds, text)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for ``process`` to exit within ``timeout``; whether it did.

    A pidfd wakes us the moment the child exits; Popen.wait(timeout) polls with
    sleeps of up to 50 ms, which adds up over three commands per upgrade.
    """
    try:
        fd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        try:
            process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        return bool(ready)
    finally:
        os.close(fd)


def kill_group(pgid: int) -> bool:
    """SIGKILL every process of a group; whether any was there."""
    try:
        os.killpg(pgid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def kill_orphaned_run(state_dir: Path) -> str | None:
    """Stop a test run left behind by a runner that died; a message when one was stopped."""
    group_file = state_dir / GROUP_FILE
    try:
        data = json.loads(group_file.read_text())
    except (OSError, ValueError):
        return None
    group_file.unlink(missing_ok=True)
    pgid = int(data.get("pgid", 0))
    if pgid > 0 and kill_group(pgid):
        return f"stopped the test run (process group {pgid}) left by the crashed runner (pid {data.get('runner')})"
    return None


def run_tests(command: str, workdir: Path, timeout: float, state_dir: Path, label: str) -> TestRun:
    """Run the test command; per-test outcomes come from JUnit XML when it is pytest."""
    junit = state_dir / f"junit-{label}.xml"
    junit.unlink(missing_ok=True)
    full = f"{command} --junitxml={_quote(junit)}" if is_pytest(command) else command
    env = command_env(workdir)
    result = run_command(["/bin/sh", "-c", full], workdir, env, timeout, state_dir)
    missing = _NOT_FOUND.search(result.output) if result.exit_code == 127 else None
    # exit 127 from the shell for a word of the command itself: the program is missing, not a test
    if missing and missing.group(1) in command.split():
        raise missing_program_error(missing.group(1))
    outcomes = parse_junit(junit) if junit.exists() else {}
    passed = sum(1 for o in outcomes.values() if o == "passed")
    failed = sum(1 for o in outcomes.values() if o in ("failed", "error"))
    if not outcomes and not result.timed_out and result.exit_code not in (0, 5):
        failed = 1  # no per-test report: the exit status is all we know
    return TestRun(
        passed,
        failed,
        result.exit_code,
        result.timed_out,
        round(result.seconds, 3),
        outcomes,
        bool(outcomes) or junit.exists(),
        result.output,
    )


def parse_junit(path: Path) -> dict[str, str]:
    """``{test id: passed|failed|error|skipped}`` from a JUnit XML report (empty if unreadable)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return {}
    outcomes: dict[str, str] = {}
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
                break
        # A test both failing and erroring (teardown) appears twice; the worse outcome wins.
        if outcomes.get(name) in ("failed", "error"):
            continue
        outcomes[name] = outcome
    return outcomes


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"
