"""Reading a project's own settings files (``pyproject.toml``, ``setup.cfg``, ``tox.ini``,
``.pre-commit-config.yaml`` ...).

Two parts ask what a project's tools are configured to do: the refactorer (its code
style) and the validator (which static checks it runs). Both read the files the same
way, here: a file that is missing, unreadable or not valid counts as saying nothing,
because a settings file the project's tools would reject must not stop an upgrade.
"""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path
from typing import Any


def read_toml(path: Path) -> dict[str, Any]:
    """The tables of the TOML file at ``path``; empty when it is missing, unreadable or not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def read_ini(path: Path) -> configparser.ConfigParser:
    """The sections of the ini-style file at ``path``; empty when it is missing or unreadable.

    Values are read raw (a ``%`` is not interpolated), a repeated section or option keeps
    its last value, and a malformed line is skipped while the rest of the file counts.
    """
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        pass
    return parser


def pre_commit_hooks(path: Path) -> dict[str, list[str]]:
    """``{hook id: args}`` of the ``.pre-commit-config.yaml`` at ``path``; empty when it says nothing.

    ruff's hook, named ``ruff`` before ``ruff-check``, is ``ruff`` under either id.
    """
    import yaml  # only the refactorer and the validator read hooks; ``status`` starts without PyYAML

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    found: dict[str, list[str]] = {}
    repos = document.get("repos") if isinstance(document, dict) else None
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if isinstance(hook, dict) and isinstance(hook.get("id"), str):
                args = hook.get("args")
                found["ruff" if hook["id"] == "ruff-check" else hook["id"]] = (
                    [str(a) for a in args] if isinstance(args, list) else []
                )
    return found
