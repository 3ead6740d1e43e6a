"""``git upgrade help [CMD]``: the manual page's text, plain, for the whole tool or one command."""

from __future__ import annotations

import click

from gitupgrade.cli.manpage import render_text
from gitupgrade.cli.terminal import page


@click.command("help")
@click.argument("words", nargs=-1)
@click.pass_context
def command(ctx: click.Context, words: tuple[str, ...]) -> None:
    """Print the manual (git-upgrade(1)) as text, or the part about COMMAND.

    git upgrade --help opens the same page with man; -h prints the short usage.
    """
    root = ctx.find_root().command
    page(render_text(root, " ".join(words) or None))
