"""Who handles a suggestion when a model is configured, and the fallback to rules.

The manager calls :func:`route_suggestion` (or :func:`llm_handles`) when it queues;
:class:`~gitupgrade.refactor.CodeRefactorer` calls :func:`propose_or_fall_back` for a
suggestion whose ``strategy`` is ``llm``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitupgrade.interrupt import reraise_if_interrupted
from gitupgrade.outcomes import RISK_LEVELS
from gitupgrade.refactor import registry
from gitupgrade.refactor.llm.providers import ProviderUnavailable, provider_from_config
from gitupgrade.refactor.result import RefactorResult
from gitupgrade.upgrade_types import llm_type

if TYPE_CHECKING:
    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

# A model-written change is never queued below this risk, whatever the type's default.
LLM_MIN_RISK = "medium"
# When the model cannot be asked at all, a rule strategy (if any) does the job instead.
_UNREACHABLE = ("llm_unavailable", "llm_timeout")


def llm_configured(config: Config | Mapping[str, Any]) -> bool:
    """Whether ``llm`` names a provider with the keys it needs (no network access)."""
    try:
        provider_from_config(config["llm"])
    except ProviderUnavailable:
        return False
    return True


def llm_handles(
    suggestion_type: str, config: Config | Mapping[str, Any], evidence: Mapping[str, Any] | None = None
) -> bool:
    """Whether a suggestion of this type should be queued with ``strategy="llm"``.

    True, when a provider is configured, for ``complex_function``, for clone statement
    runs the rule cannot take (``duplicate_pattern`` whose ``evidence["kind"]`` is
    ``block`` and whose copies span modules; pass the evidence to get this) and for the
    types listed in ``llm.prefer_for``. Runs in one module stay with the rule, which
    may ask the model for a name only.
    """
    if not llm_configured(config):
        return False
    if llm_type(suggestion_type) or suggestion_type in config["llm"].get("prefer_for", ()):
        return True
    if suggestion_type != "duplicate_pattern" or evidence is None or evidence.get("kind") != "block":
        return False
    return len({location.get("path") for location in evidence.get("locations") or ()}) != 1


def route_suggestion(suggestion: Suggestion, config: Config | Mapping[str, Any]) -> Suggestion:
    """``suggestion`` with ``strategy="llm"`` and at least medium risk when the model handles it."""
    if not llm_handles(suggestion.type, config, suggestion.evidence):
        return suggestion
    risk = max(suggestion.risk_level, LLM_MIN_RISK, key=_risk_rank)
    return dataclasses.replace(suggestion, strategy="llm", risk_level=risk)


def propose_or_fall_back(
    workdir: Path, suggestion: Suggestion, config: Config, rule: Callable[[], RefactorResult]
) -> RefactorResult:
    """Run the LLM proposer; when the model is unreachable and a rule exists, run ``rule`` instead.

    The rule's result is returned with one line in ``reason`` saying why the model was
    not used (its ``strategy`` stays ``rule:<type>`` so learning tracks it as a rule).
    """
    from gitupgrade.refactor.llm.proposer import LLMProposer, configured_label

    try:
        result = LLMProposer().apply(workdir, suggestion, config)
    except Exception as exc:  # noqa: BLE001 - one bad proposal never stops the queue
        reraise_if_interrupted(exc)
        return RefactorResult.failed(
            suggestion.id, configured_label(dict(config["llm"])), f"{type(exc).__name__}: {exc}"
        )
    if result.failure_type not in _UNREACHABLE or suggestion.type not in registry.handled_types():
        return result
    note = f"{result.strategy} not used ({result.reason}); fell back to rule:{suggestion.type}"
    fallback = rule()
    reason = f"{note}; {fallback.reason}" if fallback.reason else note
    return dataclasses.replace(fallback, reason=reason)


def _risk_rank(level: str) -> int:
    return RISK_LEVELS.index(level) if level in RISK_LEVELS else 0
