"""Parsing the pre-push hook's stdin as githooks(5) describes it."""

from __future__ import annotations

import pytest

from gitupgrade.errors import UserError
from gitupgrade.integration.prepush import RefUpdate, parse_pre_push

ZERO = "0" * 40
A = "a" * 40
B = "b" * 40


def test_several_refs_new_branch_and_deletion() -> None:
    text = (
        f"refs/heads/main {A} refs/heads/main {B}\n"
        f"refs/heads/topic {A} refs/heads/topic {ZERO}\n"
        f"(delete) {ZERO} refs/heads/old {B}\n"
        "\n"
    )
    updates = parse_pre_push(text)
    assert updates == [
        RefUpdate("refs/heads/main", A, "refs/heads/main", B),
        RefUpdate("refs/heads/topic", A, "refs/heads/topic", ZERO),
        RefUpdate("(delete)", ZERO, "refs/heads/old", B),
    ]
    assert [(u.is_new, u.is_deletion) for u in updates] == [(False, False), (True, False), (False, True)]


def test_empty_input_is_no_update() -> None:
    assert parse_pre_push("") == []


def test_sha256_ids_are_accepted() -> None:
    oid = "c" * 64
    assert parse_pre_push(f"HEAD {oid} refs/heads/x {'0' * 64}\n")[0].is_new


@pytest.mark.parametrize("line", ["refs/heads/main", f"refs/heads/main {A} refs/heads/main", "a b c d"])
def test_malformed_line_is_a_user_error(line: str) -> None:
    with pytest.raises(UserError, match="pre-push input line 1"):
        parse_pre_push(line + "\n")
