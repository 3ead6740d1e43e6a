"""The house checks run with the tests: ruff check, ruff format --check and mypy --strict on gitupgrade/.

Each runs as the project configures it in pyproject.toml, from the root of this checkout, so
a lint error, an unformatted file or a type error fails the README's test command (and .ci/run).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# mypy keeps its cache in the checkout's .mypy_cache (ignored by git): warm, a run takes seconds.
CHECKS = {
    "ruff check": ["ruff", "check", "--no-cache", "."],
    "ruff format": ["ruff", "format", "--check", "--no-cache", "."],
    "mypy": ["mypy"],
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_house_check_passes(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *CHECKS[name]], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{name} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"


def test_mypy_is_strict_on_the_package() -> None:
    """The configuration the check relies on: strict, on gitupgrade/, no errors switched off wholesale."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True and config["files"] == ["gitupgrade"]
    assert "ignore_errors" not in config and "disable_error_code" not in config
    assert not config.get("overrides")
    assert "ignore-without-code" in config["enable_error_code"]
