"""Installing the pre-push hook where git runs it, chaining the hook that was there before.

An existing ``pre-push`` (a team's own, pre-commit's, husky's) is never
overwritten: it is renamed ``pre-push.gitupgrade-previous`` and our script runs
it first with the same arguments and stdin; uninstalling puts it back.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from gitupgrade.errors import RefusedError
from gitupgrade.files import write_atomically
from gitupgrade.repo import GitRepo
from gitupgrade.repo.hookdir import hooks_dir

HOOK_NAME = "pre-push"
PREVIOUS_SUFFIX = ".gitupgrade-previous"
MARKER = "# gitupgrade-hook-version: 1"

HOOK_TEMPLATE = """#!/bin/sh
# git-upgrade pre-push hook: refuses a push that adds import cycles, god classes or
# modules, or layering violations (`git upgrade check` on each pushed range).
# Installed by `git upgrade hook install`; `git upgrade hook uninstall` removes it and
# puts back the hook it replaced. `git push --no-verify` skips hooks once.
{marker}
GITUPGRADE_PYTHON=${{GITUPGRADE_PYTHON:-{python}}}

previous="$(dirname "$0")/pre-push{suffix}"
# git writes the pushed refs on stdin once; keep them for every reader.
refs=$(cat)
replay() {{ if [ -n "$refs" ]; then printf '%s\\n' "$refs"; fi; }}

if [ -x "$previous" ]; then
    replay | "$previous" "$@" || exit $?
fi

if command -v git-upgrade >/dev/null 2>&1; then
    replay | git-upgrade hook run-pre-push "$@"
elif "$GITUPGRADE_PYTHON" -c 'import gitupgrade' >/dev/null 2>&1; then
    replay | "$GITUPGRADE_PYTHON" -m gitupgrade hook run-pre-push "$@"
else
    echo "git-upgrade pre-push hook: git-upgrade is not on PATH and $GITUPGRADE_PYTHON cannot import gitupgrade" >&2
    echo "hint: install gitupgrade, or run 'git upgrade hook uninstall'; 'git push --no-verify' skips hooks once" >&2
    exit 1
fi
"""


@dataclass(frozen=True)
class HookChange:
    """What install or uninstall did: ``action`` and the paths involved."""

    action: str  # installed | updated | uninstalled | not-installed
    path: Path
    previous: Path | None = None  # the chained (install) or restored (uninstall) hook

    def to_dict(self) -> dict[str, str | None]:
        """Plain JSON-ready data."""
        return {
            "action": self.action,
            "path": str(self.path),
            "previous": str(self.previous) if self.previous else None,
        }


def hook_script(python: str = sys.executable) -> str:
    """The pre-push script, falling back to ``python -m gitupgrade`` when git-upgrade is not on PATH."""
    return HOOK_TEMPLATE.format(marker=MARKER, python=shlex.quote(python), suffix=PREVIOUS_SUFFIX)


def is_ours(path: Path) -> bool:
    """Whether ``path`` is a pre-push hook we wrote."""
    try:
        return path.is_file() and MARKER in path.read_text("utf-8", errors="replace")
    except OSError:
        return False


def install_hook(repo: GitRepo, python: str = sys.executable) -> HookChange:
    """Install (or refresh) our pre-push hook, keeping and chaining an existing one."""
    directory = hooks_dir(repo)
    hook = directory / HOOK_NAME
    previous = directory / f"{HOOK_NAME}{PREVIOUS_SUFFIX}"
    action = "installed"
    if is_ours(hook):
        action = "updated"
    elif hook.exists() or hook.is_symlink():
        if previous.exists() or previous.is_symlink():
            raise RefusedError(
                f"{hook} is not ours and {previous.name} already exists; both would not fit",
                hint=f"merge the two hooks by hand, or remove {previous}, then install again",
            )
        hook.rename(previous)
    directory.mkdir(parents=True, exist_ok=True)
    _write_executable(hook, hook_script(python))
    return HookChange(action, hook, previous if (previous.exists() or previous.is_symlink()) else None)


def uninstall_hook(repo: GitRepo) -> HookChange:
    """Remove our pre-push hook and put back the one it replaced; a foreign hook is left alone."""
    directory = hooks_dir(repo)
    hook = directory / HOOK_NAME
    previous = directory / f"{HOOK_NAME}{PREVIOUS_SUFFIX}"
    if not (hook.exists() or hook.is_symlink()):
        return HookChange("not-installed", hook)
    if not is_ours(hook):
        raise RefusedError(
            f"{hook} was not installed by git upgrade; left alone",
            hint="remove it yourself if you no longer want it",
        )
    hook.unlink()
    if previous.exists() or previous.is_symlink():
        previous.rename(hook)
        return HookChange("uninstalled", hook, hook)
    return HookChange("uninstalled", hook)


def _write_executable(path: Path, text: str) -> None:
    write_atomically(path, text, executable=True)
