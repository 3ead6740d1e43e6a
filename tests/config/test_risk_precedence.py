"""require_manual_review holds against trust earned by learning."""

from __future__ import annotations

from gitupgrade.config import default_config
from gitupgrade.learning.learner import _policy_answer


def test_trust_cannot_take_a_high_risk_upgrade_past_manual_review() -> None:
    policies = {**default_config()["risk_policies"], "auto_approve_medium_risk": True}
    # a trusted type's high-risk upgrade is judged as medium, which the flat key approves ...
    approved, why = _policy_answer(policies, "high", "medium", "god_class is trusted")
    assert approved is True and why.endswith(
        "judged as medium instead of high; risk policy auto-approves medium-risk upgrades"
    )
    # ... unless require_manual_review keeps high risk for review
    strict = {**policies, "require_manual_review": True}
    assert _policy_answer(strict, "high", "medium", "god_class is trusted") == (
        False,
        "risk_policies.require_manual_review keeps high-risk upgrades for review",
    )
    # a restricted type's medium upgrade judged as high is kept for review too
    assert _policy_answer(strict, "medium", "high", "god_class is restricted")[0] is False
