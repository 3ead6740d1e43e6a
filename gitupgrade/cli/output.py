"""Rendering helpers shared by the commands: rich for people, JSON for machines."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from gitupgrade.cli.terminal import color_enabled

if TYPE_CHECKING:
    from rich.console import Console

# What rich's console changes in a line of unstyled text: it drops these control
# characters and expands tabs (and replaces ``:name:`` emoji codes, see print_line).
_RICH_REWRITES = re.compile(r"[\t\x07\x08\x0b\x0c\r]")


def console(stderr: bool = False) -> Console:
    """A rich console on the current stdout (or stderr), coloured by git's rules (cli/terminal.py)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if not color_enabled(stream):
        return Console(file=stream, highlight=False, soft_wrap=False, color_system=None)
    # color.ui=always, or a pager: colour a stream that is not a terminal itself.
    forced = None if stream.isatty() else True
    return Console(file=stream, highlight=False, soft_wrap=False, force_terminal=forced)


def print_line(text: str) -> None:
    """Print one line on stdout exactly as ``console().print(text, markup=False, soft_wrap=True)`` does.

    Loading rich's console costs a command like ``status`` a sixth of its start-up,
    for lines that carry no style: rich only drops a few control characters, expands
    tabs and replaces emoji codes in them. So a line with a tab or such a character
    goes through rich itself, emoji codes through rich's own replacement, and every
    other line is written as it is (and flushed, as rich does).
    """
    if _RICH_REWRITES.search(text):
        console().print(text, markup=False, soft_wrap=True)
        return
    if ":" in text:
        try:
            from rich._emoji_replace import _emoji_replace
        except ImportError:  # a rich without it: let its console do the whole line
            console().print(text, markup=False, soft_wrap=True)
            return
        text = _emoji_replace(text)
    stream = sys.stdout
    stream.write(text + "\n")
    stream.flush()


def print_table(out: Console, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` under ``header`` in plain aligned columns, indented by two spaces."""
    # Plain aligned columns: stable to read in a terminal, a log or a test.
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        out.print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip(), markup=False)


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
