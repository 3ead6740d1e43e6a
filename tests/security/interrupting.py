"""A strategy that waits for Ctrl-C and then fails as libcst did in the report.

While Python unwinds the KeyboardInterrupt, a ``finally`` block raises KeyError
(libcst's cleanup over a half-built mapping raised ``KeyError: IndentedBlock(...)``),
which replaces the interrupt: before the fix the run recorded "failed: KeyError"
and exited 0. The strategy announces that it is waiting by writing
``$INTERRUPT_GATE/started``, so the test signals at a known point without sleeping.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from gitupgrade.refactor.result import RefactorResult
from gitupgrade.suggestion import Suggestion, stable_id

TYPE = "test_interrupt"


def announce(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all, so a waiting test never reads it half-written."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.rename(path)


class InterruptedStrategy:
    """Blocks until a signal arrives; its cleanup then raises KeyError."""

    type = TYPE
    description = "wait for Ctrl-C, then fail in cleanup (tests only)"
    risk = "low"

    def apply(self, workdir: Path, suggestion: Suggestion, config: Any) -> RefactorResult:
        gate = Path(os.environ["INTERRUPT_GATE"])
        try:
            announce(gate / "started", str(os.getpid()))
            while True:  # not signal.pause(): a signal landing just before it would never wake it
                time.sleep(0.01)
        finally:
            raise KeyError("IndentedBlock(body=[...])")  # noqa: B012 - the error that replaced the interrupt


def register() -> None:
    """Make the strategy known to the registry under type ``test_interrupt``."""
    from gitupgrade.refactor import registry

    registry.register(TYPE, "tests.security.interrupting:InterruptedStrategy")


def waiting_suggestion() -> Suggestion:
    """A suggestion for the waiting strategy."""
    evidence = {"wait": True}
    return Suggestion(
        id=stable_id(TYPE, evidence),
        type=TYPE,
        title="Wait for Ctrl-C",
        description="test interrupt",
        risk_level="low",
        priority=9,
        affected_modules=("src/pkg/calc.py",),
        evidence=evidence,
    )
