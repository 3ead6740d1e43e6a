"""Fixtures of the manager tests: the test strategy, a fixture project with a pytest suite."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from gitupgrade.manager import UpgradeManager
from gitupgrade.refactor import registry
from gitupgrade.repo import GitRepo
from tests.conftest import PROJECT_ROOT, GitRepoBuilder
from tests.manager.strategies import PLUGIN_DIR, TYPE, register

CALC = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"
TESTS = (
    "from pkg.calc import add, mul\n\n\n"
    "def test_add():\n    assert add(2, 3) == 5\n\n\n"
    "def test_mul():\n    assert mul(2, 3) == 6\n"
)
# Blocks while the file named by $GATE_DIR/block exists, but only once an upgrade set
# pkg.calc.GATED (so the baseline run never blocks); used for kill -9 and timeouts.
GATE_TEST = (
    "import os, time\nimport pkg.calc\n\n\n"
    "def test_gate():\n"
    "    gate = os.environ.get('GATE_DIR')\n"
    "    if not getattr(pkg.calc, 'GATED', False) or not gate:\n        return\n"
    "    open(os.path.join(gate, 'partial'), 'w').write(str(os.getpid()))\n"
    "    os.rename(os.path.join(gate, 'partial'), os.path.join(gate, 'started'))\n"
    "    deadline = time.time() + 60\n"
    "    while os.path.exists(os.path.join(gate, 'block')) and time.time() < deadline:\n"
    "        time.sleep(0.02)\n"
)
CONFIG = (
    "self_upgrading:\n  validation:\n"
    "    test_command: PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 python -m pytest -q -p no:cacheprovider tests\n"
    "    timeout_seconds: 60\n"
)


@pytest.fixture(autouse=True)
def user_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """``python`` on PATH is this interpreter (as in an activated virtualenv), not a slow shim."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))


@pytest.fixture(autouse=True)
def test_strategy() -> Any:
    """The ``test_edit`` strategy is registered for the duration of each test."""
    register()
    yield
    registry._STRATEGIES.pop(TYPE, None)


# The same checks as a shell script: no interpreter start, so tests of the flow stay fast.
# It blocks like GATE_TEST, and moves main once (as a colleague pushing would) when the
# staged code says MOVE and $MOVE_REPO is set.
CHECK_SH = """set -e
grep -q 'return a + b' src/pkg/calc.py
grep -q 'return a \\* b' src/pkg/calc.py
if grep -q GATED src/pkg/calc.py && [ -n "$GATE_DIR" ]; then
  echo $$ > "$GATE_DIR/partial" && mv "$GATE_DIR/partial" "$GATE_DIR/started"
  while [ -e "$GATE_DIR/block" ]; do sleep 0.02; done
fi
if grep -q MOVE src/pkg/calc.py && [ -n "$MOVE_REPO" ] && [ ! -e "$MOVE_REPO.moved" ]; then
  touch "$MOVE_REPO.moved"
  git -C "$MOVE_REPO" commit -q --allow-empty -m moved
fi
"""
QUICK_CONFIG = "self_upgrading:\n  validation:\n    test_command: sh tests/check.sh\n    timeout_seconds: 60\n"


@pytest.fixture
def quick_project(git_repo: GitRepoBuilder) -> GitRepoBuilder:
    """The same project validated by ``sh tests/check.sh`` (exit status only, no JUnit)."""
    git_repo.commit(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/calc.py": CALC,
            "tests/check.sh": CHECK_SH,
            "config.yaml": QUICK_CONFIG,
            ".gitignore": "*.pyc\n__pycache__/\n",
        },
        "project",
    )
    return git_repo


@pytest.fixture
def project(git_repo: GitRepoBuilder) -> GitRepoBuilder:
    """A src-layout project with a passing two-test suite, committed on main."""
    git_repo.commit(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/calc.py": CALC,
            "tests/test_calc.py": TESTS,
            "tests/test_gate.py": GATE_TEST,
            "config.yaml": CONFIG,
            ".gitignore": "*.pyc\n__pycache__/\n",
        },
        "project",
    )
    return git_repo


def manager_for(builder: GitRepoBuilder) -> UpgradeManager:
    """An UpgradeManager on the builder's repository."""
    return UpgradeManager(GitRepo.discover(builder.path))


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of ``python -m gitupgrade`` in a child: our code and the test strategy."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PLUGIN_DIR), str(PROJECT_ROOT)])
    env.update(extra)
    return env


def start_cli(*args: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    """Start ``python -m gitupgrade`` as a real process (to kill or to race)."""
    return subprocess.Popen(
        [sys.executable, "-m", "gitupgrade", *args],
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(**env),
    )


def cli(*args: str, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gitupgrade`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "gitupgrade", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=timeout,
        env=subprocess_env(**env),
    )


def wait_for(path: Path, process: subprocess.Popen[str], deadline: float = 60.0) -> None:
    """Poll (bounded) until ``path`` exists; fail early if the process ended."""
    end = time.monotonic() + deadline
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < end, f"{path} never appeared"
        os.sched_yield()


def process_gone(pid: int, deadline: float = 10.0) -> bool:
    """Whether ``pid`` stops running (absent, or a zombie) within ``deadline`` seconds.

    SIGKILL is delivered asynchronously, so this polls (bounded) instead of looking once.
    """
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        os.sched_yield()
    return False
