"""A name for a helper made of repeated code, from what the code is, or none.

Three shapes say what a run of statements is about without reading its meaning:

* **checks**: every statement is ``if ...: raise ...`` or ``assert``, about one value:
  ``_check_<value>``;
* **shared argument handling**: the run opens every function, reads only their
  parameters, and the functions share a name: ``_<name>_arguments``;
* **a comment** above every copy, the same short phrase: that phrase.

Anything else is refused: a helper named ``_helper`` or after its parameters is worse
than the copies.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from typing import TYPE_CHECKING

from gitupgrade.refactor.strategies.naming import words
from gitupgrade.refactor.strategies.source import RefusedChange

if TYPE_CHECKING:
    from gitupgrade.refactor.strategies.block_flow import BlockFlow

MAX_COMMENT_WORDS = 5


def helper_name(
    text: str,
    runs: list[list[ast.stmt]],
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef],
    flow: BlockFlow,
    parameters: tuple[str, ...],
) -> str:
    """The helper's name (with its leading underscore), or a refusal saying why there is none."""
    candidates = [
        _checks(runs[0], parameters),
        _arguments(runs, functions, flow),
        _comment(text, runs),
    ]
    for name in candidates:
        if name and _free(text, name):
            return name
    raise RefusedChange(
        "no name says what the repeated code does"
        " (not checks of one value, shared argument handling, or a commented step)"
    )


def _checks(run: list[ast.stmt], parameters: tuple[str, ...]) -> str | None:
    """``_check_<value>`` for a run of guard clauses about one value."""
    guards = all(
        isinstance(s, ast.Assert)
        or (isinstance(s, ast.If) and not s.orelse and len(s.body) == 1 and isinstance(s.body[0], ast.Raise))
        for s in run
    )
    if not guards or len(parameters) != 1:
        return None
    return "_check_" + "_".join(words(parameters[0]))


def _arguments(
    runs: list[list[ast.stmt]], functions: list[ast.FunctionDef | ast.AsyncFunctionDef], flow: BlockFlow
) -> str | None:
    """``_<name>_arguments`` for the same argument handling opening functions of one name.

    Argument handling reads only the parameters (not ``self``) and gives some of them new
    values: the functions go on with the prepared arguments.
    """
    for run, function in zip(runs, functions, strict=True):
        body = function.body[1:] if ast.get_docstring(function, clean=False) is not None else function.body
        if not body or body[0] is not run[0]:
            return None
        params = [a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]]
        if not set(flow.inputs) <= set(params) or not set(flow.outputs) & set(params):
            return None
        if params and params[0] in ("self", "cls") and params[0] in flow.inputs:
            return None
    names = [f.name.lstrip("_") for f in functions]
    shortest = min(names, key=len)
    if not all(n.startswith(shortest) or n.endswith(shortest) for n in names) or len(shortest) < 3:
        return None
    return f"_{'_'.join(words(shortest))}_arguments"


def _comment(text: str, runs: list[list[ast.stmt]]) -> str | None:
    """The short comment right above every copy, as a name."""
    lines = text.splitlines()
    found = set()
    for run in runs:
        above = lines[run[0].lineno - 2].strip() if run[0].lineno >= 2 else ""
        if not above.startswith("#"):
            return None
        found.add(above.lstrip("#").strip().rstrip(".:").lower())
    if len(found) != 1:
        return None
    phrase = found.pop()
    said = re.findall(r"[a-z]+", phrase)
    if not (2 <= len(said) <= MAX_COMMENT_WORDS) or not re.fullmatch(r"[a-z ]+", phrase):
        return None
    return "_" + "_".join(w for w in said if w not in ("the", "a", "an"))


def _free(text: str, name: str) -> bool:
    """A name nothing in the module says yet, and no builtin or keyword."""
    if keyword.iskeyword(name) or hasattr(builtins, name):
        return False
    return re.search(rf"\b{re.escape(name)}\b", text) is None
