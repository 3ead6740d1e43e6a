"""Reading a static check's output as findings: (tool, file, code, message without positions).

Positions are left out so that a finding keeps its identity when lines above it move;
numbers a message itself cites (``defined on line 12``) are blanked for the same reason.
Each parser also knows which exit codes mean the tool itself failed (a crash or a usage
error): that output is reported, never read as findings.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Finding:
    """One finding of one tool, independent of its line and column."""

    tool: str
    file: str
    code: str
    message: str

    def text(self) -> str:
        """``tool file code message`` on one line."""
        return f"{self.tool} {self.file} {self.code} {self.message}"


_MYPY = re.compile(r"^(?P<file>[^:\n]+?):(?P<line>\d+)(?::\d+)?(?::\d+:\d+)?: (?P<sev>error|warning): (?P<msg>.*)$")
_MYPY_CODE = re.compile(r"\s+\[(?P<code>[a-z0-9-]+)\]$")
_FLAKE8 = re.compile(r"^(?P<file>[^:\n]+?):\d+:(?:\d+:)?\s*(?P<code>[A-Z]+\d+)\s+(?P<msg>.*)$")
_PYLINT_PARSEABLE = re.compile(r"^(?P<file>[^:\n]+?):\d+: \[(?P<code>[A-Z]\d+)[^\]]*\] (?P<msg>.*)$")
_WOULD_CHANGE = (
    re.compile(r"^would reformat (?P<file>.+?)$"),  # black
    re.compile(r"^Would reformat: (?P<file>.+?)$"),  # ruff format before 0.9
    re.compile(r"^(?P<file>[^:\n]+?):\d+:\d+: unformatted: "),  # ruff format, concise
    re.compile(r"^\s*--> (?P<file>[^:\n]+?):\d+:\d+$"),  # ruff format, full (after "unformatted:")
    re.compile(r"^ERROR: (?P<file>.+?) Imports are incorrectly sorted"),  # isort
)
_LINE_REFERENCE = re.compile(r"\b(line|lines|column|col)\s+\d+(\s*-\s*\d+)?", re.IGNORECASE)
_FILE_POSITION = re.compile(r"(\.pyi?):\d+(:\d+)?")


def parse(fmt: str, tool: str, output: str, workdir: Path) -> list[Finding]:
    """The findings in ``output`` of a tool whose output has format ``fmt``."""
    if fmt == "ruff":
        return _ruff(tool, output, workdir)
    if fmt == "pyright":
        return _pyright(tool, output, workdir)
    lines = [line.rstrip() for line in output.splitlines()]
    read = _LINE_READERS.get(fmt)
    if read is not None:
        return [finding for finding in (read(tool, line, workdir) for line in lines) if finding is not None]
    # black, isort, ruff-format: the files that would change
    changed = {path for path in (_would_change(line, workdir) for line in lines) if path is not None}
    kind = {"isort": "unsorted-imports"}.get(fmt, "unformatted")
    return [Finding(tool, path, kind, "file would be reformatted") for path in sorted(changed)]


def _mypy_line(tool: str, line: str, workdir: Path) -> Finding | None:
    match = _MYPY.match(line)
    if not match:
        return None
    message = match["msg"]
    code = _MYPY_CODE.search(message)
    if code:
        message = message[: code.start()]
    code_text = code["code"] if code else match["sev"]
    return Finding(tool, relative(match["file"], workdir), code_text, clean(message, workdir))


def _flake8_line(tool: str, line: str, workdir: Path) -> Finding | None:
    """A flake8 line, or pylint's in the same parseable shape."""
    match = _FLAKE8.match(line) or _PYLINT_PARSEABLE.match(line)
    if not match:
        return None
    return Finding(tool, relative(match["file"], workdir), match["code"], clean(match["msg"], workdir))


def _would_change(line: str, workdir: Path) -> str | None:
    """The file a formatter's or sorter's line says it would change."""
    match = next((m for m in (pattern.match(line) for pattern in _WOULD_CHANGE) if m), None)
    return relative(match["file"], workdir) if match else None


# Formats whose output is one finding a line.
_LINE_READERS: dict[str, Callable[[str, str, Path], Finding | None]] = {
    "mypy": _mypy_line,
    "flake8": _flake8_line,
    "pylint": _flake8_line,
}


def tool_failed(fmt: str, exit_code: int, findings: list[Finding], output: str) -> bool:
    """Whether the exit code says the tool itself failed rather than that it found something."""
    if fmt == "pylint":
        # pylint's exit status is a bit mask: 1 fatal, 32 usage error; 2-16 are message categories
        return bool(exit_code & 33) or (exit_code != 0 and not findings)
    if fmt == "black":
        return exit_code not in (0, 1) or (exit_code == 1 and not findings)
    if exit_code == 0:
        return False
    # 1 means "found something" for all the others; without a finding read it is a failure
    # we cannot interpret (an unknown option, a missing module), never a silent pass.
    return exit_code != 1 or not findings


def not_installed(exit_code: int | None, output: str) -> bool:
    """Whether a configured command's output says the program or module is missing."""
    if exit_code == 127:
        return True
    return (
        exit_code == 1
        and re.search(r"No module named \S+$", output.strip().splitlines()[-1] if output.strip() else "") is not None
    )


def clean(message: str, workdir: Path) -> str:
    """The message with the worktree's path and every line or column number blanked."""
    message = message.replace(str(workdir) + os.sep, "")
    message = _LINE_REFERENCE.sub(lambda m: f"{m.group(1)} N", message)
    return _FILE_POSITION.sub(r"\1", message).strip()


def relative(path: str, workdir: Path) -> str:
    """``path`` relative to the worktree, with forward slashes (outside paths stay absolute)."""
    candidate = Path(path.strip())
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(workdir.resolve())
        except ValueError:
            return candidate.as_posix()
    text = candidate.as_posix()
    return text[2:] if text.startswith("./") else text


def _ruff(tool: str, output: str, workdir: Path) -> list[Finding]:
    data = _json(output, "[")
    found = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and isinstance(item.get("filename"), str):
            code = item.get("code") or "error"  # a syntax error has no code
            message = clean(str(item.get("message", "")), workdir)
            found.append(Finding(tool, relative(item["filename"], workdir), str(code), message))
    return found


def _pyright(tool: str, output: str, workdir: Path) -> list[Finding]:
    data = _json(output, "{")
    items = data.get("generalDiagnostics") if isinstance(data, dict) else None
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("severity") not in ("error", "warning"):
            continue
        code = str(item.get("rule") or item.get("severity"))
        message = clean(str(item.get("message", "")).splitlines()[0] if item.get("message") else "", workdir)
        found.append(Finding(tool, relative(str(item.get("file", "")), workdir), code, message))
    return found


def _json(output: str, opener: str) -> Any:
    """The JSON document in ``output`` (tools may print a line before it)."""
    match = re.search("^" + re.escape(opener), output, re.MULTILINE)
    if match is None:
        return None
    start = match.start()
    try:
        return json.loads(output[start:])
    except ValueError:
        return None
