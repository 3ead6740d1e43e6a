"""Reading git's own configuration the way git reads it (includes, includeIf, -c, GIT_CONFIG_*).

For settings of git itself that decide how we behave as a git command (pager, colour),
read with ``git config`` so every source git would use applies, inside or outside a
repository. One call reads every key a command needs.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

_TRUE = frozenset({"true", "yes", "on", "1", ""})
_FALSE = frozenset({"false", "no", "off", "0"})


def read_git_config(directory: Path, pattern: str) -> dict[str, str]:
    """The values of the keys matching the regex ``pattern`` (lower-case names; the last one wins).

    Never fails: without git, or outside a repository, it returns what it can (possibly nothing).
    """
    try:
        done = subprocess.run(
            ["git", "config", "-z", "--get-regexp", pattern],
            cwd=directory if directory.is_dir() else None,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    return parse_config_list(done.stdout)


def parse_config_list(output: str) -> dict[str, str]:
    """The keys (lower-case) and values of ``git config -z --get-regexp`` output; the last one wins, as in git."""
    values: dict[str, str] = {}
    for item in output.split("\0"):
        if item:
            key, _, value = item.partition("\n")
            values[key.lower()] = value
    return values


def parse_bool(value: str) -> bool | None:
    """git's boolean spelling of ``value``: True, False, or None when it is not a boolean."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None
