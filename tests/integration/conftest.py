"""Fixtures of the integration tests: a bare remote and a ``git-upgrade`` on PATH."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT


@pytest.fixture
def tool_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``git-upgrade`` script for this interpreter and this checkout, first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "git-upgrade"
    script.write_text(f"#!/bin/sh\nPYTHONPATH='{PROJECT_ROOT}' exec '{sys.executable}' -m gitupgrade \"$@\"\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return script


@pytest.fixture
def bare_remote(tmp_path: Path) -> Path:
    """An empty bare repository in tmp_path, to push to."""
    path = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    return path
