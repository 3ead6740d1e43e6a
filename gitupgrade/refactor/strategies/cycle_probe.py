"""Does an import cycle fail for real? Each of its modules imported first in a fresh interpreter.

Before the circular-import strategy hides a dependency in a function, it asks the
project's own interpreter (the one the test command names, as the validation's import
check does) to import each module of the cycle first, one fresh process per module, in
the work tree with its code first on the import path, no bytecode written, and a time
limit. When every module imports fine, there is no failure to prevent and the cycle is
left as it is. A probe that cannot run (no interpreter, a time-out) proves nothing either
way: the scan's own replay of the import order decides then.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gitupgrade.project_python import command_env, interpreter_of
from gitupgrade.refactor.strategies.base import config_value

if TYPE_CHECKING:
    from pathlib import Path

    from gitupgrade.config import Config

# One module per process: the first import of a fresh interpreter is what users hit.
_IMPORT = "import importlib, sys\nimportlib.import_module(sys.argv[1])\n"
_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
# What the interpreter says when a name is taken from a module still importing.
_CIRCULAR = ("partially initialized module", "circular import")
# A cycle this large is probed in part only: each module costs an interpreter start.
MAX_PROBED = 12
_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class ImportProbe:
    """How importing each probed module first went: fine, a circular failure, another failure."""

    fine: tuple[str, ...] = ()
    circular: dict[str, str] = field(default_factory=dict)
    other: dict[str, str] = field(default_factory=dict)
    skipped: str = ""  # why the probe could not run (then it proves nothing)

    @property
    def all_fine(self) -> bool:
        """Whether every module imported fine as the first import of a fresh interpreter."""
        return not self.skipped and not self.circular and not self.other and bool(self.fine)


def probe_imports(workdir: Path, modules: list[str], config: Config | None) -> ImportProbe:
    """Import each of ``modules`` first in a fresh interpreter of the project, in ``workdir``."""
    names = [m for m in modules if _MODULE.fullmatch(m)]
    if len(names) != len(modules):
        return ImportProbe(skipped="a module name of the evidence is not a dotted name")
    if len(names) > MAX_PROBED:
        return ImportProbe(skipped=f"{len(names)} modules, more than the {MAX_PROBED} probed")
    python = interpreter_of(str(config_value(config, "validation.test_command", "python")))
    timeout = min(float(config_value(config, "validation.timeout_seconds", _TIMEOUT_SECONDS)), _TIMEOUT_SECONDS)
    env = command_env(workdir)
    fine: list[str] = []
    circular: dict[str, str] = {}
    other: dict[str, str] = {}
    for name in names:
        try:
            done = subprocess.run(
                [python, "-c", _IMPORT, name],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            return ImportProbe(skipped=f"importing {name} took over {timeout:g}s")
        except OSError as exc:
            return ImportProbe(skipped=f"cannot run {python}: {exc.strerror or exc}")
        if done.returncode == 0:
            fine.append(name)
            continue
        lines = done.stderr.strip().splitlines()
        error = lines[-1] if lines else f"exit status {done.returncode}"
        (circular if any(mark in error for mark in _CIRCULAR) else other)[name] = error
    return ImportProbe(tuple(fine), circular, other)
