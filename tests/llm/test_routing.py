"""Which suggestions the model takes, and the fallback to rules when it cannot be reached."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gitupgrade.refactor import CodeRefactorer, Status, registry
from gitupgrade.refactor.llm import llm_configured, llm_handles, route_suggestion
from tests.llm.conftest import (
    CALC,
    CALC_PATH,
    CALC_REFACTORED,
    GOOD_DIFF,
    FakeModel,
    complex_suggestion,
    in_prose,
    make_config,
)
from tests.llm.rule_probe import MARKER

OPENAI = {"provider": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "m"}


@pytest.mark.parametrize(
    ("llm", "expected"),
    [
        ({}, False),
        (OPENAI, True),
        ({"provider": "openai", "model": "m"}, False),  # no base_url
        ({"provider": "openai", "base_url": "file:///etc", "model": "m"}, False),
        ({"provider": "command", "command": "llm --model x"}, True),
        ({"provider": "command"}, False),  # no command
    ],
)
def test_llm_configured(llm: dict[str, object], expected: bool) -> None:
    assert llm_configured(make_config(**llm)) is expected


def test_llm_handles_types() -> None:
    config = make_config(**OPENAI, prefer_for=["god_class"])

    assert llm_handles("complex_function", config)
    assert llm_handles("god_class", config)
    assert not llm_handles("god_module", config)
    assert not llm_handles("circular_import", config)
    assert llm_handles("duplicate_pattern", config, {"kind": "block"})
    assert not llm_handles("duplicate_pattern", config, {"kind": "function"})
    assert not llm_handles("duplicate_pattern", config)
    assert not llm_handles("complex_function", make_config())


def test_route_suggestion_sets_strategy_and_medium_risk() -> None:
    clone = dataclasses.replace(
        complex_suggestion(strategy="rule", kind="duplicate_pattern"),
        risk_level="low",
        evidence={"kind": "block", "locations": []},
    )

    routed = route_suggestion(clone, make_config(**OPENAI))

    assert (routed.strategy, routed.risk_level, routed.id) == ("llm", "medium", clone.id)
    assert route_suggestion(clone, make_config()) is clone


@pytest.fixture
def probe_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the probe as the god_class rule for one test (load the real ones first)."""
    registry.handled_types()
    monkeypatch.setitem(registry._STRATEGIES, "god_class", "tests.llm.rule_probe:ProbeStrategy")


def _god_class(strategy: str = "llm"):
    return dataclasses.replace(complex_suggestion(kind="god_class"), strategy=strategy)


def test_unreachable_model_falls_back_to_the_rule(
    project: Path, probe_rule: None, fake_model: tuple[FakeModel, str]
) -> None:
    model, url = fake_model
    model.answers = [("status", 503, {"error": {"message": "loading model"}})]
    config = make_config(provider="openai", base_url=url, model="m", prefer_for=["god_class"])

    result = CodeRefactorer(project, config).execute_refactor(_god_class())

    assert result.status is Status.APPLIED
    assert result.strategy == "rule:god_class"
    assert result.reason == (
        f"llm:openai/m not used (HTTP 503 from {url}/chat/completions: loading model "
        "(attempt 1 of 4)); fell back to rule:god_class"
    )
    assert (project / CALC_PATH).read_text() == CALC + MARKER
    assert len(model.requests) == 1


def test_invalid_answers_do_not_fall_back(project: Path, probe_rule: None, fake_model: tuple[FakeModel, str]) -> None:
    # The model answered: its failure is recorded as its own, not hidden behind the rule.
    model, url = fake_model
    model.answers = ["no diff here"]
    config = make_config(provider="openai", base_url=url, model="m", max_upgrade_retries=0)

    result = CodeRefactorer(project, config).execute_refactor(_god_class())

    assert (result.status, result.failure_type, result.strategy) == (Status.FAILED, "llm_invalid_diff", "llm:openai/m")
    assert (project / CALC_PATH).read_text() == CALC


def test_no_provider_and_no_rule_is_unavailable(project: Path) -> None:
    result = CodeRefactorer(project, make_config()).execute_refactor(complex_suggestion())

    assert (result.status, result.failure_type) == (Status.FAILED, "llm_unavailable")
    assert result.strategy == "llm:none/unknown"
    assert result.reason == "no LLM provider is configured (llm.provider is none)"


def test_model_used_when_reachable_even_if_a_rule_exists(
    project: Path, probe_rule: None, fake_model: tuple[FakeModel, str]
) -> None:
    model, url = fake_model
    model.answers = [in_prose(GOOD_DIFF)]
    config = make_config(provider="openai", base_url=url, model="m")

    result = CodeRefactorer(project, config).execute_refactor(_god_class())

    assert (result.status, result.strategy) == (Status.APPLIED, "llm:openai/m")
    assert (project / CALC_PATH).read_text() == CALC_REFACTORED
