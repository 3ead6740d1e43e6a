"""CodeRefactorer: dispatches a suggestion to its strategy, inside the staging worktree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from gitupgrade.config import Config
from gitupgrade.interrupt import reraise_if_interrupted
from gitupgrade.refactor import registry
from gitupgrade.refactor.result import RefactorResult
from gitupgrade.spec_forms import config_near
from gitupgrade.suggestion import Suggestion, coerce_suggestion


class CodeRefactorer:
    """Applies suggestions to the files of one work directory (the core_v2 worktree)."""

    def __init__(self, workdir: str | Path, config: Config | None = None) -> None:
        self.workdir = Path(workdir)
        # without a config: the one of the repository holding workdir, as the analyzer reads it
        self.config = config if config is not None else config_near(self.workdir)

    def execute_refactor(self, suggestion: Suggestion | Mapping[str, Any]) -> RefactorResult:
        """Apply ``suggestion`` (a Suggestion or the spec's dict) with its strategy.

        The files of ``workdir`` are edited in place; a refusal or failure changes nothing.
        """
        suggestion = coerce_suggestion(suggestion)
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
