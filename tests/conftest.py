"""Fixtures: real git repositories in tmp_path, with the user's git config isolated."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gitupgrade.cli.main import cli

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXED_DATE = "2026-01-01T12:00:00+00:00"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees a fresh HOME and global git config with a fixed identity and dates."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(var, FIXED_DATE)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    # pygit2 reads the global config through libgit2's search path, which follows HOME;
    # reset it so a cached path from another test is not reused.
    import pygit2

    for level in (pygit2.enums.ConfigLevel.GLOBAL, pygit2.enums.ConfigLevel.XDG):
        pygit2.settings.search_path[level] = str(home)
    pygit2.settings.search_path[pygit2.enums.ConfigLevel.SYSTEM] = str(home / "nosystem")


class GitRepoBuilder:
    """A real repository in tmp_path, built with the git CLI."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, check: bool = True, input: str | None = None) -> str:
        """Run git in the repository and return its stdout."""
        done = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True, input=input, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def write(self, files: dict[str, str | bytes]) -> None:
        """Write files (text or bytes) relative to the work tree."""
        for rel, content in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)

    def commit(self, files: dict[str, str | bytes] | None = None, message: str = "commit") -> str:
        """Write ``files``, stage everything and commit; returns the new commit id."""
        if files:
            self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self, rev: str = "HEAD") -> str:
        """The commit id of ``rev``."""
        return self.git("rev-parse", rev).strip()


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepoBuilder:
    """An empty repository on branch ``main``."""
    return GitRepoBuilder(tmp_path / "repo")


@pytest.fixture
def make_repo(tmp_path: Path) -> Any:
    """A factory of repositories: ``make_repo(name)``."""

    def factory(name: str) -> GitRepoBuilder:
        return GitRepoBuilder(tmp_path / name)

    return factory


class CliRun:
    """Runs ``git upgrade`` in-process through click, from a chosen directory."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        old = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            return self.runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        finally:
            os.chdir(old)


@pytest.fixture
def run_cli() -> CliRun:
    """Invoke the real CLI in-process: ``run_cli("scan", "--json", cwd=repo.path)``."""
    return CliRun()


def run_cli_subprocess(*args: str, cwd: Path, timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gitupgrade`` as a real process (for locks, signals and hooks)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-m", "gitupgrade", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )


def on_a_terminal(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``args`` (in ``env``, else ours) with stdout and stderr on a pseudo-terminal; all it printed.

    The terminal's line endings (``\\r\\n``) are read back as ``\\n``; the process must exit 0.
    """
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, cwd=cwd, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


def iter_lines(text: str) -> Iterator[str]:
    """Non-empty stripped lines of ``text``."""
    return (line.strip() for line in text.splitlines() if line.strip())
