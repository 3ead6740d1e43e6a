"""The ``command`` provider: a real program gets the conversation on stdin, answers on stdout."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from gitupgrade.refactor import CodeRefactorer, Status
from gitupgrade.refactor.result import RefactorResult
from tests.llm.conftest import (
    CALC,
    CALC_PATH,
    CALC_REFACTORED,
    GOOD_DIFF,
    OTHER_DIFF,
    complex_suggestion,
    in_prose,
    make_config,
)

# A stand-in model: call N answers with answers/N.* (the last one repeats) and keeps its prompt
# in calls/N.txt. A .fail answer exits 3 with the text on stderr; a .hang answer never returns.
SCRIPT = """\
import pathlib, sys, threading
here = pathlib.Path(__file__).parent
prompt = sys.stdin.read()
calls = here / "calls"
calls.mkdir(exist_ok=True)
number = len(list(calls.iterdir())) + 1
(calls / f"{number}.txt").write_text(prompt)
answers = sorted((here / "answers").iterdir())
answer = answers[min(number, len(answers)) - 1]
if answer.suffix == ".fail":
    sys.stderr.write(answer.read_text())
    sys.exit(3)
if answer.suffix == ".hang":
    threading.Event().wait(60)
sys.stdout.write(answer.read_text())
"""


def _model(tmp_path: Path, *answers: tuple[str, str]) -> Path:
    """Write the stand-in model with its answers as (suffix, text); returns its folder."""
    folder = tmp_path / "model"
    (folder / "answers").mkdir(parents=True)
    (folder / "fake_llm.py").write_text(SCRIPT)
    for number, (suffix, text) in enumerate(answers, start=1):
        (folder / "answers" / f"{number:02d}{suffix}").write_text(text)
    return folder


def _refactor(project: Path, folder: Path, **llm: object) -> RefactorResult:
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(folder / 'fake_llm.py'))}"
    settings: dict[str, object] = {"provider": "command", "command": command, "timeout_seconds": 20}
    config = make_config(**{**settings, **llm})
    return CodeRefactorer(project, config).execute_refactor(complex_suggestion())


def _calls(folder: Path) -> list[str]:
    return [path.read_text() for path in sorted((folder / "calls").iterdir())]


def test_command_answer_is_applied(project: Path, tmp_path: Path) -> None:
    folder = _model(tmp_path, (".txt", in_prose(GOOD_DIFF)))

    result = _refactor(project, folder, model="local-coder")

    assert result.status is Status.APPLIED, result.reason
    assert result.strategy == "llm:command/local-coder"
    assert (project / CALC_PATH).read_text() == CALC_REFACTORED
    [prompt] = _calls(folder)
    assert prompt.startswith("### system\n")
    assert "\n### user\nRefactor this code to fix a `complex_function` finding." in prompt


def test_command_retries_with_the_rejection(project: Path, tmp_path: Path) -> None:
    folder = _model(tmp_path, (".txt", in_prose(OTHER_DIFF)), (".txt", in_prose(GOOD_DIFF)))

    result = _refactor(project, folder)

    assert result.status is Status.APPLIED, result.reason
    # Without llm.model the program's name stands for the model.
    assert result.strategy == f"llm:command/{Path(sys.executable).name}"
    first, second = _calls(folder)
    assert second.startswith(first.rstrip("\n"))
    assert "\n### assistant\nSure! Here is a simpler version" in second
    assert "\n### user\nYour diff was rejected: src/shop/other.py is outside the affected files" in second


def test_command_failure_is_unavailable(project: Path, tmp_path: Path) -> None:
    folder = _model(tmp_path, (".fail", "model file not found\n"))

    result = _refactor(project, folder)

    assert result.status is Status.FAILED
    assert result.failure_type == "llm_unavailable"
    assert result.reason == (f"llm.command {sys.executable} exited with 3: model file not found (attempt 1 of 4)")
    assert (project / CALC_PATH).read_text() == CALC


def test_command_that_hangs_times_out(project: Path, tmp_path: Path) -> None:
    folder = _model(tmp_path, (".hang", ""))

    result = _refactor(project, folder, timeout_seconds=1)

    assert result.status is Status.FAILED
    assert result.failure_type == "llm_timeout"
    assert result.reason == f"llm.command {sys.executable} gave no answer within 1 s (attempt 1 of 4)"
    assert len(_calls(folder)) == 1


def test_missing_program_is_unavailable(project: Path, tmp_path: Path) -> None:
    config = make_config(provider="command", command=f"{tmp_path}/no-such-model --fast")

    result = CodeRefactorer(project, config).execute_refactor(complex_suggestion())

    assert result.failure_type == "llm_unavailable"
    assert result.reason == (
        f"cannot run llm.command {tmp_path}/no-such-model: No such file or directory (attempt 1 of 4)"
    )
