"""git's rules for the terminal: which pager shows long output, and whether output is coloured.

Pager, as git decides it for its own commands: only when stdout is a terminal and git
has not started one already (``GIT_PAGER_IN_USE``); ``pager.upgrade`` false turns it off
and a command string replaces the pager; otherwise ``GIT_PAGER``, ``core.pager``,
``PAGER``, then ``less``; ``cat`` or an empty value means none. ``LESS=FRX`` and
``LV=-c`` are set when unset, as git sets them, so short output leaves no screen.
``git --no-pager upgrade`` exports ``GIT_PAGER=cat``, so it works unchanged.

Colour: ``NO_COLOR`` turns it off; then ``color.upgrade``, else ``color.ui``
(always / never / auto, the default); auto colours a terminal or a pager, not a pipe or
``TERM=dumb``.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import click

from gitupgrade.repo.gitconfig import parse_bool, read_git_config

_KEYS = r"^(core\.pager|pager\.upgrade|color\.ui|color\.upgrade)$"
_META_KEY = "gitupgrade.terminal"


@dataclass(frozen=True)
class TerminalSettings:
    """The git settings that decide paging and colour, read once per command."""

    values: dict[str, str]

    def pager(self, environ: dict[str, str] | os._Environ[str], stdout_is_tty: bool) -> str | None:
        """The pager command git would start for ``git upgrade``, or None."""
        if not stdout_is_tty or environ.get("GIT_PAGER_IN_USE"):
            return None
        per_command = self.values.get("pager.upgrade")
        if per_command is not None:
            as_bool = parse_bool(per_command)
            if as_bool is False:
                return None
            if as_bool is None:
                return _usable(per_command)
        for candidate in (environ.get("GIT_PAGER"), self.values.get("core.pager"), environ.get("PAGER")):
            if candidate is not None:
                return _usable(candidate)
        return "less"

    def color(self, environ: dict[str, str] | os._Environ[str], stream_is_tty: bool, paged: bool) -> bool:
        """Whether output on this stream is coloured."""
        if environ.get("NO_COLOR"):
            return False
        setting = (self.values.get("color.upgrade") or self.values.get("color.ui") or "auto").strip().lower()
        if setting == "always":
            return True
        if setting in ("never",) or parse_bool(setting) is False:
            return False
        return (stream_is_tty or paged or bool(environ.get("GIT_PAGER_IN_USE"))) and environ.get("TERM") != "dumb"


def _usable(command: str) -> str | None:
    return None if command.strip() in ("", "cat") else command


def settings() -> TerminalSettings:
    """The settings for the running command (read from git config once, in ``-C``'s directory)."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    cached = root.meta.get(_META_KEY) if root is not None else None
    if isinstance(cached, TerminalSettings):
        return cached
    directory = getattr(root.obj, "directory", None) if root is not None else None
    found = TerminalSettings(read_git_config(Path(directory or "."), _KEYS))
    if root is not None:
        root.meta[_META_KEY] = found
    return found


class PagerStream(io.TextIOWrapper):
    """stdout while a pager shows it (output.console() colours it like a terminal)."""


@contextlib.contextmanager
def paged() -> Iterator[None]:
    """Send everything written to stdout inside the block through git's pager, if one applies."""
    stdout_is_tty = _isatty(sys.stdout)
    # A pipe is never paged, whatever git's settings say: not worth a git process to read them.
    command = settings().pager(os.environ, stdout_is_tty) if stdout_is_tty else None
    if command is None:
        yield
        return
    env = {**os.environ, "GIT_PAGER_IN_USE": "true"}
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        # git runs the pager through the shell too: core.pager may hold arguments and pipes.
        process = subprocess.Popen(["/bin/sh", "-c", command], stdin=subprocess.PIPE, env=env)
    except OSError:
        yield
        return
    assert process.stdin is not None
    stream = PagerStream(process.stdin, encoding="utf-8", errors="replace", line_buffering=False)
    try:
        with contextlib.redirect_stdout(stream):
            yield
    finally:
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.close()  # the reader quit early (q in less): nothing left to show
        process.wait()


def page(text: str) -> None:
    """Print ``text`` through the pager when one applies, else on stdout."""
    with paged():
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            pass


def color_enabled(stream: TextIO) -> bool:
    """Whether output written to ``stream`` should carry colour and styles."""
    paged_now = isinstance(stream, PagerStream)
    return settings().color(os.environ, _isatty(stream), paged_now)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
