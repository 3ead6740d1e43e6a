"""Fixtures of the Python API tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def user_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """``python`` on PATH is this interpreter (as in an activated virtualenv)."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
