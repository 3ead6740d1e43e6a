"""Rendering helpers shared by the commands: rich for people, JSON for machines."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import click
from rich.console import Console

from gitupgrade.cli.terminal import color_enabled


def console(stderr: bool = False) -> Console:
    """A rich console on the current stdout (or stderr), coloured by git's rules (cli/terminal.py)."""
    stream = sys.stderr if stderr else sys.stdout
    if not color_enabled(stream):
        return Console(file=stream, highlight=False, soft_wrap=False, color_system=None)
    # color.ui=always, or a pager: colour a stream that is not a terminal itself.
    forced = None if stream.isatty() else True
    return Console(file=stream, highlight=False, soft_wrap=False, force_terminal=forced)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (the ``--json`` contract)."""
    from gitupgrade.ledger.text import redact_data

    # A URL with a password (an unreachable llm.base_url in a failure's detail) is shown without it.
    click.echo(json.dumps(redact_data(data), indent=2, default=str))


class _NoteHandler(logging.Handler):
    """Library notes (e.g. a ledger index rebuilt) as one ``note:`` line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        from gitupgrade.ledger.text import escape

        click.echo(f"note: {escape(record.getMessage())}", err=True)


def show_library_notes() -> None:
    """Print what the library logs at warning level as notes (once per process)."""
    logger = logging.getLogger("gitupgrade")
    if not any(isinstance(h, _NoteHandler) for h in logger.handlers):
        logger.addHandler(_NoteHandler(logging.WARNING))
        logger.propagate = False


def is_interactive() -> bool:
    """Whether progress bars may be drawn (stderr is a terminal)."""
    return sys.stderr.isatty()
