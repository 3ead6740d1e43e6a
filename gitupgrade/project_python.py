"""The project's own Python: the interpreter its test command names, and the environment
that runs the staged code with it.

Validation (tests, import check, static checks, surface probe) and the strategies that
ask the project's interpreter a question (the circular-import probe) all run the user's
Python the same way, so this sits below both.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

_PYTHON_NAME = re.compile(r"(python|pypy)[0-9.]*(\.exe)?")


def python_roots(workdir: Path) -> list[Path]:
    """Import roots of a checkout: its top directory, and ``src/`` for a src layout."""
    roots = [workdir]
    if (workdir / "src").is_dir():
        roots.insert(0, workdir / "src")
    return roots


def command_env(workdir: Path) -> dict[str, str]:
    """The user's environment with the worktree's roots first on PYTHONPATH.

    PYTHONPATH entries precede site-packages, ``.pth`` files and editable-install
    finders, so the staged code wins over an installed copy of the same project.
    No bytecode is written, keeping the worktree clean; a bytecode prefix would also
    keep the interpreter from using the existing caches of the standard library and
    site-packages (0.23 s instead of 0.05 s per start here).
    """
    env = dict(os.environ)
    # git exports these for the checkout it was started in; the tests run in the staging worktree.
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX"):
        env.pop(name, None)
    roots = [str(root) for root in python_roots(workdir)]
    existing = env.get("PYTHONPATH")
    env["PYTHONPATH"] = os.pathsep.join(roots + ([existing] if existing else []))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONHOME", None)
    return env


def interpreter_of(command: str) -> str:
    """The Python the test command runs (its first word when that is a python), else ``python``.

    The import check starts this interpreter too, so one setting names the project's Python
    for both (a pipx install of gitupgrade has no ``python`` of the project on PATH).
    """
    try:
        words = shlex.split(command)
    except ValueError:
        return "python"
    first = words[0] if words else ""
    return first if _PYTHON_NAME.fullmatch(os.path.basename(first)) else "python"
