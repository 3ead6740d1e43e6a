"""From a model's answer to new file contents: extract, parse, check and apply one unified diff.

Everything here is pure: :func:`plan_patch` takes the current texts and returns the new
ones, or raises :class:`DiffRejected` with a one-line reason that is fed back to the model.
Nothing is written until the whole diff has applied and compiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk, PatchedFile, PatchSet

# How many lines a hunk may sit away from the line its header names (models miscount;
# ``patch`` itself searches further, but a far match is more likely a wrong place).
OFFSET_TOLERANCE = 5

_FENCE = re.compile(r"^```[ \t]*([\w+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$")


class DiffRejected(Exception):
    """The answer holds no usable diff; the message says why in one line."""


@dataclass(frozen=True)
class PlannedFile:
    """The new text of one file and its diffstat."""

    path: str
    text: str
    added: int
    removed: int


def extract_diff(answer: str) -> str:
    """The unified diff inside ``answer``: a ```diff/```patch block, else any block or bare text with one."""
    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(answer)]
    for lang, body in blocks:
        if lang in ("diff", "patch", "udiff") and _looks_like_diff(body):
            return str(body)
    for _lang, body in blocks:
        if _looks_like_diff(body):
            return str(body)
    if _looks_like_diff(answer):
        # Bare diff, perhaps after a line of prose: start at the first file header.
        lines = answer.splitlines(keepends=True)
        for index, line in enumerate(lines):
            if line.startswith(("--- ", "diff --git ")):
                return "".join(lines[index:])
    raise DiffRejected("the answer contains no unified diff (expected `--- a/<path>`, `+++ b/<path>` and `@@` hunks)")


def _looks_like_diff(text: str) -> bool:
    return bool(
        re.search(r"^--- ", text, re.MULTILINE)
        and re.search(r"^\+\+\+ ", text, re.MULTILINE)
        and re.search(r"^@@ ", text, re.MULTILINE)
    )


def parse_diff(diff_text: str) -> PatchSet:
    """Parse with unidiff after recounting hunk headers (models rarely count lines right)."""
    try:
        patch = PatchSet(recount_hunks(diff_text))
    except UnidiffParseError as exc:
        raise DiffRejected(f"the diff does not parse: {exc}") from None
    if not patch:
        raise DiffRejected("the diff names no file")
    return patch


def recount_hunks(diff_text: str) -> str:
    """``diff_text`` with each ``@@`` header's line counts recomputed from its body.

    The start lines are kept (they locate the hunk); only the counts, which language
    models often get wrong, are derived from the lines that follow.
    """
    lines = diff_text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        match = _HUNK_HEADER.match(lines[index])
        if not match:
            _check_outside_hunk(lines[index], index + 1)
            out.append(lines[index])
            index += 1
            continue
        body_end = index + 1
        while body_end < len(lines) and _is_body_line(lines, body_end):
            body_end += 1
        body = lines[index + 1 : body_end]
        # A trailing blank line is the end of the answer, not an empty context line.
        while body and body[-1] == "":
            body.pop()
            body_end -= 1
        old = sum(1 for line in body if line[:1] in (" ", "-", ""))
        new = sum(1 for line in body if line[:1] in (" ", "+", ""))
        out.append(f"@@ -{match[1]},{old} +{match[2]},{new} @@{match[3]}")
        out.extend(" " if line == "" else line for line in body)
        index = body_end
    return "\n".join(out) + "\n"


def _check_outside_hunk(line: str, number: int) -> None:
    # unidiff skips such lines silently; a change the model meant must not be dropped.
    if line.startswith("@@"):
        raise DiffRejected(
            f"diff line {number}: malformed hunk header {line[:60]!r} (expected `@@ -start,count +start,count @@`)"
        )
    if line[:1] in ("+", "-") and not line.startswith(("+++ ", "--- ")):
        raise DiffRejected(f"diff line {number}: {line[:60]!r} is outside any `@@` hunk")


def _is_body_line(lines: list[str], index: int) -> bool:
    line = lines[index]
    if line.startswith(("@@ ", "diff --git ")):
        return False
    if line.startswith("--- ") and index + 1 < len(lines) and lines[index + 1].startswith("+++ "):
        return False
    return line[:1] in (" ", "+", "-", "\\", "")


def plan_patch(diff_text: str, sources: Mapping[str, str], allowed: Iterable[str]) -> list[PlannedFile]:
    """The new texts of the files ``diff_text`` changes, checked and compiled.

    ``sources`` maps each allowed path to its current text. Rejects files outside
    ``allowed``, created, deleted, renamed or binary files, hunks whose context does
    not match within :data:`OFFSET_TOLERANCE` lines, and Python that does not compile.
    """
    allowed_paths = set(allowed)
    planned: list[PlannedFile] = []
    seen: set[str] = set()
    for patched in parse_diff(diff_text):
        path = _checked_path(patched, allowed_paths)
        if not len(patched):
            raise DiffRejected(f"{path}: no `@@ -start,count +start,count @@` hunk in the diff")
        if path in seen:
            raise DiffRejected(f"{path} appears twice in the diff; put all its hunks under one header")
        seen.add(path)
        text = _apply_file(path, sources[path], patched)
        if text == sources[path]:
            continue
        if path.endswith(".py"):
            _check_syntax(path, text)
        planned.append(PlannedFile(path, text, patched.added, patched.removed))
    if not planned:
        raise DiffRejected("the diff changes nothing")
    return planned


def _checked_path(patched: PatchedFile, allowed: set[str]) -> str:
    path = patched.path.strip()
    if patched.is_binary_file:
        raise DiffRejected(f"{path}: binary diffs are not accepted")
    # unidiff's own is_added_file also fires for an insertion at the top of a file.
    source, target = _strip_prefix(patched.source_file), _strip_prefix(patched.target_file)
    if "/dev/null" in (source, target) or source != target:
        raise DiffRejected(f"{path}: the diff may only modify files, not create, delete or rename them")
    if path not in allowed:
        names = ", ".join(sorted(allowed))
        raise DiffRejected(f"{path} is outside the affected files ({names}); change only those")
    return path


def _strip_prefix(name: str | None) -> str:
    name = (name or "/dev/null").strip().strip('"')
    return name[2:] if re.match(r"^[ab]/", name) else name


def _apply_file(path: str, text: str, patched: PatchedFile) -> str:
    lines = text.splitlines()
    newline = "\r\n" if "\r\n" in text else "\n"
    result: list[str] = []
    cursor = 0  # first original line (0-based) not yet copied
    # Models sometimes list hunks out of order; applying them by position is still exact.
    for number, hunk in enumerate(sorted(patched, key=lambda h: h.source_start), start=1):
        old = [line.value.rstrip("\r\n") for line in hunk if line.is_context or line.is_removed]
        new = [line.value.rstrip("\r\n") for line in hunk if line.is_context or line.is_added]
        start = _locate(path, number, hunk, old, lines, cursor)
        result.extend(lines[cursor:start])
        result.extend(new)
        cursor = start + len(old)
    result.extend(lines[cursor:])
    body = newline.join(result)
    return body + newline if (text.endswith(("\n", "\r")) or not text) and result else body


def _locate(path: str, number: int, hunk: Hunk, old: list[str], lines: list[str], cursor: int) -> int:
    """The 0-based index where ``old`` matches, nearest to the header's line first."""
    if not old:  # a pure insertion after line source_start
        expected = hunk.source_start
    else:
        expected = max(hunk.source_start - 1, 0)
    for delta in _deltas(OFFSET_TOLERANCE):
        start = expected + delta
        if start < cursor or start + len(old) > len(lines):
            continue
        if lines[start : start + len(old)] == old:
            return start
    first = old[0].strip() if old else ""
    raise DiffRejected(
        f"{path}: hunk {number} (@@ -{hunk.source_start}) does not apply: its context and removed lines "
        f"do not match the file within {OFFSET_TOLERANCE} lines of line {hunk.source_start}"
        + (f" (first expected line: {first!r})" if first else "")
    )


def _deltas(limit: int) -> Iterable[int]:
    yield 0
    for step in range(1, limit + 1):
        yield -step
        yield step


def _check_syntax(path: str, text: str) -> None:
    try:
        compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise DiffRejected(f"{path} line {exc.lineno}: the patched file has a syntax error: {exc.msg}") from None
    except ValueError as exc:  # e.g. a null byte
        raise DiffRejected(f"{path}: the patched file cannot be compiled: {exc}") from None
