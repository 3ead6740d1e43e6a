"""Rendering helpers shared by the commands: rich for people, JSON for machines."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console


def console(stderr: bool = False) -> Console:
    """A rich console on the current stdout (or stderr); plain text when not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (the ``--json`` contract)."""
    click.echo(json.dumps(data, indent=2, default=str))


def is_interactive() -> bool:
    """Whether progress bars may be drawn (stderr is a terminal)."""
    return sys.stderr.isatty()
