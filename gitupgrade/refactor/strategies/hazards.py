"""The refusal checks shared by strategies: what would make a move change behaviour.

Each check returns a human reason (recorded in the result) or nothing. They err on the
side of refusing: a name that merely looks patched is treated as patched.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import libcst as cst

from gitupgrade.refactor.strategies.source import Workspace

# Libraries and calls that read annotations at run time; hiding an annotation's names
# under TYPE_CHECKING (or turning annotations into strings) would break them.
_RUNTIME_ANNOTATIONS = re.compile(
    r"^\s*(?:import|from)\s+(?:attrs?|pydantic|msgspec|typer|fastapi|cattrs|beartype|typeguard|"
    r"marshmallow_dataclass|strawberry|dataclasses)\b"
    r"|@(?:dataclass|attr\.s|attrs\.define|define|frozen|singledispatch\w*)\b"
    r"|\b(?:get_type_hints|get_annotations|__annotations__|eval_str|singledispatch\w*|NamedTuple|TypedDict)\b",
    re.MULTILINE,
)

# Calls and names that make a module's code depend on which module it lives in.
_MODULE_IDENTITY = (
    "globals",
    "locals",
    "vars",
    "__name__",
    "__file__",
    "__spec__",
    "__package__",
    "__loader__",
    "__path__",
    "__builtins__",
)


def runtime_annotation_reader(text: str) -> str | None:
    """The first sign that annotations of ``text`` are evaluated at run time, if any."""
    match = _RUNTIME_ANNOTATIONS.search(text)
    return match.group(0).strip() if match else None


def identity_names(node: cst.CSTNode) -> set[str]:
    """``globals()``, ``__name__``, ``__file__`` ... used inside ``node``."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            if name.value in _MODULE_IDENTITY:
                found.add(name.value)

        def visit_Attribute(self, attribute: cst.Attribute) -> bool:
            # ``cls.__name__`` is the class's name, not the module's: only the base counts
            attribute.value.visit(self)
            return False

    node.visit(Finder())
    return found


def global_statements(module: cst.Module) -> set[str]:
    """Names rebound through a ``global`` statement anywhere in ``module``."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Global(self, node: cst.Global) -> None:
            found.update(item.name.value for item in node.names)

    module.visit(Finder())
    return found


def has_star_import(module: cst.Module) -> bool:
    """True when ``module`` has ``from x import *`` (its free names cannot be resolved)."""
    found = False

    class Finder(cst.CSTVisitor):
        def visit_ImportStar(self, node: cst.ImportStar) -> None:
            nonlocal found
            found = True

    module.visit(Finder())
    return found


def patched_names(ws: Workspace, module: str, skip: str = "") -> set[str]:
    """Attributes of ``module`` that other code rebinds: ``mod.NAME = ...``, monkeypatch, mock.patch.

    Scans every Python file of the work dir (tests included) textually: a string
    ``"pkg.mod.NAME"`` (a patch target), ``setattr(mod, "NAME", ...)`` /
    ``patch.object(mod, "NAME")`` and ``mod.NAME = ...`` where ``mod`` is the module's
    last name or an alias of it. ``skip`` is a path not to scan (the module itself).
    """
    short = module.rpartition(".")[2]
    dotted = re.escape(module)
    patterns = [
        re.compile(rf"""['"]{dotted}\.(\w+)"""),
    ]
    found: set[str] = set()
    for text in _other_texts(ws, skip):
        if short not in text:
            continue
        aliases = {short}
        aliases.update(re.findall(rf"\bimport\s+{dotted}\s+as\s+(\w+)", text))
        aliases.update(re.findall(rf"\bimport\s+{re.escape(short)}\s+as\s+(\w+)", text))
        for pattern in patterns:
            found.update(pattern.findall(text))
        for alias in aliases:
            # the module may be reached through its package: ``click._termui_impl``
            name = rf"(?<![\w.])(?:\w+\.)*{re.escape(alias)}"
            found.update(re.findall(rf"(?:setattr|patch\.object|patch\.dict)\(\s*{name}\s*,\s*['\"](\w+)", text))
            for match in re.finditer(rf"{name}\.(\w+)\s*(?:=(?!=)|\+=|-=)", text):
                # ``age: fields.Field = fields.Float()`` annotates another name (found on marshmallow)
                if not re.search(r":[ \t]*$", text[max(0, match.start() - 40) : match.start()]):
                    found.add(match.group(1))
    return found


def spelled_paths(ws: Workspace, module: str, skip: str = "") -> set[str]:
    """Names ``N`` whose full path ``module.N`` another file writes inside a string.

    A test's expected output (``.transform: pkg.mod.TargetNotes``) or a pickle spells the
    module a class lives in: moving the class changes what it prints. Code that reaches
    ``pkg.mod.N`` as an attribute still finds the re-exported name, and docstrings only
    cite it (a doctest, with ``>>>``, is output again), so neither counts.
    """
    pattern = re.compile(rf"(?<![\w.]){re.escape(module)}\.(\w+)")
    found: set[str] = set()
    for text in _other_texts(ws, skip):
        if module in text:
            for literal in _string_literals(text):
                found.update(pattern.findall(literal))
    return found


def _string_literals(text: str) -> Iterator[str]:
    """The string literals of a Python file, bare string statements (docstrings) left out.

    A docstring with a doctest (``>>>``) holds expected output and counts. A file that
    does not parse yields its whole text: refusing is the safe side.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        yield text
        return
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and ">>>" not in node.value.value
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


def _other_texts(ws: Workspace, skip: str) -> Iterator[str]:
    """The text of every Python file of the work dir but ``skip`` (unreadable ones left out)."""
    for path in ws.python_files():
        if path == skip:
            continue
        try:
            yield (ws.workdir / path).read_text("utf-8", errors="replace")
        except OSError:
            continue
