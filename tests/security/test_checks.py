"""The checks behind the trust boundaries, one value at a time: paths, lines, redaction, escaping."""

from __future__ import annotations

import pytest

from gitupgrade.ledger import events as ev
from gitupgrade.ledger.text import escape, redact, redact_data
from gitupgrade.ledger.validation import is_safe_path


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("pkg/a.py", True),
        ("src/pkg/__init__.py", True),
        ("../outside.py", False),
        ("pkg/../../x.py", False),
        ("/etc/passwd", False),
        ("~/x.py", False),
        ("C:/x.py", False),
        ("pkg\\a.py", False),
        ("pkg//a.py", False),
        ("./pkg/a.py", False),
        (".git/hooks/post-commit", False),
        ("pkg/a\x00.py", False),
        ("pkg/a\n.py", False),
        ("", False),
        (["pkg/a.py"], False),
    ],
)
def test_which_paths_stay_inside_the_repository(path: object, safe: bool) -> None:
    assert is_safe_path(path) is safe


def test_a_line_is_refused_by_its_length_before_it_is_parsed() -> None:
    with pytest.raises(ev.MalformedLineError) as caught:
        ev.parse_line("{" + " " * (2 * 1024 * 1024) + "}")
    assert caught.value.category == "line too long"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://user:pass@host/v1", "https://***@host/v1"),
        ("http://token@host:8080/x", "http://***@host:8080/x"),
        ("https://host/v1?api_key=abc&model=m", "https://host/v1?api_key=***&model=m"),
        ("https://host/v1?x=1&access_token=abc", "https://host/v1?x=1&access_token=***"),
        ("cannot reach https://host/v1: refused", "cannot reach https://host/v1: refused"),
    ],
)
def test_credentials_in_urls_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redaction_reaches_every_string_of_an_event_payload() -> None:
    payload = {"detail": "GET https://a:b@h/", "tests": [{"url": "https://h/?token=t"}], "n": 3}
    assert redact_data(payload) == {"detail": "GET https://***@h/", "tests": [{"url": "https://h/?token=***"}], "n": 3}


def test_control_characters_are_printed_escaped() -> None:
    assert escape("a\nb\x1b[31mc\u2028d\te") == "a\\nb\\x1b[31mc\\u2028d\\te"
    assert escape("plain text: ok") == "plain text: ok"
