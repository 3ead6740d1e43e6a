"""The optional LLM proposer: a model writes a unified diff, checked like every other change.

Imports are lazy: a scan only routes suggestions (``routing``) and does not load the
proposer, its prompts and its diff reader.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitupgrade.refactor.llm.proposer import LLMProposer
    from gitupgrade.refactor.llm.routing import llm_configured, llm_handles, propose_or_fall_back, route_suggestion

_PUBLIC = {
    "LLMProposer": "gitupgrade.refactor.llm.proposer",
    "llm_configured": "gitupgrade.refactor.llm.routing",
    "llm_handles": "gitupgrade.refactor.llm.routing",
    "propose_or_fall_back": "gitupgrade.refactor.llm.routing",
    "route_suggestion": "gitupgrade.refactor.llm.routing",
}

__all__ = ["LLMProposer", "llm_configured", "llm_handles", "propose_or_fall_back", "route_suggestion"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
