"""Extracting, parsing and applying a model's diff, without any model."""

from __future__ import annotations

import pytest

from gitupgrade.refactor.llm.diff import DiffRejected, extract_diff, plan_patch, recount_hunks
from tests.llm.conftest import CALC, CALC_PATH, CALC_REFACTORED, GOOD_DIFF, in_prose, unified

SOURCE = "".join(f"line{n} = {n}\n" for n in range(1, 31))


def _plan(diff: str, text: str = SOURCE, path: str = "m.py") -> str:
    [planned] = plan_patch(diff, {path: text}, [path])
    return planned.text


def test_extract_from_fenced_block_in_prose() -> None:
    assert extract_diff(in_prose(GOOD_DIFF)) == GOOD_DIFF


def test_extract_prefers_the_diff_block() -> None:
    answer = f"```python\nx = 1\n```\nthen\n```diff\n{GOOD_DIFF}```\n"
    assert extract_diff(answer) == GOOD_DIFF


def test_extract_bare_diff_after_prose() -> None:
    assert extract_diff(f"Here you go:\n{GOOD_DIFF}") == GOOD_DIFF


def test_extract_rejects_prose_only() -> None:
    with pytest.raises(DiffRejected, match="contains no unified diff"):
        extract_diff("```python\nprint('hi')\n```")


def test_good_diff_applies() -> None:
    [planned] = plan_patch(GOOD_DIFF, {CALC_PATH: CALC}, [CALC_PATH])
    assert (planned.path, planned.text) == (CALC_PATH, CALC_REFACTORED)
    assert (planned.added, planned.removed) == (6, 12)


def test_wrong_counts_are_recounted() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -10,9 +10,1 @@\n line10 = 10\n-line11 = 11\n+line11 = 'eleven'\n line12 = 12\n"
    assert recount_hunks(diff).splitlines()[2] == "@@ -10,3 +10,3 @@"
    assert _plan(diff) == SOURCE.replace("line11 = 11", "line11 = 'eleven'")


def test_blank_context_line_without_its_space() -> None:
    text = "a = 1\n\nb = 2\n"
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n a = 1\n\n-b = 2\n+b = 3\n"
    assert _plan(diff, text) == "a = 1\n\nb = 3\n"


@pytest.mark.parametrize("offset", [-5, -2, 3, 5])
def test_small_offset_is_tolerated(offset: int) -> None:
    diff = (
        f"--- a/m.py\n+++ b/m.py\n@@ -{15 + offset},3 +{15 + offset},3 @@\n"
        " line15 = 15\n-line16 = 16\n+line16 = -16\n line17 = 17\n"
    )
    assert _plan(diff) == SOURCE.replace("line16 = 16", "line16 = -16")


def test_large_offset_is_rejected() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -21,3 +21,3 @@\n line15 = 15\n-line16 = 16\n+line16 = -16\n line17 = 17\n"
    with pytest.raises(DiffRejected) as caught:
        _plan(diff)
    assert str(caught.value) == (
        "m.py: hunk 1 (@@ -21) does not apply: its context and removed lines do not "
        "match the file within 5 lines of line 21 (first expected line: 'line15 = 15')"
    )


def test_context_must_match_exactly() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -15,2 +15,2 @@\n line15 = 15  # changed\n-line16 = 16\n+line16 = 0\n"
    with pytest.raises(DiffRejected, match="hunk 1 .* does not apply"):
        _plan(diff)


def test_insertion_at_top_and_two_hunks() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -0,0 +1,1 @@\n+import os\n@@ -30,1 +31,2 @@\n line30 = 30\n+line31 = 31\n"
    assert _plan(diff) == "import os\n" + SOURCE + "line31 = 31\n"


def test_crlf_file_keeps_crlf() -> None:
    text = "a = 1\r\nb = 2\r\n"
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n a = 1\n-b = 2\n+b = 3\n"
    assert _plan(diff, text) == "a = 1\r\nb = 3\r\n"


@pytest.mark.parametrize(
    ("diff", "message"),
    [
        (
            "--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x = 1\n",
            "new.py: the diff may only modify files, not create, delete or rename them",
        ),
        (
            "--- a/m.py\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-line1 = 1\n",
            "m.py: the diff may only modify files, not create, delete or rename them",
        ),
        (
            "--- a/m.py\n+++ b/n.py\n@@ -1,1 +1,1 @@\n-line1 = 1\n+line1 = 2\n",
            "n.py: the diff may only modify files, not create, delete or rename them",
        ),
        (
            "--- a/../evil.py\n+++ b/../evil.py\n@@ -1,1 +1,1 @@\n-x\n+y\n",
            "../evil.py is outside the affected files (m.py); change only those",
        ),
        (
            "--- a/m.py\n+++ b/m.py\n@@ -1,1 +1,1 @@\n-line1 = 1\n+line1 = (\n",
            "m.py line 1: the patched file has a syntax error: '(' was never closed",
        ),
        ("--- a/m.py\n+++ b/m.py\n@@ -1,1 +1,1 @@\n line1 = 1\n", "the diff changes nothing"),
        ("--- a/m.py\n+++ b/m.py\n-line1 = 1\n+line1 = 2\n", "diff line 3: '-line1 = 1' is outside any `@@` hunk"),
        (
            "--- a/m.py\n+++ b/m.py\n@@ -1,1 +1,1 @@\n-line1 = 1\n+line1 = 2\nso that is it\n+line2 = 0\n",
            "diff line 7: '+line2 = 0' is outside any `@@` hunk",
        ),
        ("--- a/m.py\n+++ b/m.py\n", "m.py: no `@@ -start,count +start,count @@` hunk in the diff"),
    ],
)
def test_rejections(diff: str, message: str) -> None:
    with pytest.raises(DiffRejected) as caught:
        _plan(diff)
    assert str(caught.value) == message


def test_same_file_twice_is_rejected() -> None:
    one = unified("m.py", SOURCE, SOURCE.replace("line1 = 1", "line1 = 0"))
    with pytest.raises(DiffRejected, match="m.py appears twice in the diff"):
        _plan(one + one)


def test_hunks_out_of_order_apply() -> None:
    diff = (
        "--- a/m.py\n+++ b/m.py\n@@ -20,1 +20,1 @@\n-line20 = 20\n+line20 = 0\n"
        "@@ -2,1 +2,1 @@\n-line2 = 2\n+line2 = 0\n"
    )
    assert _plan(diff) == SOURCE.replace("line20 = 20", "line20 = 0").replace("line2 = 2\n", "line2 = 0\n")


def test_overlapping_hunks_are_rejected() -> None:
    diff = (
        "--- a/m.py\n+++ b/m.py\n@@ -2,2 +2,2 @@\n-line2 = 2\n+line2 = 0\n line3 = 3\n"
        "@@ -3,1 +3,1 @@\n-line3 = 3\n+line3 = 0\n"
    )
    with pytest.raises(DiffRejected, match="hunk 2 .* does not apply"):
        _plan(diff)
