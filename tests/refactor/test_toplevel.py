"""What module-level statements bind: conditional definitions move whole or stay."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from gitupgrade.refactor.strategies.toplevel import conditional_binds, map_module


def _statement(text: str) -> cst.BaseStatement:
    return cst.parse_module(textwrap.dedent(text)).body[0]


@pytest.mark.parametrize(
    ("text", "always", "sometimes"),
    [
        ("try:\n    from x import f\n    M = f()\nexcept ImportError:\n    M = object()\n", {"M"}, {"f"}),
        (
            (
                "if V >= 3:\n    from itertools import batched as b\n\n    def batched(i, n):\n        return b(i, n)\n\n"
                "    batched.__doc__ = 'x'\nelse:\n    batched = _batched\n"
            ),
            {"batched"},
            {"b"},
        ),
        ("if A:\n    X = 1\nelif B:\n    X = 2\nelse:\n    X = 3\n    Y = 4\n", {"X"}, {"Y"}),
        ("if A:\n    X = 1\n", set(), {"X"}),
        ("if hasattr(os, 'O_BINARY'):\n    _FLAGS |= os.O_BINARY\n", set(), {"_FLAGS"}),
    ],
)
def test_conditional_binds_tells_what_every_path_defines(text: str, always: set[str], sometimes: set[str]) -> None:
    assert conditional_binds(_statement(text)) == (always, sometimes)


@pytest.mark.parametrize(
    "text",
    [
        "try:\n    X = f()\nexcept ValueError:\n    X = None\n",  # not a fallback import
        "try:\n    import x\nexcept ImportError as e:\n    raise\n",  # raise is no definition
        "try:\n    import x\nexcept ImportError:\n    x = None\nfinally:\n    done()\n",
        "if A:\n    print('side effect')\n",
        "if A:\n    other.attr = 1\n",  # mutates what it did not bind
        "if A:\n    @register\n    def f():\n        pass\n",  # a decorator may register
    ],
)
def test_anything_but_definitions_is_no_conditional_definition(text: str) -> None:
    assert conditional_binds(_statement(text)) is None


def test_kinds_of_conditional_blocks() -> None:
    module = cst.parse_module(
        textwrap.dedent("""\
        import typing as t
        try:
            from x import f
            _MISSING = f()
        except ImportError:
            _MISSING = object()
        if t.TYPE_CHECKING:
            class P(t.Protocol): ...
        if t.TYPE_CHECKING:
            from y import T
        else:
            T = object
        if PLATFORM:
            def only_here(): ...
        PREV, NEXT = range(2)
        A.x, B = 1, 2
        """)
    )
    kinds = [(s.kind, sorted(s.binds), sorted(s.optional)) for s in map_module(module)]
    assert kinds == [
        ("import", ["t"], []),
        ("def", ["_MISSING", "f"], ["f"]),  # moves whole; f is not re-exported
        ("import", ["P"], []),  # never runs: copied like an import
        ("def", ["T"], []),
        ("other", ["only_here"], []),  # public API on one path only: it stays
        ("def", ["NEXT", "PREV"], []),  # unpacked constants are definitions too
        ("other", ["B"], []),  # an attribute assignment is not
    ]
