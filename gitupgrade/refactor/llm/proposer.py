"""LLMProposer: a strategy that asks a language model for a unified diff and checks it.

The model sees the suggestion, its evidence and the numbered source of the affected files.
Its answer must be one diff that touches only those files, applies to them and compiles;
otherwise the rejection is fed back and the model asked again, up to
``max_upgrade_retries`` times. An accepted diff is written to the work dir and then goes
through the same validation and policy as a rule-based upgrade.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitupgrade.refactor.llm.diff import DiffRejected, PlannedFile, extract_diff, plan_patch
from gitupgrade.refactor.llm.prompt import build_messages, retry_messages
from gitupgrade.refactor.llm.providers import Provider, ProviderError, provider_from_config
from gitupgrade.refactor.result import ChangeKind, FileChange, RefactorResult, Status

if TYPE_CHECKING:
    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

INVALID_DIFF = "llm_invalid_diff"


class LLMProposer:
    """The ``Strategy`` for suggestions queued with ``strategy == "llm"``."""

    type = "llm"
    description = "Ask the configured language model for a unified diff; apply it only if it checks out"

    def __init__(self, provider: Provider | None = None) -> None:
        # A provider may be injected (another transport); by default it comes from config.
        self._provider = provider

    def apply(self, workdir: Path, suggestion: Suggestion, config: Config) -> RefactorResult:
        """Ask, check, retry with the rejection fed back; write the first diff that passes."""
        llm: dict[str, Any] = dict(config["llm"])
        try:
            provider = self._provider or provider_from_config(llm)
        except ProviderError as exc:
            return RefactorResult.failed(suggestion.id, configured_label(llm), str(exc), exc.failure_type)
        label = f"llm:{provider.label}"
        try:
            sources = _read_sources(Path(workdir), suggestion.affected_modules)
        except ValueError as exc:
            return RefactorResult.refused(suggestion.id, label, str(exc))

        attempts = 1 + int(config.get("max_upgrade_retries", 0))
        messages = build_messages(suggestion, sources)
        rejection = ""
        for attempt in range(1, attempts + 1):
            try:
                answer = provider.complete(messages)
            except ProviderError as exc:
                return RefactorResult.failed(
                    suggestion.id, label, f"{exc} (attempt {attempt} of {attempts})", exc.failure_type
                )
            try:
                planned = plan_patch(extract_diff(answer), sources, sources)
            except DiffRejected as exc:
                rejection = str(exc)
                messages = retry_messages(messages, answer, rejection)
                continue
            return _write(Path(workdir), suggestion, label, planned, sources, attempt, attempts)
        return RefactorResult.failed(
            suggestion.id,
            label,
            f"{label} gave no acceptable diff in {attempts} attempt(s); last rejection: {rejection}",
            INVALID_DIFF,
        )


def configured_label(llm: dict[str, Any]) -> str:
    """``llm:<provider>/<model>`` from config alone (for results before a provider exists)."""
    return f"llm:{llm.get('provider') or 'none'}/{llm.get('model') or 'unknown'}"


def _read_sources(workdir: Path, paths: tuple[str, ...]) -> dict[str, str]:
    """The current text of each affected file; a path outside ``workdir`` or unreadable is refused."""
    root = workdir.resolve()
    sources: dict[str, str] = {}
    for rel in paths:
        target = (root / rel).resolve()
        if not target.is_relative_to(root) or target == root:
            raise ValueError(f"affected path {rel} is outside the work dir")
        try:
            sources[rel] = target.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise ValueError(f"affected file {rel} does not exist at this commit") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"affected file {rel} cannot be read as UTF-8 text: {exc}") from None
    if not sources:
        raise ValueError("the suggestion names no affected file")
    return sources


def _write(
    workdir: Path,
    suggestion: Suggestion,
    label: str,
    planned: list[PlannedFile],
    sources: dict[str, str],
    attempt: int,
    attempts: int,
) -> RefactorResult:
    written: list[str] = []
    try:
        for change in planned:
            (workdir / change.path).write_bytes(change.text.encode("utf-8"))
            written.append(change.path)
    except OSError as exc:
        # Leave the work dir as it was: a half-applied diff must never be validated.
        for rel in written:
            (workdir / rel).write_bytes(sources[rel].encode("utf-8"))
        return RefactorResult.failed(suggestion.id, label, f"cannot write {exc.filename}: {exc.strerror}")
    stats = ", ".join(f"{change.path} (+{change.added} -{change.removed})" for change in planned)
    summary = (
        f"Proposed by {label} for the {suggestion.type} finding (accepted on attempt {attempt} of {attempts}).\n"
        f"Changed {stats}.\n"
        "The diff touched only the affected files, applied with exact context and compiled; "
        "behaviour is checked by the project's tests."
    )
    return RefactorResult(
        Status.APPLIED,
        suggestion.id,
        label,
        changes=tuple(FileChange(change.path, ChangeKind.MODIFY) for change in planned),
        summary=summary,
    )
