"""A pip install into a fresh virtualenv ships the manual where ``git upgrade --help`` finds it."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

# Offline: the venv sees this interpreter's packages (the dependencies, setuptools, wheel) and
# pip builds the checkout with them, without an index.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("wheel") is None, reason="building offline needs the wheel package (pip install .[test])"
)


def test_git_upgrade_help_shows_the_manual_after_pip_install(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    for folder in ("gitupgrade", "man"):
        shutil.copytree(PROJECT_ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert installed.returncode == 0, installed.stderr
    assert (venv / "share" / "man" / "man1" / "git-upgrade.1").read_text() == (
        PROJECT_ROOT / "man" / "man1" / "git-upgrade.1"
    ).read_text()

    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("MANPATH", raising=False)
    monkeypatch.setenv("PATH", f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin")
    monkeypatch.setenv("MANPAGER", "cat")
    monkeypatch.setenv("PAGER", "cat")
    monkeypatch.setenv("MANWIDTH", "80")
    direct = subprocess.run(["git-upgrade", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert direct.returncode == 0, direct.stderr
    assert direct.stdout.splitlines()[0] == "Usage: git upgrade [OPTIONS] COMMAND [ARGS]..."
    plain = subprocess.run(["git", "upgrade", "help", "completion"], capture_output=True, text=True, cwd=tmp_path)
    assert plain.stdout.splitlines()[0] == "  git upgrade completion [OPTIONS] {bash|fish|zsh}"

    if shutil.which("man") is None:
        pytest.skip("man is not installed: git upgrade --help (git runs man) cannot be shown here")
    manual = subprocess.run(["git", "upgrade", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert manual.returncode == 0, manual.stderr
    lines = manual.stdout.splitlines()
    assert lines[0].split() == ["GIT-UPGRADE(1)", "Git", "Manual", "GIT-UPGRADE(1)"]
    assert "       git upgrade [OPTIONS] COMMAND [ARGS]..." in lines
