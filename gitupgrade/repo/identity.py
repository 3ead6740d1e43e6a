"""Who commits: the author and committer identity, resolved exactly as ``git commit`` does.

libgit2's ``default_signature`` reads only ``user.name``/``user.email``: it ignores
``GIT_AUTHOR_*``/``GIT_COMMITTER_*``, ``author.*``/``committer.*`` and (depending on the
build) ``includeIf`` sections. ``git var GIT_AUTHOR_IDENT`` applies all of git's rules,
including its auto-detection and its refusal, so we ask git once per command and cache
the names; each commit still gets the time it is made unless ``GIT_*_DATE`` fixes it.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass

import pygit2

from gitupgrade.errors import GitOperationError, UserError
from gitupgrade.repo.core import GitRepo, git_command, git_env

_IDENT = re.compile(r"^(?P<name>.*) <(?P<email>[^<>]*)> (?P<time>-?\d+) (?P<offset>[+-]\d{4})$")
_DATE_VARS = {"GIT_AUTHOR_IDENT": "GIT_AUTHOR_DATE", "GIT_COMMITTER_IDENT": "GIT_COMMITTER_DATE"}
IDENTITY_HINT = (
    'tell git who you are: git config --global user.email "you@example.com" '
    'and git config --global user.name "Your Name" (or set GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL)'
)


@dataclass(frozen=True)
class Ident:
    """One resolved identity line of ``git var``: name, email and, when fixed by the environment, a date."""

    name: str
    email: str
    fixed_time: int | None
    fixed_offset: int | None  # minutes east of UTC

    def signature(self) -> pygit2.Signature:
        """A pygit2 signature for a commit made now (or at the fixed date)."""
        if self.fixed_time is not None and self.fixed_offset is not None:
            return pygit2.Signature(self.name, self.email, self.fixed_time, self.fixed_offset)
        now = int(time.time())
        offset = time.localtime(now).tm_gmtoff // 60
        return pygit2.Signature(self.name, self.email, now, offset)


@dataclass(frozen=True)
class Identity:
    """The author and committer of the commits one command makes."""

    author: Ident
    committer: Ident


def identity(repo: GitRepo) -> Identity:
    """The user's identity for ``repo`` (cached on the handle: one ``git var`` pair per command).

    Raises a :class:`UserError` with git's own reason and a hint when git would refuse
    to commit (no ``user.email`` and no usable auto-detected address).
    """
    cached = repo.cache.get("identity")
    if isinstance(cached, Identity):
        return cached
    resolved = Identity(_resolve(repo, "GIT_AUTHOR_IDENT"), _resolve(repo, "GIT_COMMITTER_IDENT"))
    repo.cache["identity"] = resolved
    return resolved


def author_signature(repo: GitRepo) -> pygit2.Signature:
    """The author signature of a commit made now."""
    return identity(repo).author.signature()


def committer_signature(repo: GitRepo) -> pygit2.Signature:
    """The committer signature of a commit made now."""
    return identity(repo).committer.signature()


def _resolve(repo: GitRepo, variable: str) -> Ident:
    try:
        done = subprocess.run(
            git_command(repo, "var", variable),
            capture_output=True,
            text=True,
            check=False,
            env=git_env(),
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitOperationError("var", f"cannot run git: {exc}", hint="install git >= 2.36") from exc
    if done.returncode != 0:
        reasons = [line.removeprefix("fatal: ") for line in done.stderr.splitlines() if line.startswith("fatal: ")]
        reason = reasons[-1] if reasons else "identity unknown"
        raise UserError(f"git does not know who you are: {reason}", hint=IDENTITY_HINT)
    match = _IDENT.match(done.stdout.strip())
    if match is None:
        raise GitOperationError("var", f"unexpected identity line {done.stdout.strip()!r}")
    fixed = bool(os.environ.get(_DATE_VARS[variable]))
    sign = -1 if match["offset"][0] == "-" else 1
    offset = sign * (int(match["offset"][1:3]) * 60 + int(match["offset"][3:5]))
    return Ident(
        name=match["name"],
        email=match["email"],
        fixed_time=int(match["time"]) if fixed else None,
        fixed_offset=offset if fixed else None,
    )
