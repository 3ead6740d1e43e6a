"""Fixture projects for the strategies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.refactor.helpers import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty fixture project."""
    return Project(tmp_path / "proj")
