"""Which static checks a project runs: found in its own config files, or named in ours.

``validation.static_checks`` is ``auto`` (detect from the checkout: tool sections of
pyproject.toml, setup.cfg, tox.ini, the tools' own files, hook ids in
``.pre-commit-config.yaml``), ``[]`` (none) or a list of ``{name, command, format}``.
A detected tool is run as ``python -m <tool>`` in the user's environment, with its
executable on PATH as the fallback; the arguments only choose a machine-readable
output and keep caches out of the worktree, the project's config does the rest.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitupgrade.errors import ConfigError
from gitupgrade.project_settings import pre_commit_hooks, read_ini, read_toml

SETTING = "self_upgrading.validation.static_checks"
FORMATS = ("mypy", "ruff", "ruff-format", "flake8", "pylint", "black", "isort", "pyright")
# Hook arguments that would install packages or rewrite files are never passed on.
_UNSAFE_ARGS = ("--install-types", "--non-interactive", "--fix", "--write")
_NOT_SOURCES = {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", "build", "dist"}
# Files where a project shows that it formats with ruff (``ruff format`` in a command).
_FORMAT_EVIDENCE = ("Makefile", "tox.ini", "noxfile.py", "justfile", ".pre-commit-config.yaml", "pyproject.toml")


@dataclass(frozen=True)
class Check:
    """One static check: its name, how to run it and how to read its output.

    A detected tool has ``module`` (run ``python -m module *args``, the executable of the
    same name on PATH as fallback); a configured one has a shell ``command``.
    """

    name: str
    format: str
    module: str | None = None
    args: tuple[str, ...] = ()
    command: str | None = None


def configured_checks(setting: Any, workdir: Path) -> list[Check]:
    """The checks of ``validation.static_checks`` for the checkout in ``workdir``."""
    if setting == "auto":
        return detect(workdir)
    if not isinstance(setting, list):
        raise ConfigError(f"{SETTING} must be auto, [] or a list of {{name, command, format}}, got {setting!r}")
    checks = []
    for number, item in enumerate(setting):
        where = f"{SETTING}[{number}]"
        if not isinstance(item, dict) or set(item) != {"name", "command", "format"}:
            raise ConfigError(f"{where} must be a mapping with exactly the keys name, command and format")
        if not all(isinstance(item[key], str) and item[key].strip() for key in item):
            raise ConfigError(f"{where}: name, command and format must be non-empty strings")
        if item["format"] not in FORMATS:
            raise ConfigError(f"{where}.format must be one of {', '.join(FORMATS)}, got {item['format']!r}")
        checks.append(Check(item["name"], item["format"], command=item["command"]))
    return checks


def detect(workdir: Path) -> list[Check]:
    """The tools the project's files show it runs, in a fixed order."""
    project = _Project.read(workdir)
    return [check for found in _DETECTORS if (check := found(project)) is not None]


@dataclass(frozen=True)
class _Project:
    """What a checkout's settings files say about its tools, each file read once."""

    workdir: Path
    tool: dict[str, Any]  # pyproject.toml's [tool] table
    ini: dict[str, configparser.ConfigParser]
    hooks: dict[str, list[str]]  # tool -> hook args, from .pre-commit-config.yaml

    @classmethod
    def read(cls, workdir: Path) -> _Project:
        pyproject = read_toml(workdir / "pyproject.toml")
        tool: dict[str, Any] = pyproject["tool"] if isinstance(pyproject.get("tool"), dict) else {}
        ini = {name: read_ini(workdir / name) for name in ("setup.cfg", "tox.ini", ".flake8", "mypy.ini", ".mypy.ini")}
        return cls(workdir, tool, ini, _hooks(workdir / ".pre-commit-config.yaml"))

    def names(self, tool: str) -> bool:
        """Whether pyproject.toml has a section for ``tool`` or a pre-commit hook runs it."""
        return tool in self.tool or tool in self.hooks

    def has_file(self, *names: str) -> bool:
        return any((self.workdir / name).is_file() for name in names)

    def ini_section(self, section: str, *files: str) -> configparser.ConfigParser | None:
        """The first of the ini ``files`` with ``section``."""
        return next((self.ini[name] for name in files if self.ini[name].has_section(section)), None)


def _mypy(project: _Project) -> Check | None:
    ini = project.ini_section("mypy", "mypy.ini", ".mypy.ini", "setup.cfg")
    if not (project.names("mypy") or ini is not None):
        return None
    args = [a for a in project.hooks.get("mypy", []) if not a.startswith(_UNSAFE_ARGS)]
    targets = _mypy_targets(project.workdir, project.tool, ini)
    return Check("mypy", "mypy", "mypy", (*args, "--no-pretty", "--no-error-summary", *targets))


def _pyright(project: _Project) -> Check | None:
    if not (project.names("pyright") or project.has_file("pyrightconfig.json")):
        return None
    return Check("pyright", "pyright", "pyright", ("--outputjson",))


def _ruff(project: _Project) -> Check | None:
    if not (project.names("ruff") or project.has_file("ruff.toml", ".ruff.toml")):
        return None
    return Check("ruff", "ruff", "ruff", ("check", "--output-format=json", "--no-cache", "--no-fix"))


def _ruff_format(project: _Project) -> Check | None:
    configured = isinstance(project.tool.get("ruff"), dict) and "format" in project.tool["ruff"]
    if not ("ruff-format" in project.hooks or configured or _mentions_ruff_format(project.workdir)):
        return None
    return Check("ruff-format", "ruff-format", "ruff", ("format", "--check", "--no-cache"))


def _flake8(project: _Project) -> Check | None:
    # flake8 reads no pyproject.toml: only its ini files or a hook show it
    ini = project.ini_section("flake8", "setup.cfg", "tox.ini", ".flake8")
    if not ("flake8" in project.hooks or ini is not None):
        return None
    return Check("flake8", "flake8", "flake8", ("--format=default", "."))


def _black(project: _Project) -> Check | None:
    return Check("black", "black", "black", ("--check", "--no-color", ".")) if project.names("black") else None


def _isort(project: _Project) -> Check | None:
    ini = project.ini_section("isort", "setup.cfg", "tox.ini")
    if not (project.names("isort") or project.has_file(".isort.cfg") or ini is not None):
        return None
    return Check("isort", "isort", "isort", ("--check-only", "."))


def _pylint(project: _Project) -> Check | None:
    if not (project.names("pylint") or project.has_file(".pylintrc", "pylintrc")):
        return None
    template = "--msg-template={path}:{line}:{column}: {msg_id} {msg}"
    return Check("pylint", "pylint", "pylint", ("--score=n", template, *source_targets(project.workdir)))


# In the order the checks run and are reported.
_DETECTORS: tuple[Callable[[_Project], Check | None], ...] = (
    _mypy,
    _pyright,
    _ruff,
    _ruff_format,
    _flake8,
    _black,
    _isort,
    _pylint,
)


def source_targets(workdir: Path) -> list[str]:
    """What to check when the tool's config names no files: ``src`` or the top-level packages and modules."""
    if (workdir / "src").is_dir():
        return ["src"]
    return [entry.name for entry in sorted(workdir.iterdir()) if _is_source(entry)] or ["."]


def _is_source(entry: Path) -> bool:
    """Whether a top-level entry is a package or a module of the project (not its tests, docs, setup)."""
    name = entry.name
    if name.startswith((".", "_")) or name in _NOT_SOURCES:
        return False
    if entry.is_dir():
        return (entry / "__init__.py").is_file() and name.isidentifier()
    return _is_source_module(entry)


def _is_source_module(entry: Path) -> bool:
    name = entry.name
    if entry.suffix != ".py" or name in ("setup.py", "conftest.py") or name.startswith("test_"):
        return False
    return entry.is_file() and entry.stem.isidentifier()


def _mypy_targets(workdir: Path, tool: dict[str, Any], ini: configparser.ConfigParser | None) -> list[str]:
    """No targets when mypy's config names its ``files`` and they exist; else what to check.

    An sdist may lack a folder the config names (``files = src, tests, examples`` without
    examples/), which makes mypy stop at once: then the named files that exist are passed.
    """
    configured = (tool.get("mypy") or {}).get("files")
    if configured is None and ini is not None and ini.has_option("mypy", "files"):
        configured = ini.get("mypy", "files")
    if configured is None:
        return source_targets(workdir)
    names = configured.split(",") if isinstance(configured, str) else [str(n) for n in configured]
    names = [n.strip() for n in names if n.strip()]
    present = [n for n in names if any(ch in n for ch in "*?[") or (workdir / n).exists()]
    if len(present) == len(names):
        return []
    return present or source_targets(workdir)


def _hooks(path: Path) -> dict[str, list[str]]:
    """``{tool: hook args}`` for the hooks of .pre-commit-config.yaml that run a tool we know."""
    # each tool's own repository names its hook after the tool
    return {hook: args for hook, args in pre_commit_hooks(path).items() if hook in FORMATS}


def _mentions_ruff_format(workdir: Path) -> bool:
    pattern = re.compile(r"\bruff\s+format\b")
    paths = [workdir / name for name in _FORMAT_EVIDENCE]
    workflows = workdir / ".github" / "workflows"
    if workflows.is_dir():
        paths += sorted(workflows.glob("*.y*ml"))
    for path in paths:
        try:
            if pattern.search(path.read_text("utf-8", "replace")):
                return True
        except OSError:
            continue
    return False
