"""The frame every rule-based strategy runs in: undo on refusal or failure, results as values."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitupgrade.interrupt import reraise_if_interrupted
from gitupgrade.refactor.result import ChangeKind, RefactorResult, Status
from gitupgrade.refactor.strategies.source import RefusedChange, Workspace

if TYPE_CHECKING:
    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion


@dataclass
class Outcome:
    """What a strategy body reports: summary lines and the parts it left alone."""

    summary: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    # the cohesive groups moved; what stays over the limits has no group worth moving
    partial: bool = False
    # what the change did, for the commit's subject (empty: the suggestion's title)
    title: str = ""


def config_value(config: Config | None, dotted: str, default: Any) -> Any:
    """A configuration value by dotted path, or ``default`` when absent."""
    node: Any = config
    for part in dotted.split("."):
        if not hasattr(node, "__getitem__"):
            return default
        try:
            node = node[part]
        except (KeyError, TypeError):
            return default
    return default if node is None else node


class RuleStrategy:
    """Base class: subclasses implement :meth:`run` and raise RefusedChange to refuse."""

    type = ""
    description = ""

    @property
    def name(self) -> str:
        """How results name this strategy."""
        return f"rule:{self.type}"

    def workspace(self, workdir: Path, suggestion: Suggestion) -> Workspace:
        """The workspace of the suggestion; by default rooted at the evidence's ``path`` and ``module``."""
        evidence = suggestion.evidence
        return Workspace.for_module(workdir, evidence["path"], evidence["module"])

    def run(self, ws: Workspace, suggestion: Suggestion, config: Config) -> Outcome:
        """Edit files through ``ws``; raise RefusedChange to refuse."""
        raise NotImplementedError

    def apply(self, workdir: Path, suggestion: Suggestion, config: Config) -> RefactorResult:
        """Run the strategy; a refusal or an error restores every file it touched."""
        try:
            ws = self.workspace(Path(workdir), suggestion)
        except (KeyError, TypeError, ValueError) as exc:
            return RefactorResult.refused(suggestion.id, self.name, f"evidence incomplete: {exc!r}")
        try:
            outcome = self.run(ws, suggestion, config)
            changes = ws.changes()
            allowed = set(suggestion.affected_modules)
            stray = [c.path for c in changes if c.kind is not ChangeKind.CREATE and c.path not in allowed]
            if stray:
                raise RefusedChange(f"would edit files outside the suggestion: {', '.join(stray)}")
            if not changes:
                raise RefusedChange("; ".join(outcome.refusals) or "nothing to change")
        except RefusedChange as exc:
            ws.restore()
            return RefactorResult.refused(suggestion.id, self.name, str(exc))
        except Exception as exc:  # noqa: BLE001 - a strategy bug must leave the work dir clean
            ws.restore()
            reraise_if_interrupted(exc)
            return RefactorResult.failed(suggestion.id, self.name, f"{type(exc).__name__}: {exc}")
        return RefactorResult(
            Status.APPLIED,
            suggestion.id,
            self.name,
            changes=changes,
            summary="\n".join(outcome.summary),
            refusals=tuple(outcome.refusals),
            title=outcome.title,
        )
