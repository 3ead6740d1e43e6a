"""A name for a helper made of repeated code, from what the code is, or none.

Four shapes say what a run of statements is about without reading its meaning:

* **checks**: every statement is ``if ...: raise ...`` or ``assert``, about one value:
  ``_check_<value>``;
* **shared argument handling**: the run opens every function, reads only their
  parameters, gives some of them new values, and the functions share a name:
  ``_normalize_<name>_args`` (``frange``/``xfrange`` → ``_normalize_frange_args``);
* **a comment** above every copy, the same short phrase: that phrase;
* **one value computed**: the run only binds locals (no attribute, item or call for its
  effect), and its one result is a new local whose name says which value it is, in two
  words or more (``wanted_fields``): ``_wanted_fields``, so the call reads
  ``wanted_fields = self._wanted_fields(options)``.

With a language model configured, a run no shape names may take the model's name,
when it passes the same checks (:func:`checked_model_name`). Anything else is refused:
a helper named ``_helper`` or after its parameters is worse than the copies.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from collections.abc import Callable

from gitupgrade.refactor.strategies.block_flow import BlockFlow, every_argument
from gitupgrade.refactor.strategies.naming import words
from gitupgrade.refactor.strategies.source import RefusedChange

MAX_COMMENT_WORDS = 5
MIN_WORD = 3


def helper_name(
    text: str,
    runs: list[list[ast.stmt]],
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef],
    flow: BlockFlow,
    parameters: tuple[str, ...],
    ask_model: Callable[[], str | None] | None = None,
    renamed: frozenset[str] = frozenset(),
) -> str:
    """The helper's name (with its leading underscore), or a refusal saying why there is none.

    ``ask_model`` (a configured language model) is asked only when no shape names the run.
    ``renamed``: locals another copy names differently; a name taken from one of them would
    fit one copy only (``_check_role(user)``).
    """
    candidates = [
        _checks(runs[0], parameters),
        _arguments(runs, functions, flow),
        comment_name(text, runs),
        _computed(runs[0], flow),
    ]
    for name in candidates:
        if name and _free(text, name) and not any(_says(name, local) for local in renamed):
            return name
    if ask_model is not None:
        answer = ask_model()
        if answer is not None:
            return checked_model_name(answer, text)
    raise RefusedChange(
        "no name says what the repeated code does"
        " (not checks of one value, shared argument handling, a commented step or one telling result)"
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
    """``_normalize_<name>_args`` for the same argument handling opening functions of one name.

    Argument handling reads only the parameters (not ``self``) and gives some of them new
    values: the functions go on with the normalized arguments. The name is a verb, like
    the call it makes. Blind reviews split between it and a name after the results: three
    would merge ``_normalize_frange_args`` after small changes, and the one that read
    ``_frange_start_count`` rejected it as a list of what it returns.
    """
    if not all(_prepares_arguments(run, function, flow) for run, function in zip(runs, functions, strict=True)):
        return None
    names = [f.name.lstrip("_") for f in functions]
    shortest = min(names, key=len)
    if not all(n.startswith(shortest) or n.endswith(shortest) for n in names) or len(shortest) < 3:
        return None
    return "_normalize_" + "_".join(words(shortest)) + "_args"


def _only_binds(run: list[ast.stmt]) -> bool:
    """Whether the run's statements change nothing but locals it creates itself.

    No attribute or item of anything else is assigned, and no call is made for its effect
    on anything else (``self.queue.append(x)``); building a list the run made is fine
    (``pairs.append(x)``). Calls inside expressions may still have effects; what a
    statement says is what a reader sees.
    """
    made = {t.id for s in run for n in ast.walk(s) for t in _targets(n) if isinstance(t, ast.Name)}

    def own(node: ast.expr) -> bool:  # ``pairs.append`` / ``table[key]`` of a local the run made
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return isinstance(node, ast.Name) and node.id in made

    for node in (n for statement in run for n in ast.walk(statement)):
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant):
            call = node.value
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and own(call.func.value)):
                return False
        if isinstance(node, (ast.Delete, ast.Global, ast.Nonlocal)):
            return False
        if any(isinstance(t, (ast.Attribute, ast.Subscript)) and not own(t) for t in _targets(node)):
            return False
    return True


def _targets(node: ast.AST) -> list[ast.expr]:
    """What an assignment statement assigns to (tuples unpacked)."""
    if isinstance(node, ast.Assign):
        found = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)):
        found = [node.target]
    else:
        return []
    flat: list[ast.expr] = []
    while found:
        target = found.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            found.extend(target.elts)
        elif isinstance(target, ast.Starred):
            found.append(target.value)
        else:
            flat.append(target)
    return flat


def _prepares_arguments(run: list[ast.stmt], function: ast.FunctionDef | ast.AsyncFunctionDef, flow: BlockFlow) -> bool:
    """The run opens ``function``, reads only its parameters (not ``self``) and rebinds some."""
    body = function.body[1:] if ast.get_docstring(function, clean=False) is not None else function.body
    params = [a.arg for a in every_argument(function.args)]  # ``**options`` is an argument too
    receiver = params[0] if params and params[0] in ("self", "cls") else None
    return (
        bool(body)
        and body[0] is run[0]
        and _only_binds(run)
        and set(flow.inputs) <= set(params) - {receiver}
        and bool(set(flow.outputs) & set(params))
    )


def comment_name(text: str, runs: list[list[ast.stmt]]) -> str | None:
    """The short comment right above every copy, as a name.

    Only when it is the run's one comment at its top level: a second one (``# initialize
    the embedding`` further down) says the first named a step of the run, not the run.
    """
    lines = text.splitlines()

    def above(statement: ast.stmt) -> str:
        return lines[statement.lineno - 2].strip() if statement.lineno >= 2 else ""

    found = set()
    for run in runs:
        if not above(run[0]).startswith("#") or any(above(s).startswith("#") for s in run[1:]):
            return None
        found.add(above(run[0]).lstrip("#").strip().rstrip(".:").lower())
    if len(found) != 1:
        return None
    phrase = found.pop()
    said = re.findall(r"[a-z]+", phrase)
    if not (2 <= len(said) <= MAX_COMMENT_WORDS) or not re.fullmatch(r"[a-z ]+", phrase):
        return None
    return "_" + "_".join(w for w in said if w not in ("the", "a", "an"))


def _computed(run: list[ast.stmt], flow: BlockFlow) -> str | None:
    """``_<result>`` for a run whose one result is a local named in two words or more.

    The result is the one local the function reads after the run, or the local the run
    ends by returning (``return query_string``).
    """
    if not _only_binds(run):
        return None  # a name that says "the value" would hide what else the run does
    last = run[-1]
    if flow.terminal and isinstance(last, ast.Return) and isinstance(last.value, ast.Name):
        result = last.value.id
    elif len(flow.outputs) == 1 and flow.outputs[0] not in flow.inputs:
        result = flow.outputs[0]
    else:
        return None
    said = words(result)
    if len(said) < 2 or any(c.isdigit() for c in result) or any(len(w) < MIN_WORD for w in said):
        return None  # ``tokens``, ``el2``, ``prettyF``, ``coeff_L``: what they hold, not which value
    return "_" + "_".join(said)


def _says(name: str, local: str) -> bool:
    """Whether ``name`` is made of the words of ``local`` (``_check_role`` of ``role``)."""
    return f"_{'_'.join(words(local))}_" in f"_{name.strip('_')}_"


# Words that say code was moved, not what it does.
_EMPTY_WORDS = frozenset(
    {
        "helper",
        "helpers",
        "extracted",
        "common",
        "shared",
        "block",
        "code",
        "util",
        "utils",
        "misc",
        "stuff",
        "do",
        "func",
        "function",
        "impl",
        "logic",
        "part",
        "step",
        "run",
        "duplicate",
        "dedup",
        "refactored",
    }
)
MAX_MODEL_WORDS = 5


def checked_model_name(answer: str, text: str) -> str:
    """A model's proposed helper name, private and checked; a refusal says why it was not kept."""
    name = answer if answer.startswith("_") else f"_{answer}"
    said = name.strip("_").split("_")
    why = None
    if not re.fullmatch(r"_[a-z][a-z0-9]*(?:_[a-z0-9]+)*", name):
        why = "is not a snake_case identifier"
    elif not 2 <= len(said) <= MAX_MODEL_WORDS:
        why = f"has {len(said)} words (2 to {MAX_MODEL_WORDS})"
    elif any(w.isdigit() or w in _EMPTY_WORDS for w in said) or said[0] == "test":
        why = "says code moved, not what it does"
    elif not _free(text, name):
        why = "is a name the module already uses"
    if why:
        raise RefusedChange(f"no rule names the repeated code, and the model's name {answer!r} {why}")
    return name


def _free(text: str, name: str) -> bool:
    """A name nothing in the module says yet, nor one that differs from a name it defines by underscores.

    ``_proxy_manager`` beside the attribute ``self.proxy_manager``, or
    ``_canonical_query_string`` beside the method ``canonical_query_string``, reads as
    the same thing; a local of that name (``wanted_fields = _wanted_fields(...)``) does not.
    """
    if keyword.iskeyword(name) or hasattr(builtins, name):
        return False
    if re.search(rf"\b{re.escape(name)}\b", text):
        return False
    return name.lstrip("_") not in _defined(text)


def _defined(text: str) -> set[str]:
    """Names the module defines for its readers, without leading underscores: attributes,
    functions, classes, and what module and class bodies bind."""
    tree = ast.parse(text)
    found = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    found |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    bodies = [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for statement in body:
            targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
            found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return {n.lstrip("_") for n in found}
