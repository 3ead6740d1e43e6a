"""A real (tiny) refactoring strategy for tests: writes the files its suggestion's evidence names.

It follows the Strategy contract (edits under workdir only, returns a RefactorResult),
so the manager runs it exactly as it runs the rule strategies. Subprocess tests load
it through ``sitecustomize.py`` in :data:`PLUGIN_DIR`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitupgrade.refactor.result import ChangeKind, FileChange, RefactorResult, Status
from gitupgrade.suggestion import Suggestion, stable_id

TYPE = "test_edit"
PLUGIN_DIR = Path(__file__).resolve().parent / "plugin"


class EditStrategy:
    """Writes ``evidence["write"]`` ({path: text}) and deletes ``evidence["delete"]``."""

    type = TYPE
    description = "write the files named in the evidence (tests only)"

    def apply(self, workdir: Path, suggestion: Suggestion, config: Any) -> RefactorResult:
        if suggestion.evidence.get("refuse"):
            return RefactorResult.refused(suggestion.id, f"rule:{TYPE}", suggestion.evidence["refuse"])
        changes = []
        for path, text in suggestion.evidence.get("write", {}).items():
            target = workdir / path
            kind = ChangeKind.MODIFY if target.exists() else ChangeKind.CREATE
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            changes.append(FileChange(path, kind))
        for path in suggestion.evidence.get("delete", []):
            (workdir / path).unlink()
            changes.append(FileChange(path, ChangeKind.DELETE))
        return RefactorResult(
            Status.APPLIED,
            suggestion.id,
            f"rule:{TYPE}",
            tuple(changes),
            summary="Rewrote the files named in the evidence.",
        )


def register() -> None:
    """Make the strategy known to the registry under type ``test_edit``."""
    from gitupgrade.refactor import registry

    registry.register(TYPE, "tests.manager.strategies:EditStrategy")


def edit(
    write: dict[str, str],
    *,
    risk: str = "low",
    priority: float = 5,
    title: str | None = None,
    delete: tuple[str, ...] = (),
    affected: tuple[str, ...] | None = None,
    **extra: Any,
) -> Suggestion:
    """A suggestion whose strategy writes ``write`` (its stable id follows the content)."""
    evidence = {"write": write, "delete": list(delete), **extra}
    return Suggestion(
        id=stable_id(TYPE, evidence),
        type=TYPE,
        title=title or f"Rewrite {', '.join(sorted(write))}",
        description="test edit",
        risk_level=risk,
        priority=priority,
        affected_modules=affected if affected is not None else tuple(sorted([*write, *delete])),
        evidence=evidence,
    )
