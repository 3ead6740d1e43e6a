"""Rendering helpers shared by the commands: rich for people, JSON for machines."""

from __future__ import annotations

import json
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
    click.echo(json.dumps(data, indent=2, default=str))


def is_interactive() -> bool:
    """Whether progress bars may be drawn (stderr is a terminal)."""
    return sys.stderr.isatty()
