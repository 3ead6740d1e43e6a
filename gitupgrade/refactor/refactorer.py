"""CodeRefactorer: dispatches a suggestion to its strategy, inside the staging worktree."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gitupgrade.config import Config
from gitupgrade.interrupt import reraise_if_interrupted
from gitupgrade.refactor import registry
from gitupgrade.refactor.result import RefactorResult
from gitupgrade.suggestion import Suggestion


class CodeRefactorer:
    """Applies suggestions to the files of one work directory (the core_v2 worktree)."""

    def __init__(self, workdir: str | Path, config: Config) -> None:
        self.workdir = Path(workdir)
        self.config = config

    def execute_refactor(self, suggestion: Suggestion) -> RefactorResult:
        """Apply ``suggestion`` with its strategy; a refusal or failure changes nothing."""
        if suggestion.strategy == "llm":
            # Imported here: commands that never ask a model do not load it; an unreachable
            # model falls back to this type's rule strategy (the recursive call below).
            from gitupgrade.refactor.llm import propose_or_fall_back

            return propose_or_fall_back(
                self.workdir,
                suggestion,
                self.config,
                lambda: self.execute_refactor(replace(suggestion, strategy="rule")),
            )
        strategy = registry.strategy_for(suggestion.type)
        if strategy is None:
            return RefactorResult.refused(
                suggestion.id, f"rule:{suggestion.type}", f"no strategy handles {suggestion.type}"
            )
        try:
            return strategy.apply(self.workdir, suggestion, self.config)
        except Exception as exc:  # noqa: BLE001 - one bad strategy run never stops the queue
            reraise_if_interrupted(exc)  # but Ctrl-C does, whatever error it left behind
            return RefactorResult.failed(suggestion.id, f"rule:{suggestion.type}", f"{type(exc).__name__}: {exc}")
