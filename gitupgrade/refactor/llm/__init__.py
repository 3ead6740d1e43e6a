"""The optional LLM proposer: a model writes a unified diff, checked like every other change."""

from __future__ import annotations

from gitupgrade.refactor.llm.proposer import LLMProposer
from gitupgrade.refactor.llm.routing import llm_configured, llm_handles, propose_or_fall_back, route_suggestion

__all__ = ["LLMProposer", "llm_configured", "llm_handles", "propose_or_fall_back", "route_suggestion"]
