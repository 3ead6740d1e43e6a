"""A tiny rule strategy registered by the fallback tests in place of a real one."""

from __future__ import annotations

from pathlib import Path

from gitupgrade.config import Config
from gitupgrade.refactor.result import ChangeKind, FileChange, RefactorResult, Status
from gitupgrade.suggestion import Suggestion

MARKER = "# rewritten by the rule probe\n"


class ProbeStrategy:
    """Appends a marker comment to the first affected file."""

    type = "god_class"
    description = "test probe"
    risk = "medium"

    def apply(self, workdir: Path, suggestion: Suggestion, config: Config) -> RefactorResult:
        path = suggestion.affected_modules[0]
        target = workdir / path
        target.write_text(target.read_text() + MARKER)
        return RefactorResult(
            Status.APPLIED,
            suggestion.id,
            f"rule:{suggestion.type}",
            changes=(FileChange(path, ChangeKind.MODIFY),),
            summary="probe",
        )
