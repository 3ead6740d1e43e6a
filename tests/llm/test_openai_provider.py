"""The LLM proposer against a real OpenAI-compatible server, through CodeRefactorer."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import pytest

from gitupgrade.refactor import CodeRefactorer, Status
from gitupgrade.refactor.result import ChangeKind, FileChange, RefactorResult
from tests.llm.conftest import (
    CALC,
    CALC_PATH,
    CALC_REFACTORED,
    GOOD_DIFF,
    MALFORMED_DIFF,
    OTHER,
    OTHER_DIFF,
    OTHER_PATH,
    SYNTAX_DIFF,
    FakeModel,
    complex_suggestion,
    in_prose,
    make_config,
)

SECRET = "sk-test-0123456789abcdef"


def _refactor(project: Path, base_url: str, **llm: object) -> RefactorResult:
    settings: dict[str, object] = {
        "provider": "openai",
        "base_url": base_url,
        "model": "coder-7b",
        "api_key_env": "GITUPGRADE_TEST_KEY",
        "timeout_seconds": 5,
    }
    config = make_config(**{**settings, **llm})
    return CodeRefactorer(project, config).execute_refactor(complex_suggestion())


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITUPGRADE_TEST_KEY", SECRET)


def test_good_diff_in_prose_is_applied(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [in_prose(GOOD_DIFF)]

    result = _refactor(project, url)

    assert result.status is Status.APPLIED, result.reason
    assert result.strategy == "llm:openai/coder-7b"
    assert result.failure_type is None
    assert result.changes == (FileChange(CALC_PATH, ChangeKind.MODIFY),)
    assert (project / CALC_PATH).read_text() == CALC_REFACTORED
    assert (project / OTHER_PATH).read_text() == OTHER
    assert "accepted on attempt 1 of 4" in result.summary
    assert len(model.requests) == 1
    request = model.requests[0]
    assert request["model"] == "coder-7b"
    assert model.headers[0]["Authorization"] == f"Bearer {SECRET}"
    prompt = request["messages"][1]["content"]
    assert " 5 | def price(kind: str, amount: int, member: bool) -> int:" in prompt.splitlines()
    assert '"complexity": 11' in prompt
    assert SECRET not in str(request)


def test_malformed_diff_is_retried_then_recorded(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [in_prose(MALFORMED_DIFF)]

    result = _refactor(project, url, max_upgrade_retries=2)

    assert result.status is Status.FAILED
    assert result.failure_type == "llm_invalid_diff"
    assert result.strategy == "llm:openai/coder-7b"
    assert result.changes == ()
    assert (project / CALC_PATH).read_text() == CALC
    assert len(model.requests) == 3  # the first ask and two retries
    # Each retry carries the rejected answer and the reason, so the model can correct itself.
    retry = model.requests[1]["messages"]
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert retry[3]["content"].startswith("Your diff was rejected: ")
    assert result.reason == (
        "llm:openai/coder-7b gave no acceptable diff in 3 attempt(s); last rejection: diff line 3: "
        "malformed hunk header '@@ -7 @@' (expected `@@ -start,count +start,count @@`)"
    )


def test_rejection_fed_back_lets_the_model_correct_itself(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [in_prose(SYNTAX_DIFF), in_prose(GOOD_DIFF)]

    result = _refactor(project, url)

    assert result.status is Status.APPLIED, result.reason
    assert (project / CALC_PATH).read_text() == CALC_REFACTORED
    assert len(model.requests) == 2
    feedback = model.requests[1]["messages"][3]["content"].splitlines()[0]
    assert feedback == (
        f"Your diff was rejected: {CALC_PATH} line 18: the patched file has a syntax error: invalid syntax"
    )
    assert "accepted on attempt 2 of 4" in result.summary


def test_diff_touching_another_file_changes_nothing(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [in_prose(GOOD_DIFF + OTHER_DIFF)]

    result = _refactor(project, url, max_upgrade_retries=0)

    assert result.status is Status.FAILED
    assert result.failure_type == "llm_invalid_diff"
    assert (project / CALC_PATH).read_text() == CALC
    assert (project / OTHER_PATH).read_text() == OTHER
    assert len(model.requests) == 1
    assert result.reason.endswith(
        f"last rejection: {OTHER_PATH} is outside the affected files ({CALC_PATH}); change only those"
    )


def test_slow_answer_times_out(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [("slow", in_prose(GOOD_DIFF))]

    result = _refactor(project, url, timeout_seconds=0.3)

    assert result.status is Status.FAILED
    assert result.failure_type == "llm_timeout"
    assert result.reason == f"no answer from {url}/chat/completions within 0.3 s (attempt 1 of 4)"
    assert len(model.requests) == 1  # a timeout is not retried: the model is not answering
    assert (project / CALC_PATH).read_text() == CALC


def test_server_error_is_unavailable(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [("status", 500, {"error": {"message": "model overloaded"}})]

    result = _refactor(project, url)

    assert result.status is Status.FAILED
    assert result.failure_type == "llm_unavailable"
    assert result.reason == f"HTTP 500 from {url}/chat/completions: model overloaded (attempt 1 of 4)"
    assert len(model.requests) == 1
    assert (project / CALC_PATH).read_text() == CALC


def test_api_key_never_appears_in_the_result(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [("status", 401, {"error": {"message": f"Incorrect API key provided: {SECRET}"}})]

    result = _refactor(project, url)

    assert result.failure_type == "llm_unavailable"
    assert result.reason == f"HTTP 401 from {url}/chat/completions: Incorrect API key provided: *** (attempt 1 of 4)"


def test_missing_key_variable_is_named(
    project: Path, fake_model: tuple[FakeModel, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, url = fake_model
    model.answers = [in_prose(GOOD_DIFF)]
    monkeypatch.delenv("GITUPGRADE_TEST_KEY")

    result = _refactor(project, url)

    assert result.failure_type == "llm_unavailable"
    assert result.reason == ("environment variable GITUPGRADE_TEST_KEY (llm.api_key_env) is not set (attempt 1 of 4)")
    assert model.requests == []


def test_connection_refused_is_unavailable(project: Path) -> None:
    # A port that was free a moment ago: nothing listens there now.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = _refactor(project, f"http://127.0.0.1:{port}/v1")

    assert result.status is Status.FAILED
    assert result.failure_type == "llm_unavailable"
    assert result.reason.startswith(f"cannot reach http://127.0.0.1:{port}/v1/chat/completions: ")
    assert (project / CALC_PATH).read_text() == CALC


def test_answer_without_diff_is_invalid(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = ["I would split the function into two helpers."]

    result = _refactor(project, url, max_upgrade_retries=1)

    assert result.failure_type == "llm_invalid_diff"
    assert result.reason.endswith(
        "last rejection: the answer contains no unified diff (expected `--- a/<path>`, `+++ b/<path>` and `@@` hunks)"
    )
    assert len(model.requests) == 2


def test_redirect_is_not_followed_with_the_key(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = [
        ("status", 302, {"error": {"message": "moved"}}, {"Location": f"{url}/elsewhere"}),
        in_prose(GOOD_DIFF),
    ]

    result = _refactor(project, url)

    assert result.failure_type == "llm_unavailable"
    assert result.reason == f"HTTP 302 from {url}/chat/completions: moved (attempt 1 of 4)"
    assert len(model.requests) == 1


def test_clone_run_across_two_files(project: Path, fake_model: tuple[FakeModel, str]) -> None:
    # A duplicate_pattern block suggestion names every file holding a copy: the diff may touch each.
    model, url = fake_model
    model.answers = [in_prose(GOOD_DIFF + OTHER_DIFF)]
    suggestion = dataclasses.replace(
        complex_suggestion(kind="duplicate_pattern"),
        affected_modules=(CALC_PATH, OTHER_PATH),
        evidence={
            "kind": "block",
            "exact": True,
            "lines": 6,
            "locations": [
                {"path": CALC_PATH, "module": "shop.calc", "name": None, "start": 8, "end": 13},
                {"path": OTHER_PATH, "module": "shop.other", "name": None, "start": 4, "end": 5},
            ],
        },
    )
    config = make_config(provider="openai", base_url=url, model="coder-7b", api_key_env="GITUPGRADE_TEST_KEY")

    result = CodeRefactorer(project, config).execute_refactor(suggestion)

    assert result.status is Status.APPLIED, result.reason
    assert result.changes == (FileChange(CALC_PATH, ChangeKind.MODIFY), FileChange(OTHER_PATH, ChangeKind.MODIFY))
    assert (project / OTHER_PATH).read_text() == OTHER.replace("return 1", "return 2")
    prompt = model.requests[0]["messages"][1]["content"]
    assert f"File `{OTHER_PATH}` (line numbers are for reference only, not part of the file):" in prompt
