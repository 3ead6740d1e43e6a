"""Clone fingerprints of source text: exact, and with identifiers and literals renamed.

Fingerprints come from the text of the lines a function or statement run
covers, normalised with a few C-speed regular expressions (no tokenizer, no
second tree walk): the exact form strips indentation, blank and comment-only
lines; the renamed form also maps every identifier to ``_``, every number to
``0`` and every string to ``S``, while keywords and operators keep the shape.

Each normalised line is reduced to a CRC once; a span's fingerprint is the hash
of the tuple of its lines' CRCs. Tuples of ints hash the same way in every
process of one Python version (unlike ``str``, whose hash is salted), which is
why the cache key names the Python version.
"""

from __future__ import annotations

import ast
import keyword
import re
from zlib import crc32

from gitupgrade.analysis.facts import BlockFacts

_STRING = re.compile(
    r"""[rRbBuUfF]{0,2}(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")""",
    re.DOTALL,
)
_COMMENT = re.compile(r"#[^\n]*")
_NUMBER = re.compile(r"\b\d[\w.]*")
_IDENTIFIER = re.compile(r"\b(?!(?:{})\b)[A-Za-z_]\w*".format("|".join(keyword.kwlist)))
# Statements that never make a clone worth reporting on their own.
_SKIPPED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


_MASK = (1 << 64) - 1


class _View:
    """One normalised view: a CRC per non-blank line, and where each line's CRCs start."""

    __slots__ = ("codes", "first_at")

    def __init__(self, lines: list[str]) -> None:
        self.codes: list[int] = []
        self.first_at: list[int] = []
        for line in lines:
            self.first_at.append(len(self.codes))
            if line:
                self.codes.append(crc32(line.encode()))
        self.first_at.append(len(self.codes))

    def digest(self, start: int, end: int) -> str:
        window = tuple(self.codes[self.first_at[start - 1] : self.first_at[end]])
        return format(hash(window) & _MASK, "016x")


def _keep_newlines(match: re.Match[str]) -> str:
    return "S" + "\n" * match.group().count("\n")


class Fingerprints:
    """Normalised views of one file's lines, computed on first use."""

    def __init__(self, lines: list[str], min_lines: int) -> None:
        self.lines = lines
        self.min_lines = max(min_lines, 2)
        self._views: tuple[_View, _View] | None = None
        self._runs = 0

    def _make_views(self) -> tuple[_View, _View]:
        text = "\n".join(self.lines)
        renamed = _STRING.sub(_keep_newlines, text)
        renamed = _IDENTIFIER.sub("_", _NUMBER.sub("0", _COMMENT.sub("", renamed)))
        exact = ["" if stripped.startswith("#") else stripped for stripped in map(str.strip, self.lines)]
        return _View(exact), _View(list(map(str.strip, renamed.split("\n"))))

    def span(self, start: int, end: int) -> tuple[str, str]:
        """Exact and renamed fingerprints of lines ``start..end`` (1-based, inclusive)."""
        if self._views is None:
            self._views = self._make_views()
        exact, renamed = self._views
        return exact.digest(start, end), renamed.digest(start, end)

    def function(self, body: list[ast.stmt], end: int) -> tuple[str, str]:
        """Fingerprints of a function's code (name, signature and docstring may differ between
        copies), or empty strings when that code is shorter than ``min_lines`` with its ``def``."""
        code = body[1:] if _is_docstring(body[0]) else body
        if not code or end - code[0].lineno + 2 < self.min_lines:
            return "", ""
        return self.span(code[0].lineno, end)

    def windows(self, body: list[ast.stmt]) -> list[BlockFacts]:
        """The shortest runs of 2+ sibling statements spanning ``min_lines`` lines, one per start.

        Definitions and imports (``if TYPE_CHECKING:`` blocks of imports too) break a run:
        whole functions are compared as functions, and repeated import lists are not worth
        a refactoring.
        """
        if len(body) < 2 or (body[-1].end_lineno or 0) - body[0].lineno + 1 < self.min_lines:
            return []
        found: list[BlockFacts] = []
        run: list[ast.stmt] = []
        for stmt in body:
            if isinstance(stmt, _SKIPPED) or _is_docstring(stmt) or _is_type_checking_imports(stmt):
                self._run_windows(run, found)
                run = []
            else:
                run.append(stmt)
        self._run_windows(run, found)
        return found

    def _run_windows(self, run: list[ast.stmt], found: list[BlockFacts]) -> None:
        count = len(run)
        if count < 2 or (run[-1].end_lineno or 0) - run[0].lineno + 1 < self.min_lines:
            return
        self._runs += 1
        # logic_before[k]: statements of run[:k] that are more than data (constants, flags, tables).
        logic_before = [0]
        for stmt in run:
            logic_before.append(logic_before[-1] + (not _is_data(stmt)))
        j = 0
        for i in range(count - 1):
            start = run[i].lineno
            j = max(j, i + 1)
            while j < count and (run[j].end_lineno or 0) - start + 1 < self.min_lines:
                j += 1
            if j >= count:
                return
            if logic_before[j + 1] - logic_before[i] == 0:
                continue  # copied settings or tables are data, not a refactoring
            end = run[j].end_lineno or start
            found.append(BlockFacts(start, end, *self.span(start, end), self._runs))


def is_type_checking(test: ast.expr) -> bool:
    """True for the test of ``if TYPE_CHECKING:`` (or ``t.TYPE_CHECKING``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _is_type_checking_imports(stmt: ast.stmt) -> bool:
    """``if TYPE_CHECKING:`` (or ``t.TYPE_CHECKING``) holding only imports."""
    return (
        isinstance(stmt, ast.If)
        and is_type_checking(stmt.test)
        and not stmt.orelse
        and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body)
    )


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


_LITERALS = (ast.Constant, ast.Name, ast.Attribute)
_CONTAINERS = (ast.Tuple, ast.List, ast.Set)


def _is_literal(node: ast.expr | None) -> bool:
    if node is None or isinstance(node, _LITERALS):
        return True
    if isinstance(node, _CONTAINERS):
        return all(_is_literal(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        return all(_is_literal(k) and _is_literal(v) for k, v in zip(node.keys, node.values, strict=False))
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    return False


def _is_data(stmt: ast.stmt) -> bool:
    """An assignment of a literal value (a setting, a flag, a table), or ``pass``."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return _is_literal(stmt.value)
    return isinstance(stmt, ast.Pass)
