"""The prompt shows the finding, its evidence and numbered source, and the rules."""

from __future__ import annotations

import dataclasses

from gitupgrade.refactor.llm.prompt import build_messages, number_lines, retry_messages
from tests.llm.conftest import CALC, CALC_PATH, complex_suggestion


def test_first_request_holds_finding_evidence_source_and_rules() -> None:
    system, user = build_messages(complex_suggestion(), {CALC_PATH: CALC})

    assert system["role"] == "system"
    text = user["content"]
    assert text.startswith(
        "Refactor this code to fix a `complex_function` finding.\n\nFinding: Simplify shop.calc.price\n\n"
    )
    assert '"function": "price"' in text
    assert f"File `{CALC_PATH}` (line numbers are for reference only, not part of the file):" in text
    assert "18 |     return total" in text.splitlines()
    assert f"2. Change only these files: `{CALC_PATH}`. Do not create, delete or rename files." in text
    assert "Preserve behaviour exactly" in text


def test_number_lines_pads_the_gutter() -> None:
    assert number_lines("a\nb\n" * 5) == "\n".join(f"{n:>2} | {'a' if n % 2 else 'b'}" for n in range(1, 11))


def test_long_file_is_cut_to_head_and_focus() -> None:
    text = "".join(f"x{n} = {n}\n" for n in range(1, 1001))
    shown = number_lines(text, (500, 510)).splitlines()

    assert shown[0] == "   1 | x1 = 1"
    assert shown[40] == ".... | ... (lines 41-469 not shown)"
    assert shown[41] == " 470 | x470 = 470"
    assert shown[-2] == " 540 | x540 = 540"
    assert shown[-1] == ".... | ... (lines 541-1000 not shown)"


def test_long_file_focus_comes_from_evidence() -> None:
    text = "".join(f"x{n} = {n}\n" for n in range(1, 1001))
    suggestion = dataclasses.replace(complex_suggestion(), evidence={"path": "big.py", "line": 900, "end_line": 905})
    user = build_messages(suggestion, {"big.py": text})[1]["content"]
    assert " 900 | x900 = 900" in user.splitlines()
    assert " 500 | x500 = 500" not in user.splitlines()


def test_retry_carries_the_answer_and_the_rejection() -> None:
    first = build_messages(complex_suggestion(), {CALC_PATH: CALC})
    again = retry_messages(first, "bad answer", "the diff changes nothing")
    assert again[:2] == first
    assert again[2] == {"role": "assistant", "content": "bad answer"}
    assert again[3]["content"].startswith("Your diff was rejected: the diff changes nothing\n")
