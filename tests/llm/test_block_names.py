"""With a model configured, it may name a repeated run no rule names; its name is checked like a rule's."""

from __future__ import annotations

from pathlib import Path

from gitupgrade.refactor import CodeRefactorer, Status
from gitupgrade.refactor.llm import llm_handles
from tests.llm.conftest import FakeModel, make_config
from tests.refactor.helpers import Project, suggestion

STEP = """\
    words = text.split()
    words = [w.strip(".,;:!?") for w in words]
    words = [w for w in words if w]
"""

TEXT = f'''\
"""Word statistics."""


def count_words(text):
{STEP}    return len(words)


def longest_word(text):
{STEP}    return max(words, key=len, default="")
'''

TESTS = """\
from pkg.words import count_words, longest_word


def test_words():
    assert count_words("a, bb. ccc!") == 3
    assert longest_word("a, bb. ccc!") == "ccc"
"""


def _clone() -> object:
    lines = TEXT.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == STEP.splitlines()[0]]
    locations = [
        {"path": "pkg/words.py", "module": "pkg.words", "name": None, "start": s, "end": s + 2} for s in starts
    ]
    return suggestion(
        "duplicate_pattern", ("pkg/words.py",), {"kind": "block", "exact": True, "lines": 3, "locations": locations}
    )


def _project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj").write({"pkg/__init__.py": "", "pkg/words.py": TEXT, "tests/test_words.py": TESTS})


def test_a_run_no_rule_names_takes_the_models_checked_name(tmp_path: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = ["`_clean_words`\n\nIt strips punctuation."]
    project = _project(tmp_path)
    config = make_config(provider="openai", base_url=url, model="namer")
    result = CodeRefactorer(project.root, config).execute_refactor(_clone())
    assert result.status is Status.APPLIED, result.reason
    assert result.strategy == "rule:duplicate_pattern"  # the rule wrote the code; the model only named it
    text = project.read("pkg/words.py")
    assert "def _clean_words(text):\n" in text and text.count("    words = _clean_words(text)\n") == 2
    assert "count_words, longest_word" in model.requests[0]["messages"][1]["content"]
    assert "the name is llm:openai/namer's, checked by the naming rules" in result.summary
    assert project.pytest() == (1, 0)


def test_a_model_name_that_says_nothing_is_refused(tmp_path: Path, fake_model: tuple[FakeModel, str]) -> None:
    model, url = fake_model
    model.answers = ["_extracted_helper"]
    project = _project(tmp_path)
    before = project.snapshot()
    config = make_config(provider="openai", base_url=url, model="namer")
    result = CodeRefactorer(project.root, config).execute_refactor(_clone())
    assert result.status is Status.REFUSED
    assert result.reason == (
        "no rule names the repeated code, and the model's name '_extracted_helper' says code moved, not what it does"
    )
    assert project.snapshot() == before


def test_without_a_model_the_run_stays(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = CodeRefactorer(project.root, make_config()).execute_refactor(_clone())
    assert result.status is Status.REFUSED
    assert result.reason.startswith("no name says what the repeated code does")


def test_runs_in_one_module_stay_with_the_rule_and_runs_across_modules_go_to_the_model() -> None:
    config = make_config(provider="openai", base_url="http://127.0.0.1:9/v1", model="m")
    one = {"kind": "block", "locations": [{"path": "a.py"}, {"path": "a.py"}]}
    two = {"kind": "block", "locations": [{"path": "a.py"}, {"path": "b.py"}]}
    assert not llm_handles("duplicate_pattern", config, one)
    assert llm_handles("duplicate_pattern", config, two)
