"""Inputs that used to end in exit 3 ("bug"): each is now a clear user error (2) or failure (1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, GitRepoBuilder, run_cli_subprocess


@pytest.fixture
def repo(git_repo: GitRepoBuilder) -> GitRepoBuilder:
    git_repo.commit({"pkg/__init__.py": "", "pkg/a.py": "def f():\n    return 1\n"}, "project")
    return git_repo


def _run_bytes(*args: bytes, cwd: Path, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"gitupgrade", *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", [b"approve", b"describe", b"diff", b"reject", b"rollback"])
def test_an_id_that_is_not_utf8_is_a_user_error(repo: GitRepoBuilder, command: bytes) -> None:
    done = _run_bytes(command, b"upgrade_\xff\xfe", cwd=repo.path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().splitlines() == [
        "error: argument 2 is not valid UTF-8: 'upgrade_\\xff\\xfe'",
        "hint: ids, revisions and names are text; check the argument's encoding",
    ]
    assert repo.git("status", "--porcelain") == ""


def test_a_config_file_that_does_not_exist_is_one_line_and_a_hint(repo: GitRepoBuilder, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    done = run_cli_subprocess("--config", str(missing), "status", cwd=repo.path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: cannot read config file {missing}: No such file or directory",
        "hint: --config takes a readable UTF-8 YAML file",
    ]


def test_a_config_nested_5000_deep_is_a_config_error(repo: GitRepoBuilder, tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("self_upgrading:\n  analysis: " + "[" * 5000 + "]" * 5000 + "\n")
    done = run_cli_subprocess("--config", str(deep), "status", cwd=repo.path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [f"error: {deep}: invalid YAML: nested too deeply"]


@pytest.mark.parametrize(("value", "shown"), [(".inf", "inf"), ("-.inf", "-inf"), (".nan", "nan"), (".NaN", "nan")])
def test_non_finite_numbers_are_rejected(repo: GitRepoBuilder, tmp_path: Path, value: str, shown: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"self_upgrading:\n  validation:\n    timeout_seconds: {value}\n")
    done = run_cli_subprocess("--config", str(config), "config", cwd=repo.path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: {config}: line 3: self_upgrading.validation.timeout_seconds must be a finite number, got {shown}"
    ]
    assert done.stdout == ""


def test_a_committed_config_with_inf_is_refused_by_run(repo: GitRepoBuilder) -> None:
    repo.commit({"config.yaml": "self_upgrading:\n  validation:\n    timeout_seconds: .inf\n"}, "config")
    done = run_cli_subprocess("run", cwd=repo.path)
    assert done.returncode == 2, done.stderr
    assert "timeout_seconds must be a finite number, got inf" in done.stderr.splitlines()[0]


@pytest.mark.parametrize("args", [(b"status",), (b"config",), (b"ledger", b"--json"), (b"scan",)])
def test_stdout_on_a_full_disk_is_one_line_and_exit_1(repo: GitRepoBuilder, args: tuple[bytes, ...]) -> None:
    with open("/dev/full", "wb") as full:
        done = _run_bytes(*args, cwd=repo.path, stdout=full.fileno())
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == ["error: cannot write to standard output: No space left on device"]


def test_a_closed_pipe_on_stdout_is_a_quiet_exit(repo: GitRepoBuilder) -> None:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "gitupgrade", "config"],
        cwd=repo.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first write, as with `| head -0`
    error = process.stderr.read()
    process.wait(timeout=120)
    assert error == b""
    assert process.returncode in (0, 1)
    # every command still works afterwards
    assert run_cli_subprocess("status", cwd=repo.path).returncode == 0
