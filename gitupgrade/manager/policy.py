"""The risk policy: which suggestions are queued, which upgrades merge without review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitupgrade.config import Config
from gitupgrade.config.risk import approves, manual_review_required
from gitupgrade.outcomes import RISK_LEVELS
from gitupgrade.suggestion import Suggestion

if TYPE_CHECKING:
    from gitupgrade.learning import Learner
    from gitupgrade.ledger import UpgradeLedger


# Findings we report but never turn into an upgrade: no strategy can fix them safely.
REPORT_ONLY_TYPES = frozenset({"architectural_violation"})


@dataclass(frozen=True)
class RiskPolicy:
    """The ``risk_policies`` and queueing keys of the configuration, as decisions.

    With a ``learner`` (``gitupgrade.learning.Learner``), approval also weighs the
    trust each upgrade type earned from its outcomes.
    """

    config: Config
    learner: Learner | None = None

    @classmethod
    def with_learning(cls, config: Config, ledger: UpgradeLedger) -> RiskPolicy:
        """The policy for ``config``, consulting what the ledger's outcomes taught when learning is on."""
        if not config.get_path("learning.enabled"):
            return cls(config)
        from gitupgrade.learning import Learner

        return cls(config, Learner(ledger, config))

    def queue_refusal(self, suggestion: Suggestion, handled_types: tuple[str, ...]) -> str | None:
        """Why ``suggestion`` is not queued, or None when it is."""
        if not self.config["enabled"]:
            return "self_upgrading.enabled is false"
        if suggestion.type in REPORT_ONLY_TYPES:
            return f"{suggestion.type} is report-only"
        if _rank(suggestion.risk_level) > _rank(self.config["max_queued_risk"]):
            return f"risk {suggestion.risk_level} is above max_queued_risk {self.config['max_queued_risk']}"
        if suggestion.strategy == "llm":
            from gitupgrade.refactor.llm import llm_configured

            if not llm_configured(self.config):
                return "needs an LLM provider (llm.provider with its base_url/model or command)"
            return None
        if suggestion.type not in handled_types:
            return f"no strategy handles {suggestion.type}"
        from gitupgrade.refactor import registry

        # a case its strategy always refuses would cost a checkout and a baseline for nothing
        return registry.precheck(suggestion)

    def auto_approve(self, risk_level: str) -> bool:
        """Whether an upgrade of this risk merges without review, by the configured policy alone."""
        return approves(self.config["risk_policies"], risk_level)[0]

    def approval(self, suggestion: Suggestion) -> tuple[bool, str]:
        """Whether an upgrade of ``suggestion`` merges without review, and why.

        ``require_manual_review`` is asked first: no trust earned by learning overrides it.
        """
        policies = self.config["risk_policies"]
        if manual_review_required(policies, suggestion.risk_level):
            return approves(policies, suggestion.risk_level)
        if self.learner is not None:
            return self.learner.auto_approve(suggestion)
        approved = approves(policies, suggestion.risk_level)[0]
        verdict = "auto-approves" if approved else "requires review for"
        return approved, f"risk policy {verdict} {suggestion.risk_level}-risk upgrades"

    def require_tests(self, risk_level: str) -> bool:
        """Whether the test command must pass before an upgrade of this risk merges."""
        return bool(self.config["test_execution_required"] and self._policy(risk_level)["require_tests"])

    def require_checks(self) -> bool:
        """Whether the syntax and import checks run."""
        return bool(self.config["validation_required"])

    def _policy(self, risk_level: str) -> dict[str, bool]:
        level = risk_level if risk_level in RISK_LEVELS else "critical"
        return dict(self.config["risk_policies"][level])


def _rank(risk_level: str) -> int:
    return RISK_LEVELS.index(risk_level) if risk_level in RISK_LEVELS else len(RISK_LEVELS)
