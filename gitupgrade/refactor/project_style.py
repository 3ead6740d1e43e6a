"""The project's own code style, read once from its settings, and its tools run on what we wrote.

Code an upgrade writes is reviewed with the project's tools: its line length, its import
order (ruff's ``I`` rules or isort) and its formatter (ruff format or black). The settings
come from ``pyproject.toml``, ``ruff.toml``, ``setup.cfg``, ``tox.ini``, ``.flake8``,
``.isort.cfg``, ``mypy.ini`` and ``.pre-commit-config.yaml``. A tool runs on the touched
files only when it is installed and the files it would touch were clean under it before
the upgrade (a project that is not formatted is not formatted by us); a missing or
failing tool leaves the text as the writers made it, never fails the refactoring.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gitupgrade.project_settings import pre_commit_hooks, read_ini, read_toml

# What black and ruff use without a setting, and what flake8/pycodestyle use.
FORMATTER_LINE_LENGTH = 88
PEP8_LINE_LENGTH = 79
_TIMEOUT = 60


@dataclass(frozen=True)
class ProjectStyle:
    """What the project's settings say about code written into it."""

    line_length: int = FORMATTER_LINE_LENGTH
    formatter: str | None = None  # "ruff" or "black"
    sorter: str | None = None  # "ruff" (its ``I`` rules) or "isort"
    type_checker: str | None = None  # "mypy" or "pyright"
    checks_untyped: bool = False  # the checker reads bodies of unannotated functions too
    implicit_reexport: bool = True  # the checker counts a plain import as an export (mypy without strict)
    alias_flagged: bool = False  # ruff's PLC0414 reports ``import x as x`` outside ``__init__.py``

    @classmethod
    def read(cls, root: Path, probe: str = ".") -> ProjectStyle:
        """The style of the project checked out at ``root`` (defaults where it says nothing).

        When the project configures ruff and ruff is installed, ruff itself says which of
        its rules apply to ``probe`` (a file of the project) and its line length: its
        defaults change between versions, and ``ALL``, prefixes, ``extend-select`` and
        ``ignore`` resolve exactly as the project's own ``ruff check`` resolves them.
        """
        style = cls.from_settings(root)
        rules = _ruff_rules(root, probe) if style.formatter == "ruff" or style.sorter == "ruff" else None
        if rules is None:
            return style
        enabled, length = rules
        return replace(
            style,
            line_length=min(length, style.line_length),
            sorter="ruff" if "I001" in enabled else style.sorter if style.sorter != "ruff" else None,
            alias_flagged="PLC0414" in enabled,
        )

    @classmethod
    def from_settings(cls, root: Path) -> ProjectStyle:
        """The style as the settings files spell it."""
        found = _Settings.read(root)
        checker = found.type_checker(root)
        untyped, implicit = _mypy_reading(found.mypy, checker)
        ignored = [*found.ruff.get("ignore", []), *found.lint.get("ignore", [])]
        flagged = _selects(found.selected, "PLC0414") and not _selects(ignored, "PLC0414")
        return cls(found.line_length(), found.formatter(), found.sorter(), checker, untyped, implicit, flagged)


@dataclass(frozen=True)
class _Settings:
    """The tool sections of a project's settings files, each read once."""

    pyproject: dict[str, Any]  # its [tool] table
    ruff: dict[str, Any]
    hooks: set[str]  # ids of the pre-commit hooks
    cfg: dict[str, dict[str, str]]  # sections of the ini files

    @classmethod
    def read(cls, root: Path) -> _Settings:
        pyproject = read_toml(root / "pyproject.toml").get("tool", {})
        ruff = pyproject.get("ruff") or read_toml(root / "ruff.toml") or read_toml(root / ".ruff.toml")
        hooks = set(pre_commit_hooks(root / ".pre-commit-config.yaml"))
        cfg = _ini(root / "setup.cfg", root / "tox.ini", root / ".flake8", root / ".isort.cfg", root / "mypy.ini")
        return cls(pyproject, ruff, hooks, cfg)

    @property
    def lint(self) -> dict[str, Any]:
        lint = self.ruff.get("lint", {})
        return lint if isinstance(lint, dict) else {}

    @property
    def selected(self) -> list[object]:
        """ruff's selected rule codes, top level and ``[lint]``."""
        return [
            *self.ruff.get("select", []),
            *self.ruff.get("extend-select", []),
            *self.lint.get("select", []),
            *self.lint.get("extend-select", []),
        ]

    @property
    def isort(self) -> Any:
        return self.pyproject.get("isort") or self.cfg.get("isort") or self.cfg.get("settings")

    @property
    def mypy(self) -> Any:
        return self.pyproject.get("mypy") or self.cfg.get("mypy")

    @property
    def black(self) -> bool:
        return "black" in self.pyproject or "black" in self.hooks

    def line_length(self) -> int:
        """The shortest line length any of the project's tools asks for."""
        return min(self._line_lengths(), default=FORMATTER_LINE_LENGTH)

    def _line_lengths(self) -> Iterator[int]:
        if self.ruff or "ruff" in self.hooks or "ruff-format" in self.hooks:
            yield _int(self.ruff.get("line-length"), FORMATTER_LINE_LENGTH)
        if self.black:
            yield _int(self.pyproject.get("black", {}).get("line-length"), FORMATTER_LINE_LENGTH)
        if "flake8" in self.cfg or "flake8" in self.hooks or "pycodestyle" in self.cfg:
            yield _int(self._pep8_line_length(), PEP8_LINE_LENGTH)
        isort = self.isort
        if isort and isort.get("line_length"):
            yield _int(isort.get("line_length"), FORMATTER_LINE_LENGTH)

    def _pep8_line_length(self) -> str | None:
        section = self.cfg.get("flake8") or self.cfg.get("pycodestyle") or {}
        return section.get("max-line-length") or section.get("max_line_length")

    def formatter(self) -> str | None:
        if self.black:
            return "black"
        # a ruff project is formatted with ruff format when its files already are (checked per run)
        return "ruff" if self.ruff or "ruff-format" in self.hooks else None

    def sorter(self) -> str | None:
        if any(code in ("I", "I001", "ALL") for code in self.selected):
            return "ruff"
        return "isort" if self.isort is not None or "isort" in self.hooks else None

    def type_checker(self, root: Path) -> str | None:
        if self.mypy is not None or "mypy" in self.hooks:
            return "mypy"
        pyright = self.pyproject.get("pyright") is not None or (root / "pyrightconfig.json").is_file()
        return "pyright" if pyright else None


def _mypy_reading(mypy: Any, checker: str | None) -> tuple[bool, bool]:
    """Whether the checker reads unannotated bodies, and whether a plain import counts as an export."""
    untyped = checker == "pyright" or any(
        str((mypy or {}).get(key, "")).lower() in ("true", "1") for key in ("strict", "check_untyped_defs")
    )
    settings = {k.replace("-", "_"): str(v).lower() for k, v in (mypy or {}).items()}
    implicit = not (
        settings.get("strict") in ("true", "1")
        or settings.get("implicit_reexport") in ("false", "0")
        or settings.get("no_implicit_reexport") in ("true", "1")
    )
    return untyped, implicit


def tidy(root: Path, style: ProjectStyle, paths: Iterable[str], original: Callable[[str], bytes | None]) -> list[str]:
    """Sort imports and format ``paths`` (relative to ``root``) with the project's tools.

    ``original`` gives a file's bytes before the upgrade (None for a file it created). Each
    tool runs only when installed and every touched file that existed was clean under it,
    so it changes what we wrote and nothing else. Returns the tools that ran.
    """
    paths = sorted(set(paths))
    # the files as they were before the upgrade (created ones have nothing to be clean in)
    before = {p: data for p in paths if (data := original(p)) is not None}
    ran: list[str] = []
    for tool in _tools(style):
        command = _program(tool.program)
        if command is None:
            continue
        if not all(_clean(root, command, tool, p, data) for p, data in before.items()):
            continue
        if _run(root, [command, *tool.fix, *paths]) is not None:
            ran.append(tool.name)
    return ran


@dataclass(frozen=True)
class _Tool:
    name: str
    program: str
    fix: tuple[str, ...]  # rewrite files in place
    stdin: tuple[str, ...]  # format stdin to stdout ({path} is the file's path)
    check: bool = False  # ``stdin`` is a check: clean when it exits 0 (else: when the output is the input)


def _tools(style: ProjectStyle) -> list[_Tool]:
    tools = []
    if style.sorter == "ruff":
        select = ("check", "--select", "I", "--force-exclude", "--quiet")
        tools.append(
            _Tool("ruff isort", "ruff", (*select, "--fix"), (*select, "--stdin-filename", "{path}", "-"), True)
        )
    elif style.sorter == "isort":
        tools.append(_Tool("isort", "isort", ("--quiet",), ("--quiet", "--filename", "{path}", "-")))
    if style.formatter == "ruff":
        tools.append(
            _Tool(
                "ruff format",
                "ruff",
                ("format", "--force-exclude", "--quiet"),
                ("format", "--stdin-filename", "{path}", "-"),
            )
        )
    elif style.formatter == "black":
        tools.append(_Tool("black", "black", ("--quiet",), ("--quiet", "--stdin-filename", "{path}", "-")))
    return tools


def _clean(root: Path, command: str, tool: _Tool, path: str, data: bytes) -> bool:
    args = [command, *(a.replace("{path}", path) for a in tool.stdin)]
    try:
        done = subprocess.run(args, cwd=root, input=data, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    if tool.check:
        return done.returncode == 0
    return done.returncode == 0 and done.stdout == data


def _run(root: Path, args: list[str]) -> subprocess.CompletedProcess[bytes] | None:
    try:
        done = subprocess.run(args, cwd=root, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    # ruff check exits 1 when a finding is left that --fix cannot fix: the files were still written
    return done if done.returncode in (0, 1) else None


def _ruff_rules(root: Path, probe: str) -> tuple[set[str], int] | None:
    """The rule codes ruff enforces on ``probe`` and its line length, or None without ruff."""
    command = _program("ruff")
    if command is None:
        return None
    try:
        done = subprocess.run(
            [command, "check", "--show-settings", probe], cwd=root, capture_output=True, text=True, timeout=_TIMEOUT
        )
    except (OSError, subprocess.SubprocessError):
        return None
    enabled = re.search(r"^linter\.rules\.enabled = \[(.*?)^\]", done.stdout, re.M | re.S)
    length = re.search(r"^linter\.line_length = (\d+)", done.stdout, re.M)
    if done.returncode != 0 or enabled is None or length is None:
        return None
    return set(re.findall(r"\(([A-Z]+[0-9]+)\)", enabled.group(1))), int(length.group(1))


def _program(name: str) -> str | None:
    """The tool on the user's PATH, else beside the Python running gitupgrade (a virtualenv not activated)."""
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def _selects(codes: list[object], code: str) -> bool:
    """True when one of ruff's rule selectors ``codes`` (``ALL``, ``PL``, ``PLC0414`` ...) covers ``code``."""
    return any(isinstance(c, str) and (c == "ALL" or code.startswith(c)) for c in codes)


def _ini(*paths: Path) -> dict[str, dict[str, str]]:
    """The sections of the ini-style files that hold tool settings (first file wins per section)."""
    found: dict[str, dict[str, str]] = {}
    for path in paths:
        parser = read_ini(path)
        for section in parser.sections():
            name = section.removeprefix("tool:")
            if name == "settings" and path.name != ".isort.cfg":
                continue
            found.setdefault("isort" if name == "settings" else name, dict(parser[section]))
    return found


def _int(value: object, default: int) -> int:
    if not isinstance(value, (str, bytes, int, float)):
        return default  # a table, list or date where a number belongs
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
