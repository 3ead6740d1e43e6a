"""Progress of a run, reported as it happens: which upgrade, which stage.

The manager calls a :class:`Progress` at each stage of an upgrade (``baseline`` of the
base commit, ``build`` with the strategy, ``checks`` of syntax and imports, ``tests``
of the staged code, ``merge``); the CLI decides how to show it (a live line on a
terminal, one plain line per stage in a pipe). Library code never prints.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol


class Stage(str, Enum):
    """The stages of one upgrade, in the order they happen."""

    BASELINE = "baseline"
    BUILD = "build"
    CHECKS = "checks"
    TESTS = "tests"
    MERGE = "merge"


class Progress(Protocol):
    """Receives the stage each upgrade enters."""

    def stage(self, upgrade_id: str, stage: Stage) -> None:
        """``upgrade_id`` enters ``stage`` now."""


class NoProgress:
    """Reports nothing (the library default)."""

    def stage(self, upgrade_id: str, stage: Stage) -> None:
        """Ignore the stage."""


NO_PROGRESS: Progress = NoProgress()
